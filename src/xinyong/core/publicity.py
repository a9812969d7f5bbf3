"""Publicity periods (公示期限) as versioned rules keyed on the decision date (R-PUB-3).

The rules live in ``data/publicity.yaml``: for 行政处罚, 发改办财金〔2019〕527号 (from
2019-07-01), 国家发展改革委令第58号 (from 2023-05-01) and 令第36号 (from 2026-04-01); for 行政许可,
a configurable platform default. They are loaded and checked at import; a malformed file
raises :class:`PublicityRuleError` naming the file and the place.

>>> window = publicity_window("xzcf", datetime.date(2026, 4, 1), "严重")
>>> window.rule_name, window.shortest_end, window.longest_end
('国家发展改革委令第36号', datetime.date(2027, 4, 1), datetime.date(2029, 4, 1))
>>> publicity_window("xzcf", datetime.date(2026, 3, 31), "严重").shortest_end
datetime.date(2027, 3, 31)
>>> publicity_window("xzcf", datetime.date(2026, 4, 1), "轻微").published
False
>>> derive_tier({"penalty_category": ["警告"]})
('轻微', '处罚类别仅为警告、通报批评，按轻微失信处理')
"""

from __future__ import annotations

import calendar
import datetime
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "RULES_PATH",
    "TIERS",
    "PublicityRuleError",
    "Rule",
    "RuleVersion",
    "TierPeriod",
    "Window",
    "add_months",
    "derive_tier",
    "load_rules",
    "publicity_window",
    "rule_ids",
    "rules",
]

RULES_PATH = Path(__file__).with_name("data") / "publicity.yaml"
#: The tiers of dishonesty information (失信信息分类), mildest first.
TIERS = ("轻微", "一般", "严重")
_TIER_ALIASES = {
    "轻微失信": "轻微",
    "一般失信": "一般",
    "严重失信": "严重",
    "轻微失信信息": "轻微",
    "一般失信信息": "一般",
    "一般失信行为": "一般",
    "严重失信行为": "严重",
    "严重失信信息": "严重",
}
_MINOR_CATEGORIES = frozenset({"警告", "通报批评"})
_SIMPLE_PROCEDURE = "简易程序"
_SEPARATORS = "；;，,、\n"


class PublicityRuleError(ValueError):
    """The publicity rule file is malformed, or a rule asked for does not exist."""


@dataclass(frozen=True)
class TierPeriod:
    """The periods of one tier under one rule version (months; None: no such bound)."""

    published: bool = True
    min_months: int | None = None
    max_months: int | None = None
    max_months_if_published: int | None = None


@dataclass(frozen=True)
class RuleVersion:
    """One version of a rule, in force for decisions from ``effective_from``."""

    id: str
    name: str
    title: str
    effective_from: datetime.date
    mode: str = "tiers"  # "tiers" (by 失信等级) or "validity" (until 有效期至)
    tiers: Mapping[str, TierPeriod] = field(default_factory=dict)
    default_months: int | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    versions: tuple[RuleVersion, ...]  # oldest first

    def version_for(self, decision_date: datetime.date) -> tuple[RuleVersion, bool]:
        """The version in force on the decision date, and whether it was in force then."""
        chosen = None
        for version in self.versions:
            if version.effective_from <= decision_date:
                chosen = version
        if chosen is None:
            return self.versions[0], False
        return chosen, True


@dataclass(frozen=True)
class Window:
    """When a record is shown on the portal, and why.

    The record is shown while ``start <= day < longest_end`` (``longest_end`` None: no end);
    from ``shortest_end`` on the subject may apply for credit repair.
    """

    published: bool
    start: datetime.date
    shortest_end: datetime.date | None
    longest_end: datetime.date | None
    rule_id: str
    rule_name: str
    explanation_zh: str
    tier: str | None = None
    tier_reason: str = ""

    def is_public_on(self, day: datetime.date) -> bool:
        """Whether the record is inside its publicity period on that day."""
        if not self.published or day < self.start:
            return False
        return self.longest_end is None or day < self.longest_end

    def repairable_on(self, day: datetime.date) -> bool:
        """Whether the shortest period has been served on that day."""
        return self.shortest_end is not None and day >= self.shortest_end


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Add calendar months, keeping the day or moving to the month's last day.

    >>> add_months(datetime.date(2026, 1, 31), 1)
    datetime.date(2026, 2, 28)
    >>> add_months(datetime.date(2024, 2, 29), 12)
    datetime.date(2025, 2, 28)
    >>> add_months(datetime.date(2026, 3, 5), 36)
    datetime.date(2029, 3, 5)
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day.day, last))


def _months_text(months: int) -> str:
    if months and months % 12 == 0:
        return f"{months // 12}年"
    return f"{months}个月"


# ---------------------------------------------------------------------------
# loading and checking
# ---------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """A safe loader that keeps an impossible date (2026-02-30) as text, to report it."""


def _timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return node.value


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def _fail(path: Path, where: str, reason: str) -> PublicityRuleError:
    return PublicityRuleError(f"{path.name}：{where}：{reason}")


def _months(path: Path, where: str, data: Mapping[str, Any], key: str) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1200:
        raise _fail(path, where, f"“{key}”应为0到1200之间的整数（月数），实为“{value}”")
    return value


def _load_tier(path: Path, where: str, data: Any) -> TierPeriod:
    if not isinstance(data, dict):
        raise _fail(path, where, "应为键值映射（published、min_months、max_months…）")
    allowed = {"published", "min_months", "max_months", "max_months_if_published", "note"}
    for key in data:
        if key not in allowed:
            raise _fail(path, where, f"未知的键“{key}”（可选：{'、'.join(sorted(allowed))}）")
    published = data.get("published", True)
    if not isinstance(published, bool):
        raise _fail(path, where, f"“published”应为true或false，实为“{published}”")
    period = TierPeriod(
        published=published,
        min_months=_months(path, where, data, "min_months"),
        max_months=_months(path, where, data, "max_months"),
        max_months_if_published=_months(path, where, data, "max_months_if_published"),
    )
    if published and period.max_months is None:
        raise _fail(path, where, "公示的等级须有最长公示期限“max_months”")
    if not published and (period.min_months is not None or period.max_months is not None):
        raise _fail(
            path, where, "不公示的等级不能有min_months/max_months（可用max_months_if_published）"
        )
    if (
        period.min_months is not None
        and period.max_months is not None
        and period.min_months > period.max_months
    ):
        raise _fail(
            path,
            where,
            f"最短公示期限（{period.min_months}个月）长于最长期限（{period.max_months}个月）",
        )
    return period


def _load_version(path: Path, where: str, data: Any) -> RuleVersion:
    if not isinstance(data, dict):
        raise _fail(path, where, "应为键值映射")
    allowed = {"id", "name", "title", "effective_from", "mode", "tiers", "default_months"}
    for key in data:
        if key not in allowed:
            raise _fail(path, where, f"未知的键“{key}”（可选：{'、'.join(sorted(allowed))}）")
    for key in ("id", "name", "effective_from"):
        if not data.get(key):
            raise _fail(path, where, f"缺少“{key}”")
    effective = data["effective_from"]
    if isinstance(effective, datetime.datetime):
        effective = effective.date()
    if not isinstance(effective, datetime.date):
        try:
            effective = datetime.date.fromisoformat(str(effective))
        except ValueError:
            raise _fail(path, where, f"生效日期“{effective}”不是有效日期（如2026-04-01）") from None
    where = f"{where}（{data['id']}）"
    mode = data.get("mode", "tiers")
    if mode not in ("tiers", "validity"):
        raise _fail(path, where, f"“mode”值“{mode}”未知（可选：tiers、validity）")
    tiers: dict[str, TierPeriod] = {}
    if mode == "tiers":
        raw_tiers = data.get("tiers")
        if not isinstance(raw_tiers, dict) or not raw_tiers:
            raise _fail(path, where, "缺少“tiers”（轻微、一般、严重的公示期限）")
        for tier, body in raw_tiers.items():
            if tier not in TIERS:
                raise _fail(path, where, f"失信等级“{tier}”未知（可选：{'、'.join(TIERS)}）")
            tiers[tier] = _load_tier(path, f"{where}的“{tier}”", body)
        missing = [tier for tier in TIERS if tier not in tiers]
        if missing:
            raise _fail(path, where, f"缺少失信等级“{'、'.join(missing)}”的期限")
        default_months = None
    else:
        default_months = _months(path, where, data, "default_months")
        if default_months is None:
            raise _fail(path, where, "validity规则须有“default_months”（无截止日期时的公示月数）")
    return RuleVersion(
        id=str(data["id"]),
        name=str(data["name"]),
        title=str(data.get("title") or ""),
        effective_from=effective,
        mode=mode,
        tiers=tiers,
        default_months=default_months,
    )


def load_rules(path: Path | str = RULES_PATH) -> dict[str, Rule]:
    """Load and check a publicity rule file; raise PublicityRuleError on any problem."""
    path = Path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise PublicityRuleError(f"{path.name}：无法读取公示期限规则（{exc}）") from exc
    if not isinstance(data, dict) or not isinstance(data.get("rules"), dict):
        raise _fail(path, "文件", "应包含“rules”映射")
    result: dict[str, Rule] = {}
    seen_ids: set[str] = set()
    for rule_id, body in data["rules"].items():
        where = f"规则“{rule_id}”"
        if not isinstance(body, dict):
            raise _fail(path, where, "应为键值映射（name、versions）")
        for key in body:
            if key not in ("name", "versions"):
                raise _fail(path, where, f"未知的键“{key}”（可选：name、versions）")
        raw_versions = body.get("versions")
        if not isinstance(raw_versions, list) or not raw_versions:
            raise _fail(path, where, "缺少“versions”列表")
        versions = [
            _load_version(path, f"{where}第{index + 1}个版本", item)
            for index, item in enumerate(raw_versions)
        ]
        dates: set[datetime.date] = set()
        for version in versions:
            if version.id in seen_ids:
                raise _fail(path, where, f"版本标识“{version.id}”重复")
            if version.effective_from in dates:
                raise _fail(path, where, f"两个版本的生效日期都是{version.effective_from}")
            seen_ids.add(version.id)
            dates.add(version.effective_from)
        versions.sort(key=lambda version: version.effective_from)
        result[str(rule_id)] = Rule(str(rule_id), str(body.get("name") or rule_id), tuple(versions))
    return result


_RULES: dict[str, Rule] = load_rules()


def rules() -> dict[str, Rule]:
    """The loaded rules by id."""
    return _RULES


def version_name(version_id: str) -> str:
    """The name of a rule version by its id (``ndrc-order-36`` → 国家发展改革委令第36号), or the id
    itself when no loaded rule has it."""
    for rule in _RULES.values():
        for version in rule.versions:
            if version.id == version_id:
                return version.name
    return version_id


def rule_ids() -> list[str]:
    """The ids record types may name in ``publicity:``."""
    return list(_RULES)


# ---------------------------------------------------------------------------
# tiers and windows
# ---------------------------------------------------------------------------


def _categories(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        parts = [value]
        for separator in _SEPARATORS:
            parts = [piece for part in parts for piece in part.split(separator)]
        return [part.strip() for part in parts if part.strip()]
    if isinstance(value, Sequence):
        return [str(item).strip() for item in value if str(item).strip()]
    return [str(value)]


def normalise_tier(value: Any) -> str | None:
    """A tier value or alias as 轻微/一般/严重; None when empty; ValueError when unknown."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    text = _TIER_ALIASES.get(text, text)
    if text not in TIERS:
        raise PublicityRuleError(f"失信等级“{value}”未知（可选：{'、'.join(TIERS)}）")
    return text


def derive_tier(fields: Mapping[str, Any]) -> tuple[str, str]:
    """The tier of a penalty and the reason, from its fields (keys: role names).

    Uses ``tier`` when given; else ``penalty_category`` only 警告 and/or 通报批评, or
    ``procedure`` 简易程序, gives 轻微; anything else 一般. 严重 is never guessed: it must be
    decided by the department that found the dishonesty.

    >>> derive_tier({"tier": "严重失信", "penalty_category": ["警告"]})
    ('严重', '认定单位填报的失信等级为“严重”')
    >>> derive_tier({"penalty_category": "罚款", "procedure": "简易程序"})
    ('轻微', '适用简易程序作出的行政处罚，按轻微失信处理')
    >>> derive_tier({"penalty_category": ["警告", "罚款"]})[0]
    '一般'
    """
    given = normalise_tier(fields.get("tier"))
    if given:
        return given, f"认定单位填报的失信等级为“{given}”"
    categories = _categories(fields.get("penalty_category"))
    if categories and set(categories) <= _MINOR_CATEGORIES:
        return "轻微", "处罚类别仅为警告、通报批评，按轻微失信处理"
    if str(fields.get("procedure") or "").strip() in (_SIMPLE_PROCEDURE, "简易"):
        return "轻微", "适用简易程序作出的行政处罚，按轻微失信处理"
    return "一般", "未填报失信等级，且不属于仅警告、通报批评或简易程序的处罚，按一般失信处理"


def publicity_window(
    type_code: str,
    decision_date: datetime.date,
    tier: str | None = None,
    fields: Mapping[str, Any] | None = None,
    *,
    publish_minor: bool = False,
) -> Window:
    """The publicity window of a decision under the rule in force on its decision date.

    ``type_code`` is the rule id a record type names (``xzcf``, ``xzxk``); ``tier`` is
    derived from ``fields`` (role names: penalty_category, procedure, valid_to …) when None.
    ``publish_minor``: the competent department decided to publish a 轻微 record anyway.
    """
    rule = _RULES.get(type_code)
    if rule is None:
        raise PublicityRuleError(f"没有公示期限规则“{type_code}”（已有：{'、'.join(_RULES)}）")
    if isinstance(decision_date, datetime.datetime):
        decision_date = decision_date.date()
    values = fields or {}
    version, in_force = rule.version_for(decision_date)
    basis = f"《{version.title}》（{version.name}）" if version.title else version.name
    head = f"决定日期{decision_date.isoformat()}适用{basis}"
    if in_force:
        head += f"（{version.effective_from.isoformat()}起施行）"
    else:
        head += (
            f"（该规则{version.effective_from.isoformat()}起施行，决定日期更早，按最早的规则处理）"
        )

    window = functools.partial(_window, version, decision_date, head)
    if version.mode == "validity":
        valid_to = values.get("valid_to")
        if isinstance(valid_to, datetime.datetime):
            valid_to = valid_to.date()
        if isinstance(valid_to, datetime.date):
            # ``longest_end`` is the first day no longer shown; 有效期至 is the last valid day.
            end = valid_to + datetime.timedelta(days=1)
            how = f"在有效期内公示，至有效期至{valid_to.isoformat()}止"
        else:
            months = version.default_months or 0
            end = add_months(decision_date, months)
            how = (
                f"无有效期截止日期，自决定之日起公示{_months_text(months)}（至{end.isoformat()}止）"
            )
        return window(how, published=True, longest_end=end)

    if tier is None:
        tier, tier_reason = derive_tier(values)
    else:
        tier = normalise_tier(tier) or "一般"
        tier_reason = f"失信等级为“{tier}”"
    period = version.tiers[tier]
    tiered = functools.partial(window, tier=tier, tier_reason=tier_reason)
    if not period.published and not (publish_minor and period.max_months_if_published):
        extra = ""
        if period.max_months_if_published:
            extra = (
                f"；行业主管部门确有必要公示的，公示期最长不超过"
                f"{_months_text(period.max_months_if_published)}"
            )
        return tiered(f"{tier}失信信息原则上不予公示{extra}", published=False)
    if not period.published:
        max_months = period.max_months_if_published or 0
        longest = add_months(decision_date, max_months)
        text = (
            f"{tier}失信信息经行业主管部门决定公示，公示期最长{_months_text(max_months)}"
            f"（{longest.isoformat()}起停止公示），法定责任履行完毕即可申请修复"
        )
        return tiered(text, published=True, shortest_end=decision_date, longest_end=longest)
    shortest_end = add_months(decision_date, period.min_months) if period.min_months else None
    longest_end = add_months(decision_date, period.max_months) if period.max_months else None
    parts = []
    if shortest_end is not None and period.min_months:
        parts.append(
            f"最短公示{_months_text(period.min_months)}（{shortest_end.isoformat()}起可申请信用修复）"
        )
    if longest_end is not None and period.max_months:
        parts.append(
            f"最长公示{_months_text(period.max_months)}（{longest_end.isoformat()}起停止公示）"
        )
    text = f"{tier}失信信息" + "，".join(parts)
    return tiered(text, published=True, shortest_end=shortest_end, longest_end=longest_end)


def _window(
    version: RuleVersion,
    start: datetime.date,
    head: str,
    text: str,
    *,
    published: bool,
    shortest_end: datetime.date | None = None,
    longest_end: datetime.date | None = None,
    tier: str | None = None,
    tier_reason: str = "",
) -> Window:
    """The window of a record decided on ``start`` under ``version``, explained as
    ``head：text。`` followed, when a tier applies, by the reason for that tier."""
    explanation = f"{head}：{text}。"
    if tier is not None:
        explanation += f"{tier_reason}。"
    return Window(
        published=published,
        start=start,
        shortest_end=shortest_end,
        longest_end=longest_end,
        rule_id=version.id,
        rule_name=version.name,
        explanation_zh=explanation,
        tier=tier,
        tier_reason=tier_reason,
    )
