"""What a record or list entry is, and when and how it can be repaired (R-REP-1, R-REP-3).

One computation for the CLI (``xinyong record show``), the portal's record page, the office
pages and the API: :func:`record_repair` and :func:`entry_repair` return a
:class:`RepairInfo` with the tier (and whether the department gave it or the published rule
derived it), the publicity window, the rule version in force on the decision date, the
earliest repair date, the conditions and whether the subject may apply on a given day — each
with its explanation in Chinese.

The shortest period is counted in calendar months from the decision date (core.publicity) and
is NOT moved when it ends on a weekend or holiday: a subject applies online on any day. Only
the review deadlines are in working days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from xinyong.catalog.model import CatalogError, default_catalog
from xinyong.core import publicity
from xinyong.core.workdays import ScheduleMissing
from xinyong.records.models import CreditRecord, RecordStatus
from xinyong.repair.rules import ConditionVersion, TierConditions, repair_rules

__all__ = [
    "RepairInfo",
    "add_workdays",
    "entry_repair",
    "portal_repair",
    "record_repair",
    "workdays_left",
]

#: The role names ``publicity.publicity_window`` reads from a record's data.
WINDOW_ROLES = ("tier", "penalty_category", "procedure", "valid_to")


@dataclass
class RepairInfo:
    """A record's or list entry's tier, window and repair path, explained."""

    kind: str  # "record" or "entry"
    id: int
    status: str
    status_display: str
    decision_date: dt.date
    tier: str
    tier_source: str  # "given" (认定单位填报) / "derived" (按公布的规则推定) / "list" (名单等级)
    tier_reason: str
    rule_id: str
    rule_name: str
    rule_effective_from: dt.date | None
    published: bool
    publicity_start: dt.date | None
    shortest_end: dt.date | None
    longest_end: dt.date | None  # first day no longer shown
    last_day_shown: dt.date | None
    window_explanation: str
    repairable: bool
    earliest_date: dt.date | None
    conditions: list[str] = field(default_factory=list)
    commitment_required: bool = False
    training_required: bool = False
    eligible: bool = False
    reason: str = ""

    @property
    def tier_source_display(self) -> str:
        return {
            "given": "认定单位填报",
            "derived": "按公布的规则推定",
            "list": "名单规定的失信等级",
        }.get(self.tier_source, self.tier_source)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, dt.date):
                data[key] = value.isoformat()
        data["tier_source_display"] = self.tier_source_display
        return data


def add_workdays(day: dt.date, n: int) -> tuple[dt.date, bool]:
    """The ``n``-th working day after ``day``, and whether it is only an estimate (the year's
    holiday schedule is not loaded yet: then weekends alone are skipped)."""
    from xinyong.workdays.services import get_calendar

    try:
        return get_calendar().add(day, n), False
    except ScheduleMissing:
        current = day
        left = n
        while left > 0:
            current += dt.timedelta(days=1)
            if current.weekday() < 5:
                left -= 1
        return current, True


def workdays_left(today: dt.date, due: dt.date) -> int:
    """Working days from today to the due date (0: due today; negative: overdue by that many)."""
    from xinyong.workdays.services import get_calendar

    if due == today:
        return 0
    try:
        return get_calendar().between(today, due)
    except ScheduleMissing:
        sign = 1 if due > today else -1
        low, high = sorted((today, due))
        days = sum(
            1 for n in range(1, (high - low).days + 1) if (low + dt.timedelta(days=n)).weekday() < 5
        )
        return sign * days


def _rule_id(type_code: str) -> str:
    try:
        return default_catalog().type(type_code).publicity or type_code
    except (KeyError, CatalogError):
        return type_code


def _conditions_text(
    version: ConditionVersion, tier: str, conditions: TierConditions, earliest: dt.date | None
) -> list[str]:
    out: list[str] = []
    if conditions.min_period and conditions.min_months and earliest:
        months = conditions.min_months
        span = f"{months // 12}年" if months % 12 == 0 else f"{months}个月"
        out.append(f"已满最短公示期{span}（{earliest:%Y年%m月%d日}起可申请）")
    elif earliest:
        out.append("无最短公示期要求，履行完毕即可申请")
    out.extend(conditions.conditions)
    if conditions.commitment:
        out.append("作出信用修复承诺（在线签署信用修复承诺书）")
    if conditions.training:
        out.append("参加信用修复专题培训")
    return out


def _decide(info: RepairInfo, today: dt.date, open_application: str | None) -> RepairInfo:
    if not info.repairable:
        info.eligible = False
    elif info.status != RecordStatus.ACTIVE and info.kind == "record":
        info.eligible = False
        info.reason = f"该信息当前状态为“{info.status_display}”，无需修复"
    elif open_application:
        info.eligible = False
        info.reason = f"已有修复申请正在办理（受理编号{open_application}）"
    elif info.earliest_date is not None and today < info.earliest_date:
        info.eligible = False
        info.reason = f"{info.earliest_date:%Y年%m月%d日}起可申请信用修复"
    else:
        info.eligible = True
        info.reason = "已满足申请时间条件，可在线申请信用修复（其他条件由审核部门核实）"
    return info


def _open_application(**target: Any) -> str | None:
    from xinyong.repair.models import OPEN_STATUSES, RepairApplication

    found = (
        RepairApplication.objects.filter(status__in=OPEN_STATUSES, **target)
        .values_list("tracking_no", flat=True)
        .first()
    )
    return found


def record_repair(
    record: CreditRecord, today: dt.date | None = None, *, check_open: bool = True
) -> RepairInfo:
    """Tier, window, rule and repair path of a credit record on ``today``."""
    from django.utils import timezone

    day = today or timezone.localdate()
    rules = repair_rules()
    rule_id = _rule_id(record.type_code)
    roles = {r: record.data[r] for r in WINDOW_ROLES if record.data.get(r) not in (None, "")}
    given = bool(roles.get("tier"))
    known_rule = rule_id in publicity.rules()
    window = None
    if known_rule:
        try:
            window = publicity.publicity_window(
                rule_id,
                record.decision_date,
                None,
                roles,
                publish_minor=record.published,
            )
        except publicity.PublicityRuleError:
            window = None
    tier = record.tier or (window.tier if window and window.tier else "")
    if window is not None and window.tier:
        tier_reason = window.tier_reason
        tier_source = "given" if given else "derived"
        if record.tier and record.tier != window.tier:
            tier_source = "given"
            tier_reason = f"记录中保存的失信等级为“{record.tier}”"
    else:
        tier_source, tier_reason = ("given", "") if tier else ("", "该类信息不分失信等级")
    rule_version = None
    if known_rule:
        rule_version, _ = publicity.rules()[rule_id].version_for(record.decision_date)
    info = RepairInfo(
        kind="record",
        id=record.pk,
        status=record.status,
        status_display=record.get_status_display(),
        decision_date=record.decision_date,
        tier=tier,
        tier_source=tier_source,
        tier_reason=tier_reason,
        rule_id=(rule_version.id if rule_version else record.publicity_rule),
        rule_name=(rule_version.name if rule_version else ""),
        rule_effective_from=rule_version.effective_from if rule_version else None,
        published=record.published,
        publicity_start=record.publicity_start,
        shortest_end=window.shortest_end if window else None,
        longest_end=window.longest_end if window else None,
        last_day_shown=record.publicity_end,
        window_explanation=window.explanation_zh if window else "",
        repairable=False,
        earliest_date=None,
    )
    if record.type_code not in rules.record_types or tier not in publicity.TIERS:
        info.reason = "该类信息不是失信信息，不适用信用修复"
        return info
    version = rules.conditions_for(record.decision_date)
    conditions = version.tiers[tier]
    if not conditions.repairable:
        info.reason = f"按{version.name}，{tier}失信信息不予修复"
        return info
    earliest = (
        info.shortest_end if conditions.min_period and info.shortest_end else record.decision_date
    )
    info.repairable = True
    info.earliest_date = earliest
    info.conditions = _conditions_text(version, tier, conditions, earliest)
    info.commitment_required = conditions.commitment
    info.training_required = conditions.training
    if record.status == RecordStatus.ACTIVE and not record.is_public_on(day):
        info.eligible = False
        ended = record.publicity_end is not None and record.publicity_end < day
        info.reason = "公示期已满，已停止公示，无需修复" if ended else "该信息未在公示中，无需修复"
        return info
    open_no = _open_application(record=record) if check_open else None
    return _decide(info, day, open_no)


def entry_repair(
    entry: Any, today: dt.date | None = None, *, check_open: bool = True
) -> RepairInfo:
    """Tier, rule and repair path of a list entry on ``today`` (``entry``: a ListEntry)."""
    from django.utils import timezone

    from xinyong.lists.models import EntryStatus

    day = today or timezone.localdate()
    definition = entry.definition
    rules = repair_rules()
    version = rules.conditions_for(entry.start_date)
    tier = definition.tier or ""
    info = RepairInfo(
        kind="entry",
        id=entry.pk,
        status=entry.status,
        status_display=entry.get_status_display(),
        decision_date=entry.start_date,
        tier=tier,
        tier_source="list" if tier else "",
        tier_reason=f"{definition.name}的失信等级为“{tier}”" if tier else "",
        rule_id=version.id,
        rule_name=version.name,
        rule_effective_from=version.effective_from,
        published=entry.public,
        publicity_start=entry.start_date,
        shortest_end=None,
        longest_end=entry.end_date + dt.timedelta(days=1) if entry.end_date else None,
        last_day_shown=entry.end_date,
        window_explanation="",
        repairable=False,
        earliest_date=None,
    )
    if not definition.is_black or not definition.repairable or tier not in publicity.TIERS:
        info.reason = f"{definition.name}不适用本平台的信用修复" + (
            f"（{definition.description}）" if definition.description else ""
        )
        return info
    conditions = version.tiers[tier]
    if not conditions.repairable:
        info.reason = f"按{version.name}，{tier}失信信息不予修复"
        return info
    earliest = entry.start_date
    if conditions.min_period and conditions.min_months:
        earliest = publicity.add_months(entry.start_date, conditions.min_months)
        info.shortest_end = earliest
    info.repairable = True
    info.earliest_date = earliest
    info.conditions = _conditions_text(version, tier, conditions, earliest)
    info.commitment_required = conditions.commitment
    info.training_required = conditions.training
    info.window_explanation = (
        f"列入日期{entry.start_date.isoformat()}适用{version.name}："
        f"{tier}失信主体名单条目，{earliest:%Y年%m月%d日}起可申请信用修复。"
    )
    if entry.status == EntryStatus.OBJECTION:
        info.reason = "该条目异议处理中，办结后再申请信用修复"
        return info
    if not entry.in_force_on(day):
        info.reason = f"该条目当前状态为“{entry.get_status_display()}”或已不在有效期内，无需修复"
        return info
    open_no = _open_application(entry=entry) if check_open else None
    return _decide(info, day, open_no)


def portal_repair(record: CreditRecord, today: dt.date | None = None) -> RepairInfo | None:
    """The repair box of the portal's record page: None for records that are not dishonesty
    information (行政许可 …)."""
    if record.type_code not in repair_rules().record_types:
        return None
    return record_repair(record, today)
