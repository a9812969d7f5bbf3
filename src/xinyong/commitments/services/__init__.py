"""Credit commitment services (信用承诺, R-COM-1…3): sign, confirm, verify, supply materials,
the daily overdue check, breach (→ a dishonesty record through the collection pipeline) and
withdrawal. Coverage (信用承诺覆盖率) is in :mod:`xinyong.commitments.coverage`.

Views, API endpoints and commands stay thin: every change goes through these functions, which
check permissions (a department acts on its own commitments, an operator on all), keep the
commitment's event history and write the audit log.
"""

from __future__ import annotations

from xinyong.commitments.services.base import (
    BREACH_TYPE,
    CLOSED,
    CommitmentError,
    SubjectInput,
    find,
    subject_code,
    visible_commitments,
)
from xinyong.commitments.services.breach import (
    breach,
    public_commitments,
    withdraw,
)
from xinyong.commitments.services.fulfilment import (
    OverdueResult,
    check_overdue,
    supply_materials,
    verify,
)
from xinyong.commitments.services.signing import (
    confirm,
    sign,
    submit_on_portal,
)

__all__ = [
    "BREACH_TYPE",
    "CLOSED",
    "CommitmentError",
    "OverdueResult",
    "SubjectInput",
    "breach",
    "check_overdue",
    "confirm",
    "find",
    "public_commitments",
    "sign",
    "subject_code",
    "submit_on_portal",
    "supply_materials",
    "verify",
    "visible_commitments",
    "withdraw",
]
