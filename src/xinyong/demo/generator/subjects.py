"""The county's subjects: companies, individual businesses and people, with valid codes."""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from xinyong.core import ric, uscc
from xinyong.core.publicity import add_months
from xinyong.demo import words as W
from xinyong.demo.generator.common import (
    INDIVIDUAL,
    LEGAL,
    NATURAL,
    YEARS,
)
from xinyong.demo.specs import DEPARTMENTS, SUBJECT_SHARES


@dataclass
class SubjectSpec:
    """One subject of the demo county as the departments know it."""

    kind: str  # xinyong.subjects.models.SubjectKind value
    label: str  # 行政相对人类别 as submitted
    name: str
    code: str | None = None  # 统一社会信用代码
    id_number: str | None = None  # natural persons
    rep: str = ""  # 法定代表人 / 负责人 / 经营者
    rep_id: str = ""
    pools: tuple[str, ...] = ()
    sector: str = ""
    town: str = ""
    established: dt.date | None = None
    new_name: str = ""  # a later name (名称变更)
    rename_from: int = -1  # index of the first batch month that uses the new name

    def name_in(self, month_index: int) -> str:
        if self.new_name and 0 <= self.rename_from <= month_index:
            return self.new_name
        return self.name


class _Codes:
    """Unique 统一社会信用代码 and 居民身份证号码 for the county."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.bodies: set[str] = set()
        self.ids: set[str] = set()

    def uscc(self, prefix2: str, style: str) -> str:
        rng = self.rng
        alphabet = uscc.ALPHABET
        while True:
            if style == "MA":  # codes assigned since 2015 (MA + 6)
                body = "MA" + rng.choice("23456789AB") + "".join(rng.choices(alphabet, k=5))
            elif style == "MJ":  # 民政 registrations
                body = "MJ" + rng.choice("0123456789") + "".join(rng.choices(alphabet, k=5))
            elif style == "MF":  # village collectives
                body = "MF" + rng.choice("0123456789") + "".join(rng.choices(alphabet, k=5))
            elif style == "old":  # converted 组织机构代码
                body = rng.choice(("7", "6", "14", "25", "56")) + "".join(
                    rng.choices("0123456789", k=7)
                )
                body = body[:8]
            elif style == "inst":  # 事业单位
                body = "4" + "".join(rng.choices("0123456789", k=7))
            else:  # 机关
                body = "002" + "".join(rng.choices("0123456789", k=5))
            if body not in self.bodies:
                self.bodies.add(body)
                return uscc.build(prefix2 + W.REGION, body)

    def id_number(self, male: bool | None = None) -> str:
        rng = self.rng
        first = dt.date(1955, 1, 1).toordinal()
        last = dt.date(2004, 12, 31).toordinal()
        while True:
            birth = dt.date.fromordinal(rng.randint(first, last))
            # the sequence is odd for men and even for women
            sex = rng.randint(0, 1) if male is None else int(male)
            sequence = rng.randint(0, 499) * 2 + sex
            body = f"{W.REGION}{birth:%Y%m%d}{sequence:03d}"
            number = body + ric.calc_check_digit(body)
            if number not in self.ids:
                self.ids.add(number)
                return number


class _Names:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        surnames, weights = zip(*W.SURNAMES, strict=True)
        self.surnames = surnames
        self.cum = list(_cumulative(weights))
        self.used: set[str] = set()

    def surname(self) -> str:
        return self.rng.choices(self.surnames, cum_weights=self.cum)[0]

    def person(self) -> tuple[str, bool]:
        rng = self.rng
        male = rng.random() < 0.55
        chars = W.MALE_CHARS if male else W.FEMALE_CHARS
        given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.7 else "")
        return self.surname() + given, male

    def zihao(self) -> str:
        rng = self.rng
        while True:
            a, b = rng.choice(W.ZIHAO_FIRST), rng.choice(W.ZIHAO_SECOND)
            if a != b:
                return a + b

    def unique_or(self, name: str, part: str, numbered: str) -> str:
        """``name`` if it is still free, otherwise ``name`` with ``part`` replaced by the first
        free ``numbered`` (a pattern with ``{k}``)."""
        return self.unique(lambda: name, lambda k: name.replace(part, numbered.format(k=k)))

    def unique(self, make: Callable[[], str], fallback: Callable[[int], str]) -> str:
        for _ in range(30):
            name = make()
            if name not in self.used:
                self.used.add(name)
                return name
        n = 2
        while (name := fallback(n)) in self.used:
            n += 1
        self.used.add(name)
        return name


def _cumulative(weights: Iterable[float]) -> Iterable[float]:
    total = 0.0
    for w in weights:
        total += w
        yield total


_TABLES: dict[tuple[tuple[Any, float], ...], tuple[tuple[Any, ...], list[float], float]] = {}


def _weighted(rng: random.Random, pairs: tuple[tuple[Any, float], ...]) -> Any:
    """One item of (item, weight) pairs, by weight (the tables are built once)."""
    table = _TABLES.get(pairs)
    if table is None:
        cum = list(_cumulative(w for _, w in pairs))
        table = _TABLES[pairs] = (tuple(item for item, _ in pairs), cum, cum[-1])
    items, cum, total = table
    return items[bisect.bisect_right(cum, rng.random() * total)]


def _counts(total: int) -> dict[str, int]:
    """How many subjects of each kind a county of ``total`` subjects has."""
    small = {
        "gov_other": min(len(W.OTHER_BODIES) + len(W.TOWNS), max(3, total // 400)),
        "institution": max(3, min(len(W.INSTITUTIONS) + 5 * len(W.TOWNS), total // 300)),
        "village": max(3, min(len(W.TOWNS) * 12, total // 150)),
        "soc51": max(3, min(120, total // 200)),
        "soc52": max(3, min(300, total // 80)),
        "soc53": max(1, min(len(W.FOUNDATIONS), total // 2500)),
    }
    fixed = len(DEPARTMENTS) + sum(small.values())
    rest = max(4 * len(SUBJECT_SHARES), total - fixed)
    shares = sum(SUBJECT_SHARES.values())
    big = {k: max(2, rest * v // shares) for k, v in SUBJECT_SHARES.items()}
    big["company"] += rest - sum(big.values())
    return {**small, **big}


OLDEST = dt.date(1995, 1, 1)
MA_SINCE = dt.date(2016, 1, 1)


def department_code(index: int) -> str:
    """The 机关 code of the ``index``-th department (stable, independent of the seed)."""
    return uscc.build("11" + W.REGION, f"0025{1000 + index * 37:04d}")


def generate_subjects(
    seed: int, total: int, today: dt.date | None = None, years: int = YEARS
) -> list[SubjectSpec]:
    """The county's subjects: every kind, with valid codes and ID numbers.

    Names and codes depend only on ``seed`` and ``total``; establishment dates also on
    ``today`` (a share of the businesses were founded in the last three years).
    """
    rng = random.Random(f"xinyong-demo:{seed}:subjects")
    dates = random.Random(f"xinyong-demo:{seed}:established")
    today = today or dt.date.today()
    window_start = add_months(today, -12 * years)
    names = _Names(rng)
    codes = _Codes(rng)
    counts = _counts(total)
    out: list[SubjectSpec] = []

    def founded(recent_share: float, since: dt.date = OLDEST) -> dt.date:
        if dates.random() < recent_share:
            return window_start + dt.timedelta(days=dates.randint(0, (today - window_start).days))
        return dt.date.fromordinal(
            dates.randint(since.toordinal(), max(since, window_start).toordinal() - 1)
        )

    def person_with_id() -> tuple[str, str]:
        name, male = names.person()
        return name, codes.id_number(male)

    def add_represented(kind: str, name: str, prefix2: str, style: str, **details: Any) -> None:
        """Add a legal-person subject: its representative is drawn, then its code."""
        rep, rep_id = person_with_id()
        code = codes.uscc(prefix2, style)
        out.append(SubjectSpec(kind, LEGAL, name, code, rep=rep, rep_id=rep_id, **details))

    # government bodies: the departments, the other 机关 and the towns' governments
    for i, dept in enumerate(DEPARTMENTS):
        codes.bodies.add(department_code(i)[8:16])
        names.used.add(dept.name)
        rep, rep_id = person_with_id()
        out.append(
            SubjectSpec(
                "government",
                LEGAL,
                dept.name,
                department_code(i),
                rep=rep,
                rep_id=rep_id,
                pools=("gov",),
                established=dt.date(2019, 3, 1),
            )
        )
    others = [
        *W.OTHER_BODIES,
        *(
            f"示范县{t}人民政府" if t.endswith(("镇", "乡")) else f"示范县人民政府{t}办事处"
            for t in W.TOWNS
        ),
    ]
    for name in others[: counts["gov_other"]]:
        names.used.add(name)
        add_represented(
            "government", name, "11", "gov", pools=("gov",), established=dt.date(2015, 10, 1)
        )
    # public institutions (事业单位)
    institutions = list(W.INSTITUTIONS) + [
        (pattern.format(town=f"示范县{t}"), kind)
        for t in W.TOWNS
        for pattern, kind in W.TOWN_INSTITUTIONS
    ]
    for name, kind in institutions[: counts["institution"]]:
        names.used.add(name)
        add_represented(
            "legal",
            name,
            "12",
            "inst",
            pools=(f"inst:{kind}", "inst:any"),
            established=dt.date(2016, 6, 1),
        )
    # village collectives (农村集体经济组织, 农业 N2/N3)
    for i in range(counts["village"]):
        town = W.TOWNS[i % len(W.TOWNS)]
        if i % 10 == 0 and i // 10 < len(W.TOWNS):  # the town-level 联合社 (乡镇级)
            town = W.TOWNS[i // 10]
            name, category = f"示范县{town}股份经济联合社", "N3"
        else:
            village = W.VILLAGES[(i * 7 + i // len(W.TOWNS)) % len(W.VILLAGES)]
            name, category = f"示范县{town}{village}村股份经济合作社", "N2"
        name = names.unique_or(name, "股份", "第{k}股份")
        add_represented(
            "legal",
            name,
            category,
            "MF",
            pools=("village",),
            town=town,
            established=dt.date(2017, 12, 1),
        )
    # social organisations (民政: 社会团体 51, 民办非企业单位 52, 基金会 53)
    for i in range(counts["soc51"]):

        def association(i: int = i) -> str:
            if i < len(W.ASSOCIATIONS):
                return f"示范县{W.ASSOCIATIONS[i]}"
            if rng.random() < 0.3:
                return f"示范县{rng.choice(W.HOMETOWNS)}商会"
            return f"示范县{rng.choice(W.TOWNS)}{rng.choice(W.ASSOCIATIONS)}"

        name = names.unique(association, lambda k: f"示范县第{k}志愿服务协会")
        add_represented(
            "legal", name, "51", "MJ", pools=("soc:51", "soc:any"), established=founded(0.2)
        )
    for _ in range(counts["soc52"]):
        stem, sector = rng.choice(W.PRIVATE_NONPROFITS)

        def nonprofit(stem: str = stem) -> str:
            return f"示范县{rng.choice((names.zihao(), rng.choice(W.TOWNS)))}{stem}"

        def numbered_nonprofit(k: int, stem: str = stem) -> str:
            return f"示范县{names.zihao()}第{k}{stem}"

        name = names.unique(nonprofit, numbered_nonprofit)
        pools = ("soc:52", f"soc:{sector}", "soc:any")
        add_represented("legal", name, "52", "MJ", pools=pools, established=founded(0.25))
    for i in range(counts["soc53"]):
        name = f"示范县{W.FOUNDATIONS[i % len(W.FOUNDATIONS)]}"
        name = names.unique_or(name, "基金会", "{k}号基金会")
        add_represented(
            "legal", name, "53", "MJ", pools=("soc:53", "soc:any"), established=founded(0.1)
        )
    # companies (工商 91) and cooperatives (工商 93)
    forms = W.COMPANY_FORMS
    places = W.COMPANY_PLACES
    for _ in range(counts["company"]):
        industry, sector = rng.choice(W.COMPANY_INDUSTRIES)
        form = _weighted(rng, forms)
        place = _weighted(rng, places)
        town = rng.choice(W.TOWNS)

        def company(industry: str = industry, form: str = form, place: str = place) -> str:
            zihao = names.zihao() if rng.random() < 0.9 else rng.choice(W.VILLAGES)
            if place == "" and form.endswith("公司"):
                return f"{zihao}（示范县）{industry}{form}"
            return f"{place}{zihao}{industry}{form}"

        def numbered_company(k: int, industry: str = industry) -> str:
            return f"示范县{names.zihao()}{industry}{k}号有限公司"

        name = names.unique(company, numbered_company)
        rep, rep_id = person_with_id()
        # codes issued since 2015 start with MA; older firms kept their 组织机构代码
        style = "old" if rng.random() < 0.3 else "MA"
        if style == "old":
            est = dt.date.fromordinal(dates.randint(OLDEST.toordinal(), MA_SINCE.toordinal() - 1))
        else:
            est = founded(0.45, MA_SINCE)
        out.append(
            SubjectSpec(
                "legal",
                LEGAL,
                name,
                codes.uscc("91", style),
                rep=rep,
                rep_id=rep_id,
                pools=(f"co:{sector}", "co:any"),
                sector=sector,
                town=town,
                established=est,
            )
        )
    for _ in range(counts["coop"]):
        product = rng.choice(W.COOP_PRODUCTS)
        town = rng.choice(W.TOWNS)

        def coop(product: str = product, town: str = town) -> str:
            word = rng.choice((names.zihao(), rng.choice(W.VILLAGES)))
            return f"示范县{town}{word}{product}专业合作社"

        def numbered_coop(k: int, product: str = product) -> str:
            return f"示范县{names.zihao()}{product}第{k}专业合作社"

        name = names.unique(coop, numbered_coop)
        add_represented(
            "legal",
            name,
            "93",
            "MA",
            pools=("coop", "co:agriculture"),
            sector="agriculture",
            town=town,
            established=founded(0.2),
        )
    # individual businesses (个体工商户, 工商 92)
    for _ in range(counts["individual"]):
        shop, sector = rng.choice(W.SHOPS)
        town = rng.choice(W.TOWNS)
        owner, _ = names.person()

        def business(shop: str = shop, town: str = town, owner: str = owner) -> str:
            r = rng.random()
            if r < 0.45:
                return f"示范县{town}{owner[0]}记{shop}"
            if r < 0.9:
                return f"示范县{town}{names.zihao()}{shop}"
            return f"示范县{town}{owner}{shop}"

        def numbered_business(k: int, owner: str = owner) -> str:
            return f"个体工商户{owner}（{k}）"

        name = names.unique(business, numbered_business)
        out.append(
            SubjectSpec(
                "individual_business",
                INDIVIDUAL,
                name,
                codes.uscc("92", "MA"),
                rep=owner,
                pools=(f"ind:{sector}", "ind:any"),
                sector=sector,
                town=town,
                established=founded(0.4),
            )
        )
    # natural persons (自然人)
    for _ in range(counts["natural"]):
        name, male = names.person()
        out.append(
            SubjectSpec(
                "natural",
                NATURAL,
                name,
                id_number=codes.id_number(male),
                pools=("np",),
                town=rng.choice(W.TOWNS),
            )
        )
    return out
