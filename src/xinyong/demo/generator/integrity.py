"""The demo county's government integrity (政务诚信): its departments and townships under
evaluation, two years of archive events from all three channels, arrears and complaints that
feed the archive, dishonesty items (some escalated), the last twelve months evaluated and the
latest rankings published.

Events enter through :func:`xinyong.integrity.archive.add_event` like real ones, so warnings
and dishonesty items follow from the rules, not from the generator.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from xinyong.core import uscc

TOWNSHIPS = (
    "城关镇",
    "东城街道",
    "西湖镇",
    "南山镇",
    "北港镇",
    "青石乡",
    "白沙镇",
    "枫林乡",
    "清溪镇",
    "龙泉街道",
)

#: (kind, events per body over two years on average, channel weights self/shared/internet)
KINDS: tuple[tuple[str, float], ...] = (
    ("rating_bad", 4.0),
    ("criticism", 1.0),
    ("honour", 1.6),
    ("decision_revoked", 0.6),
    ("ordered_to_perform", 0.3),
    ("transparency_good", 0.4),
    ("transparency_poor", 0.2),
    ("violation", 0.25),
    ("mass_incident", 0.12),
    ("commitment_unkept", 0.25),
    ("breach_ruling", 0.15),
    ("fraud", 0.06),
    ("credit_work_good", 0.5),
    ("credit_work_poor", 0.3),
    ("credit_mechanism", 0.3),
    ("credit_application", 0.4),
    ("target_excellent", 0.3),
    ("target_poor", 0.08),
)
CHANNELS = (("self", 5), ("shared", 4), ("internet", 1))
LEVELS = (("国家级", 1), ("省级", 3), ("市级", 6), ("县级", 10))
SOURCES = {
    "self": "本单位报送",
    "shared": "县政务服务中心共享",
    "internet": "县融媒体中心网络舆情监测",
}


@dataclass
class IntegrityDemo:
    bodies: int = 0
    events: int = 0
    warnings: int = 0
    dishonest: int = 0
    escalated: int = 0
    months: list[str] = field(default_factory=list)
    published: int = 0
    pledges: int = 0


def _weighted(rng: random.Random, pairs: Sequence[tuple[str, int]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def build_integrity(
    seed: int,
    departments: Sequence[Any],
    operator: Any,
    today: dt.date,
    say: Callable[[str], None],
) -> IntegrityDemo:
    """Create the demo county's integrity data (see the module docstring)."""
    from xinyong.arrears.models import DebtorKind
    from xinyong.arrears.services import record_arrear, repay
    from xinyong.integrity import archive, dishonest, engine, reports
    from xinyong.integrity.models import (
        BodyLevel,
        DishonestItem,
        EvaluationRun,
        GovBody,
        Warning,
    )
    from xinyong.integrity.services import evaluate_month, register_body
    from xinyong.integrity.sources import sync_all
    from xinyong.subjects.models import Subject, SubjectKind

    rng = random.Random(f"xinyong-demo:{seed}:integrity")
    result = IntegrityDemo()
    actor = "演示数据"
    bodies: list[GovBody] = []
    for department in departments:
        subject, _ = Subject.objects.get_or_create(
            uscc=department.code,
            defaults={"kind": SubjectKind.GOVERNMENT, "name": department.name},
        )
        bodies.append(
            register_body(subject, BodyLevel.COUNTY_DEPT, department=department, actor=actor)
        )
    for n, name in enumerate(TOWNSHIPS, start=1):
        full = f"示范县{name}{'办事处' if name.endswith('街道') else '人民政府'}"
        subject, _ = Subject.objects.get_or_create(
            uscc=uscc.build("11330100", f"TW{n:06d}"),
            defaults={"kind": SubjectKind.GOVERNMENT, "name": full},
        )
        bodies.append(register_body(subject, BodyLevel.TOWNSHIP, actor=actor))
    result.bodies = len(bodies)
    say(f"政务诚信：{len(bodies)}个评价对象，生成近两年的档案事件 …")

    start = engine.months_back(today.replace(day=1), 23)
    span = (today - start).days
    for body in bodies:
        # Some bodies are simply more often in the news, and a few are in real trouble.
        care = rng.uniform(0.5, 1.6) * (4 if rng.random() < 0.15 else 1)
        for kind, mean in KINDS:
            for _ in range(_poisson(rng, mean * care)):
                day = start + dt.timedelta(days=rng.randrange(span))
                channel = _weighted(rng, CHANNELS)
                fixed: dt.date | None = None
                if kind in ("commitment_unkept", "breach_ruling", "fraud") and rng.random() < 0.7:
                    fixed = day + dt.timedelta(days=rng.randrange(20, 240))
                    fixed = fixed if fixed < today else None
                archive.add_event(
                    body,
                    kind,
                    day,
                    channel=channel,
                    level=_weighted(rng, LEVELS) if kind == "honour" else "",
                    source_doc=f"{SOURCES[channel]}（{day:%Y}）第{rng.randrange(1, 90)}期",
                    rectified_on=fixed,
                    actor=actor,
                )
                result.events += 1
        # Monthly fulfilment reports: most on time (by the 10th), some late, some missing.
        month = start
        while month < today.replace(day=1):
            reported = engine.months_back(month, -1).replace(
                day=10 if rng.random() < 0.85 else rng.randrange(11, 28)
            )
            if rng.random() < 0.85 and reported <= today:
                archive.add_event(
                    body,
                    "fulfilment_report",
                    reported,
                    channel="self",
                    source_doc=f"{month:%Y年%m月}履约践诺情况报告",
                    actor=actor,
                )
                result.events += 1
            month = engine.months_back(month, -1)

    # Public commitments signed by the heads, reported on (some late, a few never kept).
    from xinyong.pledges.demo import make_demo_pledges

    result.pledges = len(make_demo_pledges(bodies, rng, today))

    # Arrears of a few departments: some repaid, one still unpaid past due.
    creditors = (
        ("示范县宏达建筑工程有限公司", "91330100MA2ABCDF8G"),
        ("示范县绿源园林绿化有限公司", "91350100M000100Y43"),
    )
    for i, department in enumerate(departments[:4]):
        name, code = creditors[i % len(creditors)]
        due = today - dt.timedelta(days=rng.randrange(40, 300))
        arrear = record_arrear(
            operator,
            debtor_kind=DebtorKind.DEPARTMENT,
            debtor_department=department,
            creditor_name=name,
            creditor_uscc=code,
            amount=str(rng.choice((12, 36, 58, 120))),
            due_date=due,
            basis=f"《{department.short_name or department.name}办公用房维修工程合同》",
            today=due - dt.timedelta(days=90),
        )
        if i % 2 == 0:
            paid_on = min(today, due + dt.timedelta(days=rng.randrange(20, 60)))
            repay(operator, arrear, paid_on, str(arrear.amount), "国库集中支付凭证", today=paid_on)
    sync_all(today)
    escalated = dishonest.escalate_due(today)

    months = [engine.months_back(today.replace(day=1), n) for n in range(12, 0, -1)]
    for month in months:
        if not EvaluationRun.objects.filter(month=month).exists():
            evaluate_month(month, actor)
        result.months.append(f"{month:%Y-%m}")
    for month in months[-3:]:
        for level in (BodyLevel.COUNTY_DEPT, BodyLevel.TOWNSHIP):
            if reports.live_publication(month, level) is None:
                reports.publish_ranking(month, level, actor, note="演示数据：按月发布")
                result.published += 1
    result.warnings = Warning.objects.count()
    result.dishonest = DishonestItem.objects.count()
    result.escalated = len(escalated.escalated)
    say(
        f"政务诚信：{result.events}条事件、{result.warnings}条预警、{result.dishonest}项失信事项"
        f"（{result.escalated}项升级为严重失信），公开承诺{result.pledges}项，已评价{len(months)}个月"
    )
    return result


def _poisson(rng: random.Random, mean: float) -> int:
    """A small Poisson draw (Knuth): how many events of a kind a body has."""
    limit, k, p = pow(2.718281828459045, -mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1
