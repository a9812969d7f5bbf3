"""Planning the decisions: upload rhythm, faulty rows, resubmissions and name changes."""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from xinyong.core import uscc
from xinyong.core.publicity import add_months
from xinyong.core.workdays import WorkCalendar
from xinyong.demo import words as W
from xinyong.demo.generator.common import (
    NATURAL,
    YEARS,
    Days,
    _fields_of,
    cn_date,
    days_in_words,
    nice,
    wan,
    yuan_in_words,
)
from xinyong.demo.generator.subjects import (
    SubjectSpec,
    _cumulative,
    _Names,
    _weighted,
    department_code,
)
from xinyong.demo.specs import DEPARTMENTS, Licence, Penalty

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
