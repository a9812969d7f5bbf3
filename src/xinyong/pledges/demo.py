"""Demo public commitments (公开承诺) for the demo county: a few pledges per body, most kept
and reported on time, some standing service pledges reported monthly, and one or two past due
without fulfilment — which ``check_overdue`` turns into unkept events and dishonesty items.

Everything goes through the services (archive events, audit log), drawn from ``rng``, so the
same seed gives the same pledges.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from xinyong.integrity.engine import add_months
from xinyong.integrity.models import GovBody
from xinyong.pledges import services
from xinyong.pledges.models import Pledge, ReportStatus

__all__ = ["make_demo_pledges"]

ACTOR = "演示数据生成"

#: (category, title, content, due in months or None for a standing pledge)
TEMPLATES: tuple[tuple[str, str, str, int | None], ...] = (
    (
        "惠企政策兑现",
        "兑现年度中小企业技术改造补助",
        "对已通过验收的中小企业技术改造项目，按核定投资额的10%足额拨付补助资金，不设额外条件。",
        4,
    ),
    (
        "招商引资承诺",
        "落实招商引资协议约定的厂房租金减免",
        "对签约入驻企业，按协议约定减免前三年厂房租金，按季度结算，不拖延、不打折。",
        6,
    ),
    (
        "政务服务承诺",
        "企业开办一个工作日内办结",
        "企业登记、公章刻制、发票申领等开办事项一窗受理，材料齐全的一个工作日内办结。",
        None,
    ),
    (
        "依法履约承诺",
        "按合同约定支付政府采购项目款项",
        "政府采购项目验收合格后30日内支付合同款项，不以任何理由拖欠中小企业账款。",
        3,
    ),
    (
        "政务服务承诺",
        "涉企投诉五个工作日内答复",
        "企业通过12345热线、门户网站等渠道反映的诉求，五个工作日内答复办理结果。",
        None,
    ),
)
SIGNERS = (("张建国", "局长"), ("李卫东", "主任"), ("王秀英", "镇长"), ("陈志强", "书记"))


def _reported_on(month: dt.date, rng: random.Random, on_time: bool) -> dt.date:
    """A report day in the month after ``month``: by the 10th when on time, later otherwise."""
    following = add_months(month, 1)
    return following.replace(day=rng.randint(1, 10) if on_time else rng.randint(11, 25))


def make_demo_pledges(
    bodies: Sequence[GovBody], rng: random.Random, today: dt.date, *, per_body: int = 2
) -> list[Pledge]:
    """Publish ``per_body`` pledges for each body, report on them up to ``today``, and run the
    overdue check for ``today``. Returns the pledges made."""
    made: list[Pledge] = []
    for body in bodies:
        for template in rng.sample(TEMPLATES, k=min(per_body, len(TEMPLATES))):
            made.append(_one(body, template, rng, today))
    services.check_overdue(today)
    return made


def _one(
    body: GovBody,
    template: tuple[str, str, str, int | None],
    rng: random.Random,
    today: dt.date,
) -> Pledge:
    category, title, content, months = template
    name, position = rng.choice(SIGNERS)
    signed = add_months(today, -rng.randint(2, 10)).replace(day=rng.randint(1, 28))
    due = add_months(signed, months) if months else None
    pledge = services.create_pledge(
        ACTOR,
        body,
        services.PledgeInput(
            title=title,
            content=content,
            category=category,
            signer_name=name,
            signer_title=position,
            signed_on=signed,
            due_date=due,
        ),
        today=signed,
    )
    # Most bodies keep their word and report on time; a few are late or never deliver.
    kept = rng.random() < 0.8
    month = signed.replace(day=1)
    while True:
        day = _reported_on(month, rng, on_time=rng.random() < 0.85)
        if day > today:
            break
        finished = due is not None and day >= due - dt.timedelta(days=20)
        if due is not None and finished and not kept:
            break  # never reported: the overdue check marks it unkept
        status = ReportStatus.DONE if finished or due is None else ReportStatus.ONGOING
        services.add_report(
            ACTOR,
            pledge,
            period=month,
            status=status,
            text="按承诺推进，相关材料已归档。"
            if status != ReportStatus.DONE
            else "已按承诺兑现。",
            today=day,
        )
        pledge.refresh_from_db()
        if pledge.status != "in_force":
            break
        month = add_months(month, 1)
    return pledge
