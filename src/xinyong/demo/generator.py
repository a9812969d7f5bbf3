"""The demo county 示范县: departments, users, subjects and three years of 双公示 records.

Everything is drawn from a seeded ``random.Random``, so the same seed gives the same county.
Subjects' names and codes depend only on the seed and the number of subjects; decision dates
are laid out over the three years up to the day of the build.

Records go through the real collection pipeline (:class:`xinyong.ingest.pipeline.Ingestion`),
exactly as a department's submissions would: one batch per department, record type and month
(source ``demo``), holding what the department uploaded that month. A department uploads once
a week on its own weekday; each decision reaches the platform on an upload day 1–10 working
days after it was taken, so the slower departments are sometimes late (R-ING-3). Each upload
is one ``Ingestion`` run whose ``now`` is the simulated receipt time. Every batch carries a
few faulty rows (impossible dates, amounts written in words, a wrong check character …) that
are rejected, most of them fixed and resubmitted in a later upload; some decisions are
resubmitted with a change (history), some identically; a few companies change their name; a
couple of decisions are revoked at the end.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
import string
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from xinyong.core import ric, uscc
from xinyong.core.publicity import add_months
from xinyong.core.workdays import ScheduleMissing, WorkCalendar
from xinyong.demo import words as W
from xinyong.demo.specs import DEPARTMENTS, SUBJECT_SHARES, Licence, Penalty

__all__ = [
    "DEFAULT_PASSWORD",
    "BuildResult",
    "Plan",
    "SubjectSpec",
    "build",
    "generate_subjects",
    "plan_records",
]

DEFAULT_PASSWORD = "demo12345"  # noqa: S105 - the demo's published password
OPERATOR_USERNAME = "xyb"
YEARS = 3

LEGAL = "法人及非法人组织"
INDIVIDUAL = "个体工商户"
NATURAL = "自然人"

Log = Callable[[str], None]


# ---------------------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------------------

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_CN_NUMBERS = "零一二三四五六七八九十"


def yuan_in_words(amount: int) -> str:
    """An amount of yuan in the capital numerals of decisions (大写金额).

    >>> yuan_in_words(5000), yuan_in_words(12500), yuan_in_words(100200), yuan_in_words(0)
    ('伍仟元整', '壹万贰仟伍佰元整', '壹拾万零贰佰元整', '零元整')
    """
    if amount == 0:
        return "零元整"

    def section(n: int) -> str:
        out = ""
        zero = False
        for pos in range(3, -1, -1):
            d = n // 10**pos % 10
            if d == 0:
                zero = bool(out)
                continue
            if zero:
                out += "零"
                zero = False
            out += _DIGITS[d] + _SMALL_UNITS[pos]
        return out

    parts: list[str] = []
    units = ("", "万", "亿")
    n = amount
    i = 0
    sections: list[tuple[int, int]] = []
    while n:
        sections.append((n % 10000, i))
        n //= 10000
        i += 1
    previous_low = False
    for value, idx in reversed(sections):
        if value == 0:
            previous_low = True
            continue
        if parts and (previous_low or value < 1000):
            parts.append("零")
        parts.append(section(value) + units[idx])
        previous_low = False
    return "".join(parts) + "元整"


def days_in_words(n: int) -> str:
    """Small numbers as written in decisions: 5 → 五, 10 → 十, 15 → 十五, 20 → 二十."""
    if n <= 10:
        return _CN_NUMBERS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_NUMBERS[tens]) + "十" + (_CN_NUMBERS[ones] if ones else "")


def wan(yuan: int) -> str:
    """Yuan as the 万元 figure of the 双公示 standard: 5000 → '0.5'."""
    return format(Decimal(yuan).scaleb(-4).normalize(), "f")


def nice(value: float) -> int:
    """Round an amount the way fines are set: to 50, 100, 1000 or 10000 yuan."""
    step = 50 if value < 1000 else 100 if value < 10000 else 1000 if value < 100000 else 10000
    return max(step, round(value / step) * step)


def cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


class Days:
    """The working-day calendar, falling back to Monday–Friday for years it does not cover."""

    def __init__(self, calendar: WorkCalendar) -> None:
        self.cal = calendar

    def is_workday(self, d: dt.date) -> bool:
        try:
            return self.cal.is_workday(d)
        except ScheduleMissing:
            return d.weekday() < 5

    def add(self, d: dt.date, n: int) -> dt.date:
        try:
            return self.cal.add(d, n)
        except ScheduleMissing:
            step = 1 if n > 0 else -1
            while n:
                d += dt.timedelta(days=step)
                if self.is_workday(d):
                    n -= step
            return d


def _placeholders(template: str) -> tuple[str, ...]:
    return tuple({name for _, name, _, _ in string.Formatter().parse(template) if name})


_PLACEHOLDERS: dict[str, tuple[str, ...]] = {}


def _fields_of(template: str) -> tuple[str, ...]:
    found = _PLACEHOLDERS.get(template)
    if found is None:
        found = _PLACEHOLDERS[template] = _placeholders(template)
    return found


# ---------------------------------------------------------------------------------------
# subjects
# ---------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------
# decisions
# ---------------------------------------------------------------------------------------

#: working days between a decision and its receipt (1…10), by how promptly a department submits
DELAYS: dict[str, tuple[tuple[int, float], ...]] = {
    cadence: tuple(enumerate(weights, start=1))
    for cadence, weights in {
        "prompt": (35, 25, 15, 9, 6, 4, 3, 1.5, 1, 0.5),
        "normal": (22, 22, 17, 12, 9, 6, 5, 3, 2, 2),
        "slow": (10, 14, 15, 15, 13, 11, 8, 6, 5, 3),
    }.items()
}
#: the weekdays a department uploads on (0 = Monday)
UPLOAD_DAYS = {"prompt": (0,), "normal": (2,), "slow": (4,)}

CORRUPTIONS = (
    ("date", 30),
    ("fine", 20),
    ("check", 25),
    ("missing", 10),
    ("future", 5),
    ("source", 5),
    ("kind", 5),
)


@dataclass(eq=False)
class Event:
    """One row a department uploads."""

    dept: int
    type_code: str
    decision: dt.date
    subject: SubjectSpec
    row: dict[str, Any]
    action: str = "new"  # new / bad (rejected) / fix / update / same
    upload: dt.date | None = None
    month: int = 0  # index of the batch month (the month of the upload)


@dataclass
class Plan:
    """Everything to submit, by batch: (upload month index, department index, type) → upload
    day → rows; plus what was injected, for the summary and the tests."""

    months: list[tuple[int, int]]
    batches: dict[tuple[int, int, str], dict[dt.date, list[Event]]]
    decisions: int
    injected: Counter[str]
    renamed: list[SubjectSpec]


class _Placeholder(dict[str, Any]):
    """Values for the texts' placeholders, drawn only when a text asks for them."""

    def __init__(
        self, rng: random.Random, names: _Names, subject: SubjectSpec, when: dt.date, year: int
    ) -> None:
        super().__init__()
        self.rng = rng
        self.names = names
        self.subject = subject
        self.when = when
        self.year = year

    def __missing__(self, key: str) -> Any:
        rng = self.rng
        value: Any
        if key == "date":
            value = cn_date(self.when - dt.timedelta(days=rng.randint(3, 60)))
        elif key == "period":  # a tax period: the month before the decision
            first = self.when.replace(day=1) - dt.timedelta(days=1)
            value = f"{first.year}年{first.month}月"
        elif key == "addr":
            town = self.subject.town or rng.choice(W.TOWNS)
            value = f"示范县{town}{rng.choice(W.ROADS)}{rng.randint(1, 300)}号"
        elif key == "goods":
            value = rng.choice(W.GOODS.get(self.subject.sector) or W.GOODS["trade"])
        elif key == "qty":
            value = rng.choice((2, 3, 5, 6, 8, 10, 12, 15, 20, 24, 30, 36, 50))
        elif key == "money":
            value = nice(math.exp(rng.uniform(math.log(500), math.log(500000))))
        elif key == "area":
            value = rng.choice((60, 80, 120, 150, 200, 350, 500, 1200, 2600, 5800, 12000, 36000))
        elif key == "ton":
            value = rng.randint(52, 96)
        elif key == "plate":
            value = "浙A" + "".join(rng.choices("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ", k=5))
        elif key == "project":
            value = rng.choice(W.PROJECT_KINDS).format(
                zihao=self.names.zihao(),
                town=self.subject.town or rng.choice(W.TOWNS),
                phase=rng.choice("一二三"),
            )
        elif key == "town":
            value = self.subject.town or rng.choice(W.TOWNS)
        elif key == "village":
            value = rng.choice(W.VILLAGES)
        elif key == "product":
            value = rng.choice(W.COOP_PRODUCTS)
        elif key == "zihao":
            value = self.names.zihao()
        elif key == "code":
            value = self.subject.code or ""
        elif key == "region":
            value = W.REGION
        elif key == "city":
            value = W.CITY_ABBR
        elif key == "y":
            value = self.year
        elif key == "yy":
            value = f"{self.year % 100:02d}"
        elif key == "ymd":
            value = f"{self.when:%Y%m%d}"
        elif key == "jy":
            value = rng.choice("123")
        elif key == "pwx":
            value = rng.choice("PVUQ")
        elif key.startswith("r") and key[1:].isdigit():
            value = "".join(rng.choices("0123456789", k=int(key[1:])))
        else:
            raise KeyError(key)
        self[key] = value
        return value


def _fmt(template: str, values: _Placeholder) -> str:
    if "{" not in template:
        return template
    for name in _fields_of(template):
        values[name]  # draws the value
    return template.format_map(values)


class _Planner:
    def __init__(
        self,
        seed: int,
        subjects: list[SubjectSpec],
        records: int,
        today: dt.date,
        days: Days,
        years: int = YEARS,
    ) -> None:
        self.rng = random.Random(f"xinyong-demo:{seed}:records")
        self.names = _Names(self.rng)
        self.subjects = subjects
        self.records = records
        self.today = today
        self.days = days
        start = add_months(today, -12 * years) + dt.timedelta(days=1)
        self.start = start
        self.months = []
        y, m = start.year, start.month
        while (y, m) <= (today.year, today.month):
            self.months.append((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        self.month_index = {ym: i for i, ym in enumerate(self.months)}
        self.pools: dict[str, list[SubjectSpec]] = defaultdict(list)
        for s in subjects:
            for p in s.pools:
                self.pools[p].append(s)
        self.registered: set[int] = set()
        self.upload_days: dict[str, list[dt.date]] = {}
        self.injected: Counter[str] = Counter()
        self.dept_codes = [department_code(i) for i in range(len(DEPARTMENTS))]
        # decision days and their weights: slowly growing activity, busier Decembers
        self.workdays = []
        weights = []
        d = start
        total = (today - start).days or 1
        while d <= today:
            if days.is_workday(d):
                self.workdays.append(d)
                weights.append(
                    (1.0 + 0.25 * (d - start).days / total) * (1.15 if d.month == 12 else 1)
                )
            d += dt.timedelta(days=1)
        self.day_cum = list(_cumulative(weights))

    # -- subjects ---------------------------------------------------------------------

    def pool(self, key: str) -> list[SubjectSpec]:
        found = self.pools.get(key)
        if found:
            return found
        prefix = key.split(":", 1)[0]
        for fallback in (f"{prefix}:any", "co:any", "ind:any", "np"):
            if self.pools.get(fallback):
                return self.pools[fallback]
        return self.subjects

    def draw(self, pools: tuple[tuple[str, int], ...], when: dt.date) -> SubjectSpec:
        rng = self.rng
        members = self.pool(_weighted(rng, pools))
        n = len(members)
        for _ in range(8):
            # a few subjects get many records, most get one or two
            s = members[int(n * rng.random() ** 1.35)]
            if s.established is None or s.established <= when:
                return s
        older = [s for s in members if s.established is None or s.established <= when]
        return rng.choice(older) if older else members[0]

    def registrant(self, pools: tuple[tuple[str, int], ...], when: dt.date) -> SubjectSpec | None:
        """A subject without a registration yet; it is founded on the decision day."""
        rng = self.rng
        for _ in range(12):
            members = self.pool(_weighted(rng, pools))
            s = rng.choice(members)
            if id(s) not in self.registered and s.kind != "government" and s.code:
                self.registered.add(id(s))
                s.established = when
                return s
        return None

    # -- rows -------------------------------------------------------------------------

    def _subject_fields(self, s: SubjectSpec, row: dict[str, Any]) -> None:
        row["subject_name"] = s.name
        row["subject_kind"] = s.label
        if s.label == NATURAL:
            row["id_type"] = "身份证"
            row["id_number"] = s.id_number
        else:
            row["subject_code"] = s.code
            if s.rep:
                row["legal_rep"] = s.rep
            if s.rep_id and self.rng.random() < 0.3:
                row["legal_rep_id_type"] = "身份证"
                row["legal_rep_id_number"] = s.rep_id

    def _dept_fields(self, dept_index: int, row: dict[str, Any]) -> None:
        dept = DEPARTMENTS[dept_index]
        code = self.dept_codes[dept_index]
        row["authority_name"] = dept.name
        row["authority_code"] = code
        row["source_dept"] = dept.name
        row["source_dept_code"] = code

    def licence_row(
        self, dept_index: int, t: Licence, s: SubjectSpec, when: dt.date
    ) -> dict[str, Any]:
        values = _Placeholder(self.rng, self.names, s, when, when.year)
        row: dict[str, Any] = {}
        self._subject_fields(s, row)
        row["decision_doc_name"] = t.doc_name
        row["licence_category"] = t.category
        if t.cert:
            row["licence_cert_name"] = t.cert
        row["licence_content"] = _fmt(self.rng.choice(t.contents), values)
        row["decision_date"] = when.isoformat()
        row["valid_from"] = when.isoformat()
        if t.months:
            row["valid_to"] = (add_months(when, t.months) - dt.timedelta(days=1)).isoformat()
        else:
            row["valid_to"] = "长期"
        row["status"] = "有效"
        self._dept_fields(dept_index, row)
        # numbered later, once every decision of the year is known
        row["_doc"] = t.doc
        if t.number:
            row["_number"] = t.number
            row["_values"] = values
        return row

    def penalty_row(
        self, dept_index: int, t: Penalty, s: SubjectSpec, when: dt.date
    ) -> dict[str, Any]:
        rng = self.rng
        dept = DEPARTMENTS[dept_index]
        values = _Placeholder(rng, self.names, s, when, when.year)
        row: dict[str, Any] = {}
        self._subject_fields(s, row)
        person = s.label == NATURAL
        simple = rng.random() < t.simple
        severe = not simple and rng.random() < t.severe
        categories: tuple[str, ...]
        if simple:
            has_fine = t.fine[1] > 0
            if not has_fine or (any("警告" in o for o, _ in t.outcomes) and rng.random() < 0.4):
                categories = ("警告",)
            else:
                categories = ("罚款",)
        else:
            categories = _weighted(rng, t.outcomes)
        parts: list[str] = []
        confiscated = 0
        for c in categories:
            if c == "警告":
                parts.append("警告")
            elif c == "罚款":
                if simple:
                    fine = rng.choice((50, 100, 200) if person else (200, 500, 1000, 2000, 3000))
                else:
                    lo, hi = t.fine
                    if severe:
                        lo = int(math.sqrt(lo * hi))
                    fine = min(hi, max(lo, nice(math.exp(rng.uniform(math.log(lo), math.log(hi))))))
                row["fine_amount"] = wan(fine)
                parts.append(f"罚款人民币{yuan_in_words(fine)}")
            elif c in ("没收违法所得", "没收非法财物"):
                lo, hi = t.confiscate if t.confiscate[1] else (100, 5000)
                amount = nice(math.exp(rng.uniform(math.log(lo), math.log(hi))))
                confiscated += amount
                if c == "没收违法所得":
                    parts.append(f"没收违法所得人民币{yuan_in_words(amount)}")
                else:
                    parts.append("没收涉案物品（价值人民币" + yuan_in_words(amount)[:-1] + "）")
            elif c in ("暂扣许可证件", "吊销许可证件"):
                licence = t.licence or "许可证"
                number = f"（浙）{rng.randint(2018, when.year)}{rng.randint(1, 9999):04d}"
                row["licence_revoked"] = f"{licence} {number}"
                parts.append(
                    ("暂扣" if c.startswith("暂扣") else "吊销")
                    + licence
                    + (f"{rng.choice((3, 6))}个月" if c.startswith("暂扣") else "")
                )
            elif c == "责令停产停业":
                parts.append(f"责令停产停业{days_in_words(rng.choice((7, 10, 15, 20)))}日")
            elif c == "限制开展生产经营活动":
                parts.append(f"限制开展生产经营活动{days_in_words(rng.choice((1, 3, 6)))}个月")
            elif c == "行政拘留":
                lo, hi = t.detention
                parts.append(f"行政拘留{days_in_words(rng.randint(lo, hi))}日")
            else:
                parts.append(c)
        if confiscated:
            row["confiscation_amount"] = wan(confiscated)
        row["violation_type"] = t.violation
        row["violation_facts"] = _fmt(rng.choice(t.facts), values)
        row["basis"] = t.basis
        row["penalty_category"] = "；".join(categories)
        if len(parts) > 1 and parts[-1].startswith("罚款"):
            parts[-1] = "并处" + parts[-1]
        row["penalty_content"] = "，".join(parts) + "。"
        row["decision_date"] = when.isoformat()
        if "吊销许可证件" in categories:
            row["valid_to"] = "长期"
        else:
            months = 36 if severe else 3 if categories == ("警告",) or simple else 12
            row["valid_to"] = (add_months(when, months) - dt.timedelta(days=1)).isoformat()
        row["procedure"] = "简易程序" if simple else "普通程序"
        if severe:
            row["tier"] = "严重"
        self._dept_fields(dept_index, row)
        row["_doc"] = dept.cf_simple_doc if simple else dept.cf_doc
        return row

    # -- the plan ---------------------------------------------------------------------

    def decisions(self) -> list[Event]:
        rng = self.rng
        n_xk = round(self.records * 0.65)
        events: list[Event] = []
        for type_code, count in (("xzxk", n_xk), ("xzcf", self.records - n_xk)):
            options: list[tuple[int, Licence | Penalty]] = []
            weights: list[float] = []
            for i, dept in enumerate(DEPARTMENTS):
                share = dept.xk if type_code == "xzxk" else dept.cf
                templates: tuple[Licence | Penalty, ...] = (
                    dept.licences if type_code == "xzxk" else dept.penalties
                )
                if not share or not templates:
                    continue
                total = sum(t.weight for t in templates)
                for t in templates:
                    options.append((i, t))
                    weights.append(share * t.weight / total)
            picks = rng.choices(options, weights=weights, k=count)
            when = rng.choices(self.workdays, cum_weights=self.day_cum, k=count)
            # registrations first: they fix the day a subject was founded
            order = sorted(
                range(count), key=lambda k: not getattr(picks[k][1], "registration", False)
            )
            for k in order:
                dept_index, t = picks[k]
                day = when[k]
                subject = None
                if isinstance(t, Licence) and t.registration:
                    subject = self.registrant(t.pools, day)
                    others = [x for x in DEPARTMENTS[dept_index].licences if not x.registration]
                    if subject is None and others:  # everyone is registered: another licence
                        t = rng.choice(others)
                if subject is None:
                    subject = self.draw(t.pools, day)
                row = (
                    self.licence_row(dept_index, t, subject, day)
                    if isinstance(t, Licence)
                    else self.penalty_row(dept_index, t, subject, day)
                )
                events.append(Event(dept_index, type_code, day, subject, row))
        self._number(events)
        return events

    def _number(self, events: list[Event]) -> None:
        """Decision numbers run per document series and year, in decision order."""
        series: dict[tuple[str, int], list[Event]] = defaultdict(list)
        for e in events:
            series[(e.row["_doc"], e.decision.year)].append(e)
        start_doy = self.start.timetuple().tm_yday
        for (pattern, year), items in series.items():
            items.sort(key=lambda e: e.decision)
            offset = 0
            if year == self.start.year:  # the window starts mid-year: numbers already issued
                offset = int(len(items) * start_doy / max(1, 366 - start_doy))
            for n, e in enumerate(items, start=offset + 1):
                row = e.row
                row["decision_number"] = pattern.format(y=year, n=n)
                number = row.pop("_number", None)
                values = row.pop("_values", None)
                if number:
                    values["n"] = n
                    row["licence_number"] = _fmt(number, values)
                del row["_doc"]

    def _uploads(self, cadence: str) -> list[dt.date]:
        """The days a department of this cadence uploads on, from the window's start on."""
        found = self.upload_days.get(cadence)
        if found is None:
            weekdays = UPLOAD_DAYS[cadence]
            found = []
            d = self.start
            end = self.today + dt.timedelta(days=400)
            while d <= end:
                if d.weekday() in weekdays and self.days.is_workday(d):
                    found.append(d)
                d += dt.timedelta(days=1)
            self.upload_days[cadence] = found
        return found

    def upload_day(self, dept_index: int, decision: dt.date) -> dt.date:
        """An upload day 1–10 working days after the decision, near a random delay."""
        cadence = DEPARTMENTS[dept_index].cadence
        days = self.days
        k = _weighted(self.rng, DELAYS[cadence])
        target = days.add(decision, k)
        uploads = self._uploads(cadence)
        lo = bisect.bisect_left(uploads, days.add(decision, 1))
        hi = bisect.bisect_right(uploads, days.add(decision, 10))
        if lo >= hi:
            return target
        return min(uploads[lo:hi], key=lambda d: (abs((d - target).days), d < target))

    def next_upload(self, dept_index: int, after: dt.date) -> dt.date:
        uploads = self._uploads(DEPARTMENTS[dept_index].cadence)
        i = bisect.bisect_right(uploads, after)
        return uploads[i] if i < len(uploads) else self.days.add(after, 1)

    def corrupt(self, e: Event) -> dict[str, Any]:
        """A copy of the row with one mistake the collection checks reject."""
        rng = self.rng
        row = dict(e.row)
        kinds = [(k, w) for k, w in CORRUPTIONS if k != "fine" or "fine_amount" in row]
        kind = _weighted(rng, tuple(kinds))
        d = e.decision
        if kind == "date":
            if d.month in (4, 6, 9, 11):
                bad = f"{d.year}-{d.month:02d}-31"
            elif d.month == 2 or rng.random() < 0.4:
                bad = f"{d.year}-02-{rng.choice((30, 31))}"
            else:
                bad = f"{d.year}-13-{d.day:02d}"
            row["decision_date"] = bad
        elif kind == "fine":
            row["fine_amount"] = rng.choice(("五千元", "伍佰元", "2千元", "壹万元整"))
        elif kind == "check":
            key = "id_number" if e.subject.label == NATURAL else "subject_code"
            value = row[key]
            alphabet = "0123456789X" if key == "id_number" else uscc.ALPHABET
            wrong = rng.choice([c for c in alphabet if c != value[-1]])
            row[key] = value[:-1] + wrong
        elif kind == "missing":
            key = rng.choice(
                ("basis", "violation_facts")
                if e.type_code == "xzcf"
                else ("licence_content", "decision_doc_name")
            )
            row[key] = ""
        elif kind == "future":
            row["decision_date"] = f"{self.today.year + 1}-{d.month:02d}-{min(d.day, 28):02d}"
        elif kind == "source":
            other = (e.dept + 1 + rng.randrange(len(DEPARTMENTS) - 1)) % len(DEPARTMENTS)
            row["source_dept_code"] = self.dept_codes[other]
        else:  # kind
            row["subject_kind"] = rng.choice(("企业法人", "个体户口", "其它类别"))
        self.injected[f"bad:{kind}"] += 1
        return row

    def change(self, e: Event) -> dict[str, Any]:
        """A resubmission of a decision with something changed (kept as history)."""
        rng = self.rng
        row = dict(e.row)
        row["subject_name"] = e.subject.name  # set again per batch month later
        if e.type_code == "xzcf":
            if "fine_amount" in row and rng.random() < 0.4:
                yuan = int(Decimal(row["fine_amount"]) * 10000)
                new = max(50, nice(yuan * rng.choice((0.5, 0.8, 1.2, 1.5))))
                if new == yuan:
                    new += 100
                row["fine_amount"] = wan(new)
                row["penalty_content"] = row["penalty_content"].replace(
                    yuan_in_words(yuan), yuan_in_words(new)
                )
                row["remarks"] = "更正：罚款金额录入有误，以决定书为准"
            else:
                row["violation_facts"] += "经复核，补充认定当事人已于案发后主动改正违法行为。"
                row["remarks"] = "补充违法事实"
        else:
            r = rng.random()
            if r < 0.35 and row.get("valid_to") not in (None, "长期"):
                end = dt.date.fromisoformat(row["valid_to"])
                row["valid_to"] = (add_months(end, 60)).isoformat()
                row["remarks"] = "准予延续，有效期顺延"
            elif r < 0.6:
                row["status"] = "无效"
                row["remarks"] = "经被许可人申请，依法办理注销"
            else:
                row["licence_content"] += "（变更）"
                row["remarks"] = "准予变更许可事项"
        return row

    def plan(self) -> Plan:
        rng = self.rng
        final = self.decisions()
        for e in final:
            e.upload = self.upload_day(e.dept, e.decision)
        self._rename()
        # a batch is what a department uploads of one type in one month
        by_batch: dict[tuple[int, int, str], list[Event]] = defaultdict(list)
        for e in final:
            by_batch[(self._month(e.upload), e.dept, e.type_code)].append(e)
        extra: list[Event] = []
        for (_, dept, type_code), items in sorted(by_batch.items(), key=lambda kv: kv[0]):
            # a few faulty rows in (nearly) every batch: most fixed in a later upload
            if rng.random() < 0.85:
                n_bad = 1 + int(len(items) * 0.015 + rng.random())
                for e in rng.sample(items, k=min(n_bad, len(items))):
                    extra.append(
                        Event(
                            dept, type_code, e.decision, e.subject, self.corrupt(e), "bad", e.upload
                        )
                    )
                    if rng.random() < 0.7:  # the first upload was the faulty one
                        e.upload = self.next_upload(dept, e.upload or e.decision)
                        e.action = "fix"
                        self.injected["fixed"] += 1
            # some decisions sent again: changed (a new version) or unchanged
            for e in items:
                r = rng.random()
                if r < 0.015:
                    pause = dt.timedelta(days=rng.randint(5, 120))
                    later = self.next_upload(dept, (e.upload or e.decision) + pause)
                    if later <= self.today:
                        extra.append(
                            Event(
                                dept,
                                type_code,
                                e.decision,
                                e.subject,
                                self.change(e),
                                "update",
                                later,
                            )
                        )
                        self.injected["update"] += 1
                elif r < 0.02:
                    later = self.next_upload(dept, e.upload or e.decision)
                    extra.append(
                        Event(dept, type_code, e.decision, e.subject, dict(e.row), "same", later)
                    )
                    self.injected["same"] += 1
        batches: dict[tuple[int, int, str], dict[dt.date, list[Event]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for e in (*final, *extra):
            upload = min(e.upload or e.decision, self.today)
            e.upload = upload
            e.month = self._month(upload)
            e.row["subject_name"] = e.subject.name_in(e.month)
            batches[(e.month, e.dept, e.type_code)][upload].append(e)
        self.injected["bad"] = sum(1 for e in extra if e.action == "bad")
        renamed = [s for s in self.subjects if s.new_name]
        return Plan(self.months, batches, len(final), self.injected, renamed)

    def _month(self, day: dt.date | None) -> int:
        assert day is not None
        day = min(day, self.today)
        return self.month_index[(day.year, day.month)]

    def _rename(self) -> None:
        """A few companies take a new name from some month on (名称变更)."""
        rng = self.rng
        if len(self.months) <= 6:
            return
        companies = [s for s in self.subjects if s.code and s.code.startswith("91")]
        forms = ("股份有限公司", "有限责任公司", "有限公司", "厂", "合伙企业（有限合伙）")
        for s in rng.sample(companies, k=min(len(companies), max(1, len(companies) // 250))):
            stem = s.name
            for form in forms:
                if stem.endswith(form):
                    stem = stem[: -len(form)]
                    break
            stem = stem.removeprefix("示范县").removeprefix("浙江").removeprefix("杭州")
            if s.name.startswith("浙江"):
                new = f"示范县{stem}集团有限公司"
            else:
                new = f"浙江{stem}科技有限公司"
            if new in self.names.used or new == s.name:
                continue
            self.names.used.add(new)
            s.new_name = new
            s.rename_from = rng.randint(3, len(self.months) - 3)


def plan_records(
    seed: int,
    subjects: list[SubjectSpec],
    records: int,
    today: dt.date,
    calendar: WorkCalendar,
    years: int = YEARS,
) -> Plan:
    """Lay out ``records`` decisions over the ``years`` (three) up to ``today``, with the
    county's upload rhythm, faulty rows, resubmissions and name changes."""
    return _Planner(seed, subjects, records, today, Days(calendar), years).plan()


# ---------------------------------------------------------------------------------------
# writing it all through the platform's own services
# ---------------------------------------------------------------------------------------


@dataclass
class BuildResult:
    seed: int
    elapsed: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)
    users: list[tuple[str, str, str]] = field(default_factory=list)  # username, role, department
    password: str = DEFAULT_PASSWORD
    token: str = ""
    token_user: str = ""
    decisions: int = 0
    injected: Counter[str] = field(default_factory=Counter)
    revoked: list[str] = field(default_factory=list)
    renamed: int = 0


def _upload_time(rng: random.Random, day: dt.date, now: dt.datetime) -> dt.datetime:
    from django.utils import timezone

    tz = timezone.get_current_timezone()
    minutes = rng.randint(8 * 60 + 40, 17 * 60 + 20)
    when = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60, rng.randint(0, 59)), tz)
    latest = now - dt.timedelta(minutes=1)
    return min(when, latest)


def build(
    *,
    seed: int = 2026,
    subjects: int = 20000,
    records: int = 100000,
    password: str = DEFAULT_PASSWORD,
    years: int = YEARS,
    now: dt.datetime | None = None,
    log: Log | None = None,
) -> BuildResult:
    """Create the demo county in the current (empty) database: ``subjects`` subjects and
    ``records`` decisions over the last ``years`` years, submitted month by month."""
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.password_validation import validate_password
    from django.db import transaction
    from django.utils import timezone

    from xinyong.audit.models import AuditAction
    from xinyong.audit.services import record as audit
    from xinyong.departments.models import Department, Role, User
    from xinyong.departments.services import add_department, add_user, issue_token
    from xinyong.ingest.models import Batch
    from xinyong.ingest.pipeline import Ingestion
    from xinyong.ingest.services import _finish, _new_batch, record_type, revoke_record
    from xinyong.records.models import CreditRecord, RecordStatus, Source
    from xinyong.subjects.models import Subject, SubjectName
    from xinyong.workdays.services import get_calendar

    say = log or (lambda message: None)
    started = time.monotonic()
    now = now or timezone.now()
    today = timezone.localdate(now)
    result = BuildResult(seed=seed, password=password)
    actor = "演示数据"
    debug = settings.DEBUG
    settings.DEBUG = False  # no query log while writing a hundred thousand rows
    try:
        validate_password(password)

        # departments and users -----------------------------------------------------
        t0 = time.monotonic()
        departments: list[Department] = []
        for i, spec in enumerate(DEPARTMENTS):
            department, _ = add_department(
                name=spec.name, code=department_code(i), short_name=spec.short, actor=actor
            )
            departments.append(department)
        # Accounts are created through the department services (each one audited), then all
        # given the demo password, hashed once (hashing is deliberately slow).
        users: list[User] = []
        operator, _ = add_user(OPERATOR_USERNAME, role=Role.OPERATOR, actor=actor)
        accounts = [(operator, "信用办")]
        result.users.append((OPERATOR_USERNAME, "信用办管理员", "示范县信用办"))
        for spec, department in zip(DEPARTMENTS, departments, strict=True):
            user, _ = add_user(
                spec.username, role=Role.SUBMITTER, department_code=department.code, actor=actor
            )
            users.append(user)
            accounts.append((user, spec.short))
            result.users.append((spec.username, "部门报送员", spec.name))
        hashed = make_password(password)
        for user, label in accounts:
            user.password = hashed
            user.first_name = label
            user.save(update_fields=["password", "first_name"])
        audit(
            actor,
            AuditAction.UPDATE,
            f"为{len(accounts)}个演示账号设置统一的演示密码",
            detail={"users": [user.username for user, _ in accounts]},
        )
        market = DEPARTMENTS.index(next(d for d in DEPARTMENTS if d.key == "scjg"))
        _, raw = issue_token(users[market].username, name="演示：市场监管业务系统对接", actor=actor)
        result.token, result.token_user = raw, users[market].username
        result.stages["部门与用户"] = time.monotonic() - t0

        # subjects --------------------------------------------------------------------
        t0 = time.monotonic()
        specs = generate_subjects(seed, subjects, today, years)
        say(f"生成信用主体 {len(specs):,} 个 …")
        calendar = get_calendar()
        plan = plan_records(seed, specs, records, today, calendar, years)
        result.decisions = plan.decisions
        result.injected = plan.injected
        result.renamed = len(plan.renamed)
        _store_subjects(specs, Subject, SubjectName, now)
        result.stages["信用主体"] = time.monotonic() - t0

        # records, batch by batch ------------------------------------------------------
        t0 = time.monotonic()
        rng = random.Random(f"xinyong-demo:{seed}:uploads")
        types = {code: record_type(code) for code in ("xzxk", "xzcf")}
        keys = sorted(plan.batches)
        rename_times: dict[str, dt.datetime] = {}
        say(f"按月报送 {plan.decisions:,} 条行政许可、行政处罚决定（{len(keys):,} 个批次）…")
        step = max(1, len(keys) // 10)
        for n, key in enumerate(keys, start=1):
            month, dept_index, type_code = key
            rt = types[type_code]
            submitter = users[dept_index]
            batch = _new_batch(submitter, departments[dept_index], rt, Source.DEMO)
            row_number = 0
            warnings: set[str] = set()
            first: dt.datetime | None = None
            ingestion = None
            for day, events in sorted(plan.batches[key].items()):
                when = _upload_time(rng, day, now)
                first = first or when
                rows = []
                for e in events:
                    row_number += 1
                    rows.append((row_number, e.row))
                    s = e.subject
                    if s.new_name and e.row["subject_name"] == s.new_name and s.code:
                        rename_times.setdefault(s.code, when)
                ingestion = Ingestion(batch, rt, calendar, now=when)
                ingestion.feed(rows)
                warnings |= ingestion.warnings
                last = when
            assert ingestion is not None and first is not None
            ingestion.warnings = warnings
            _finish(batch, ingestion, submitter)
            Batch.objects.filter(pk=batch.pk).update(
                created_at=first, started_at=first, finished_at=last
            )
            if n % step == 0 or n == len(keys):
                y, m = plan.months[month]
                took = time.monotonic() - t0
                say(f"  {n:,}/{len(keys):,} 个批次（已到 {y} 年 {m} 月），用时 {took:.0f} 秒")
        result.stages["归集记录"] = time.monotonic() - t0

        # name changes keep the simulated dates; a couple of decisions revoked ----------
        t0 = time.monotonic()
        with transaction.atomic():
            for code, when in rename_times.items():
                names = SubjectName.objects.filter(subject__uscc=code)
                names.filter(valid_to__isnull=True).update(valid_from=when)
                names.filter(valid_to__isnull=False, valid_to__gt=when).update(valid_to=when)
        pick = random.Random(f"xinyong-demo:{seed}:revoke")
        reasons = (
            ("xzcf", "经行政复议，示范县人民政府决定撤销该行政处罚决定，责令重新作出处理"),
            ("xzcf", "经人民法院判决撤销该行政处罚决定"),
            (
                "xzxk",
                "被许可人以欺骗手段取得行政许可，依据《中华人民共和国行政许可法》第六十九条第二款予以撤销",
            ),
        )
        for type_code, reason in reasons:
            candidates = list(
                CreditRecord.objects.filter(type_code=type_code, status=RecordStatus.ACTIVE)
                .order_by("pk")
                .values_list("pk", flat=True)[:2000]
            )
            if not candidates:
                continue
            record = CreditRecord.objects.get(pk=pick.choice(candidates))
            revoke_record(None, record, reason, actor=actor)
            result.revoked.append(record.doc_no)
        result.stages["撤销与更名"] = time.monotonic() - t0
    finally:
        settings.DEBUG = debug
    result.elapsed = time.monotonic() - started
    return result


def _store_subjects(
    specs: list[SubjectSpec], Subject: Any, SubjectName: Any, now: dt.datetime
) -> None:
    """Subjects as the registration data knows them, before any record arrives."""
    from django.utils import timezone

    from xinyong.core import pinyin
    from xinyong.subjects.identity import pii_box

    box = pii_box()
    tz = timezone.get_current_timezone()
    objs = []
    since = []
    for s in specs:
        subject = Subject(kind=s.kind, name=s.name, name_pinyin=pinyin.key(s.name))
        if s.id_number:
            subject.id_hash = box.lookup_hash(s.id_number)
            subject.id_cipher = box.encrypt(s.id_number)
            subject.id_masked = ric.mask(s.id_number)
        else:
            subject.uscc = s.code
        objs.append(subject)
        day = s.established or dt.date(2016, 1, 1)
        since.append(min(dt.datetime.combine(day, dt.time(9, 0), tz), now))
    Subject.objects.bulk_create(objs, batch_size=1000)
    SubjectName.objects.bulk_create(
        [
            SubjectName(subject=o, name=o.name, valid_from=when, source="演示数据：登记信息")
            for o, when in zip(objs, since, strict=True)
        ],
        batch_size=1000,
    )
