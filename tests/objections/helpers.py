"""Filing objections in tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from xinyong.objections import services
from xinyong.records.models import CreditRecord

#: A working day well inside the record's publicity period (decision 2026-03-02, 一般: 1 year).
DAY = dt.date(2026, 6, 1)

OBJECTOR = services.Objector(
    name="示范县第1商贸有限公司", code="", phone="0571-88880000", email="a@example.com"
)


def objector(code: str) -> services.Objector:
    return services.Objector(
        name=OBJECTOR.name, code=code, phone=OBJECTOR.phone, email=OBJECTOR.email
    )


def file_on(target: Any, day: dt.date = DAY, **kwargs: Any) -> tuple[Any, str]:
    """A portal filing (or an operator's, with ``user=``) on a record or an entry."""
    key = "record" if isinstance(target, CreditRecord) else "entry"
    return services.file_objection(
        objector=objector(kwargs.pop("code", target_code(target))),
        reasons=kwargs.pop("reasons", "处罚已被行政复议决定变更，公示内容有误"),
        today=day,
        **{key: target},
        **kwargs,
    )


def target_code(target: Any) -> str:
    return str(target.subject.uscc)
