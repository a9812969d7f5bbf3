"""The arrears ledger: status from repayments, plans, disputes, and what monitoring reads."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from tests.arrears.conftest import STATE_ENTERPRISE, owed_by

from xinyong.arrears import services
from xinyong.arrears.models import ArrearStatus, DebtorKind, EventKind
from xinyong.audit.models import AuditAction, AuditEvent


def test_the_status_follows_the_repayments(operator, market_dept) -> None:  # type: ignore[no-untyped-def]
    arrear = owed_by(operator, market_dept, amount="100.5")
    assert arrear.status == ArrearStatus.UNPAID
    services.repay(
        operator, arrear, dt.date(2026, 7, 10), "40", "转账凭证0001", today=dt.date(2026, 7, 10)
    )
    arrear.refresh_from_db()
    assert arrear.status == ArrearStatus.PARTIAL and arrear.outstanding == Decimal("60.5")
    with pytest.raises(services.ArrearError, match="超过尚欠金额"):
        services.repay(
            operator, arrear, dt.date(2026, 8, 1), "61", "转账凭证0002", today=dt.date(2026, 8, 1)
        )
    services.repay(
        operator, arrear, dt.date(2026, 8, 1), "60.5", "转账凭证0002", today=dt.date(2026, 8, 2)
    )
    arrear.refresh_from_db()
    assert arrear.status == ArrearStatus.CLEARED and arrear.cleared_on == dt.date(2026, 8, 1)
    # The history: the status on each day, and every change kept.
    assert services.status_on(arrear, dt.date(2026, 7, 9)) == ArrearStatus.UNPAID
    assert services.status_on(arrear, dt.date(2026, 7, 31)) == ArrearStatus.PARTIAL
    assert services.status_on(arrear, dt.date(2026, 8, 1)) == ArrearStatus.CLEARED
    events = list(arrear.events.order_by("at", "id"))
    assert [(e.kind, e.status_after) for e in events] == [
        (EventKind.RECORD, ArrearStatus.UNPAID),
        (EventKind.REPAY, ArrearStatus.PARTIAL),
        (EventKind.REPAY, ArrearStatus.CLEARED),
    ]
    audited = AuditEvent.objects.filter(object_type="arrears.arrear", object_id=str(arrear.pk))
    assert audited.filter(action=AuditAction.CREATE).count() == 3  # record + two repayments


def test_amounts_and_dates_are_checked(operator, market_dept) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(services.ArrearError, match="大于0"):
        owed_by(operator, market_dept, amount="0")
    with pytest.raises(services.ArrearError, match="不是有效数字"):
        owed_by(operator, market_dept, amount="十万")
    with pytest.raises(services.ArrearError, match="统一社会信用代码无效"):
        services.record_arrear(
            operator,
            debtor_kind=DebtorKind.STATE_ENTERPRISE,
            debtor_name=STATE_ENTERPRISE[0],
            debtor_uscc="91330100MA2ABCDF8X",
            creditor_name="某公司",
            creditor_uscc="91350100M000100Y43",
            amount="1",
            due_date=dt.date(2026, 1, 1),
            basis="合同",
        )
    arrear = owed_by(operator, market_dept)
    with pytest.raises(services.ArrearError, match="不能晚于今天"):
        services.repay(
            operator, arrear, dt.date(2026, 7, 2), "1", "凭证", today=dt.date(2026, 7, 1)
        )


def test_a_plan_covers_what_is_owed_and_a_new_one_supersedes_it(operator, market_dept) -> None:  # type: ignore[no-untyped-def]
    arrear = owed_by(operator, market_dept, amount="100")
    with pytest.raises(services.ArrearError, match="应等于尚欠金额"):
        services.set_plan(operator, arrear, [(dt.date(2026, 9, 30), "50")])
    first = services.set_plan(
        operator, arrear, [(dt.date(2026, 12, 31), "50"), (dt.date(2026, 9, 30), "50")]
    )
    assert [i.due_date.month for i in first.instalments.all()] == [9, 12]
    services.repay(
        operator, arrear, dt.date(2026, 9, 30), "50", "凭证A", today=dt.date(2026, 10, 8)
    )
    arrear.refresh_from_db()
    second = services.set_plan(operator, arrear, [(dt.date(2027, 3, 31), "50")], "延期至明年一季度")
    first.refresh_from_db()
    assert second.current and not first.current
    assert arrear.plans.count() == 2


def test_unpaid_undisputed_arrears_of_a_month(operator, market_dept, tax_dept) -> None:  # type: ignore[no-untyped-def]
    unpaid = owed_by(operator, market_dept, amount="100", due=dt.date(2026, 9, 15))
    partly = owed_by(operator, tax_dept, amount="80", due=dt.date(2026, 10, 31))
    owed_by(operator, market_dept, amount="30", due=dt.date(2026, 11, 1))  # due next month
    disputed = owed_by(
        operator,
        market_dept,
        amount="20",
        due=dt.date(2026, 8, 1),
        disputed=True,
        dispute_note="工程量存在争议，已申请仲裁",
    )
    paid = owed_by(operator, tax_dept, amount="10", due=dt.date(2026, 9, 1))
    services.repay(
        operator, paid, dt.date(2026, 10, 20), "10", "凭证P", today=dt.date(2026, 10, 20)
    )
    services.repay(
        operator, partly, dt.date(2026, 10, 25), "30", "凭证Q", today=dt.date(2026, 10, 25)
    )
    # Paid after the month: still unpaid at the end of October.
    services.repay(
        operator, unpaid, dt.date(2026, 11, 3), "100", "凭证R", today=dt.date(2026, 11, 3)
    )

    october = services.unpaid_undisputed("2026-10")
    assert [(row.arrear_id, row.outstanding) for row in october] == [
        (unpaid.pk, Decimal("100")),
        (partly.pk, Decimal("50")),
    ]
    assert october[1].department_id == tax_dept.pk
    assert [row.arrear_id for row in services.unpaid_undisputed("2026-09")] == [unpaid.pk, paid.pk]
    november = services.unpaid_undisputed(dt.date(2026, 11, 30))
    assert unpaid.pk not in [row.arrear_id for row in november]
    # Resolving the dispute brings the arrear back into the count.
    services.set_disputed(operator, disputed, False, "仲裁裁决全额支付")
    assert disputed.pk in [row.arrear_id for row in services.unpaid_undisputed("2026-10")]
