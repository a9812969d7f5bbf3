"""Credit commitment kinds (信用承诺类型) as versioned rule data: ``data/commitments.yaml``.

Loaded and checked at start-up (``CommitmentsConfig.ready``); a malformed file stops the
platform with the file, line and reason in Chinese.

>>> kind("rqsl", datetime.date(2026, 4, 1)).materials_workdays
7
>>> kind("zmsx", datetime.date(2026, 4, 1)).public, kind("rqsl", datetime.date(2026, 4, 1)).public
(True, False)
>>> kind("zmsx", datetime.date(2026, 4, 1)).breach_tier("untrue")
'一般'
"""

from __future__ import annotations

import datetime
import functools
import string
from dataclasses import dataclass
from pathlib import Path

from xinyong.core.publicity import TIERS
from xinyong.core.ruledata import Node, RuleError, in_force, parse_file

__all__ = [
    "BREACHES",
    "CommitmentKind",
    "CommitmentRuleError",
    "RuleSet",
    "RuleVersion",
    "kind",
    "kinds",
    "load",
    "rules",
]

DATA = Path(__file__).with_name("data") / "commitments.yaml"
#: What a breach is: the commitment was untrue (虚假承诺) or not kept (未履约).
BREACHES = {"untrue": "虚假承诺", "unfulfilled": "未履行承诺"}
#: Placeholders a template may use.
PLACEHOLDERS = ("subject_name", "subject_code", "department", "matter", "due_date", "signed_date")
#: The standard clauses every template must contain (a word of each is checked).
REQUIRED_CLAUSES = {
    "真实": "信息真实",
    "条件": "符合条件",
    "核查": "接受核查",
    "失信": "虚假承诺记入失信信息",
}


class CommitmentRuleError(RuleError):
    """The commitment rule file is malformed."""


@dataclass(frozen=True)
class CommitmentKind:
    code: str
    name: str
    description: str
    basis: str
    template: str
    public: bool
    verify_workdays: int | None
    materials_workdays: int | None
    breach: dict[str, str]
    coverage: bool
    portal: bool
    version: str

    @property
    def verified(self) -> bool:
        return self.verify_workdays is not None

    def breach_tier(self, breach: str) -> str:
        return self.breach[breach]

    def render(
        self,
        *,
        subject_name: str,
        subject_code: str,
        department: str,
        matter: str,
        signed_date: datetime.date,
        due_date: datetime.date | None = None,
    ) -> str:
        """The text the subject signs, with the placeholders filled in."""
        return self.template.format(
            subject_name=subject_name,
            subject_code=subject_code or "—",
            department=department,
            matter=matter,
            signed_date=signed_date.isoformat(),
            due_date=due_date.isoformat() if due_date else "—",
        )

    def explain(self) -> str:
        """What the rule says about this kind, in one Chinese sentence."""
        parts = [f"{self.name}（规则{self.version}）：{'在门户公示' if self.public else '不公示'}"]
        if self.verify_workdays is not None:
            parts.append(f"签署后{self.verify_workdays}个工作日内由受理部门核查")
        if self.materials_workdays is not None:
            parts.append(f"欠缺材料须在{self.materials_workdays}个工作日内补齐，逾期为未履约")
        parts.append(
            "违背承诺记为失信信息（"
            + "，".join(f"{BREACHES[b]}：{tier}" for b, tier in self.breach.items())
            + "）"
        )
        return "；".join(parts) + "。"


@dataclass(frozen=True)
class RuleVersion:
    id: str
    name: str
    effective_from: datetime.date
    kinds: dict[str, CommitmentKind]


@dataclass(frozen=True)
class RuleSet:
    version: str
    lookback_days: int
    versions: tuple[RuleVersion, ...]  # oldest first

    def version_for(self, day: datetime.date) -> RuleVersion:
        return in_force(self.versions, day) or self.versions[0]


def _check_template(node: Node, text: str) -> None:
    for _, name, _, _ in string.Formatter().parse(text):
        if name is not None and name not in PLACEHOLDERS:
            raise node.fail(
                f"承诺书模板中的占位符“{{{name}}}”未知（可选：{'、'.join(PLACEHOLDERS)}）"
            )
    for word, clause in REQUIRED_CLAUSES.items():
        if word not in text:
            raise node.fail(f"承诺书模板缺少标准条款“{clause}”（应含“{word}”）")


def _kind(node: Node, version_id: str) -> CommitmentKind:
    node.keys(
        required=("code", "name", "template", "public", "breach"),
        optional=(
            "description",
            "basis",
            "verify_workdays",
            "materials_workdays",
            "coverage",
            "portal",
        ),
    )
    template_node = node.req("template")
    template = template_node.text()
    _check_template(template_node, template)
    breach_node = node.req("breach")
    breach_node.keys(required=tuple(BREACHES))
    breach = {b: breach_node.req(b).choice(TIERS) for b in BREACHES}

    def optional_text(key: str) -> str:
        child = node.get(key)
        return child.text() if child else ""

    def optional_int(key: str) -> int | None:
        child = node.get(key)
        return child.integer(1, 365) if child else None

    def flag(key: str) -> bool:
        child = node.get(key)
        return child.boolean() if child else False

    code = node.req("code").text()
    if not code.isascii() or not code.isalnum() or len(code) > 10:
        raise node.req("code").fail(f"类型代码“{code}”应为不超过10位的英文字母或数字")
    return CommitmentKind(
        code=code,
        name=node.req("name").text(),
        description=optional_text("description"),
        basis=optional_text("basis"),
        template=template,
        public=node.req("public").boolean(),
        verify_workdays=optional_int("verify_workdays"),
        materials_workdays=optional_int("materials_workdays"),
        breach=breach,
        coverage=flag("coverage"),
        portal=flag("portal"),
        version=version_id,
    )


def load(path: Path | str = DATA) -> RuleSet:
    """Load and check a commitment rule file; raise CommitmentRuleError on any problem."""
    try:
        root = parse_file(path)
        root.keys(required=("version", "versions"), optional=("coverage",))
        lookback = 90
        coverage = root.get("coverage")
        if coverage is not None:
            coverage.keys(optional=("lookback_days",))
            days = coverage.get("lookback_days")
            lookback = days.integer(0, 3660) if days else lookback
        versions: list[RuleVersion] = []
        for item in root.req("versions").items():
            item.keys(required=("id", "name", "effective_from", "kinds"))
            version_id = item.req("id").text()
            effective = item.req("effective_from").date()
            if any(v.id == version_id for v in versions):
                raise item.req("id").fail(f"版本标识“{version_id}”重复")
            if any(v.effective_from == effective for v in versions):
                raise item.req("effective_from").fail(f"两个版本的生效日期都是{effective}")
            found: dict[str, CommitmentKind] = {}
            for kind_node in item.req("kinds").items():
                k = _kind(kind_node, version_id)
                if k.code in found:
                    raise kind_node.fail(f"承诺类型代码“{k.code}”重复")
                found[k.code] = k
            versions.append(RuleVersion(version_id, item.req("name").text(), effective, found))
        if not versions:
            raise root.req("versions").fail("至少应有一个版本")
        versions.sort(key=lambda v: v.effective_from)
        return RuleSet(root.req("version").text(), lookback, tuple(versions))
    except CommitmentRuleError:
        raise
    except RuleError as exc:
        raise CommitmentRuleError(str(exc)) from exc


@functools.cache
def rules() -> RuleSet:
    return load()


def kinds(on: datetime.date | None = None) -> list[CommitmentKind]:
    """The kinds in force on a day (today when None), in file order."""
    day = on or datetime.date.today()
    return list(rules().version_for(day).kinds.values())


def kind(code: str, on: datetime.date | None = None) -> CommitmentKind:
    """A kind as in force on a day; KeyError with a Chinese message when unknown."""
    day = on or datetime.date.today()
    found = rules().version_for(day).kinds.get(code)
    if found is None:
        known = "、".join(f"{k.code}（{k.name}）" for k in kinds(day))
        raise KeyError(f"承诺类型“{code}”不存在（可选：{known}）")
    return found


def kind_name(code: str) -> str:
    """The name of a kind under any version (for display of old commitments)."""
    for version in reversed(rules().versions):
        if code in version.kinds:
            return version.kinds[code].name
    return code
