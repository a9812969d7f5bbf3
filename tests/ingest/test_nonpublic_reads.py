"""Every staff read of data the public may not see is audited (R-SEC-2): records not published,
and published records with fields the portal hides or masks — on the record page, the record
list, the API and the admin (found missing by a sweep of the demo county)."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone
from tests.ingest.factories import penalty, person_id
from tests.ingest.test_office_pages import logged_in, submit

from xinyong.audit.models import AuditAction, AuditEvent
from xinyong.departments.models import ApiToken, Department, User
from xinyong.records.models import CreditRecord


def reads() -> list[str]:
    return list(
        AuditEvent.objects.filter(action=AuditAction.READ)
        .order_by("id")
        .values_list("summary", flat=True)
    )


def records(market_submitter: User, market_dept: Department) -> tuple[CreditRecord, ...]:
    today = timezone.localdate().isoformat()
    code = market_dept.code
    fact = f"经查，当事人（身份证{person_id(7)}）无证经营。"
    rows = [
        penalty(1, code, **{"处罚决定日期": today}),
        penalty(2, code, **{"处罚决定日期": today, "备注": "当事人配合调查，内部掌握"}),
        penalty(3, code, **{"处罚决定日期": today, "违法事实": fact}),
    ]
    submit(market_submitter, market_dept, rows, "一.csv")
    found = tuple(CreditRecord.objects.order_by("doc_no"))
    assert all(CreditRecord.objects.public().filter(pk=r.pk).exists() for r in found)
    return found


def test_reading_hidden_fields_of_a_published_record_is_audited_and_a_plain_one_is_not(
    client: Client, market_submitter: User, market_dept: Department
) -> None:
    plain, remark, id_in_text = records(market_submitter, market_dept)
    logged_in(client, market_submitter)
    assert client.get(f"/office/records/{plain.pk}/").status_code == 200
    assert reads() == []
    client.get(f"/office/records/{remark.pk}/")
    client.get(f"/office/records/{id_in_text.pk}/")
    first, second = reads()
    assert first.startswith("查阅信用记录的非公开信息（备注）")
    assert second.startswith("查阅信用记录的非公开信息（违法事实）")
    client.get("/office/records/")
    assert reads()[-1] == "浏览信用记录列表：含2条含非公开信息的记录"


def test_the_api_and_the_admin_audit_reads_of_hidden_data(
    client: Client, operator: User, market_submitter: User, market_dept: Department
) -> None:
    plain, remark, _ = records(market_submitter, market_dept)
    _, raw = ApiToken.issue(market_submitter, "测试")
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get(f"/api/v1/records/{plain.pk}", headers=headers).status_code == 200
    assert reads() == []
    client.get(f"/api/v1/records/{remark.pk}", headers=headers)
    assert reads()[-1].startswith("接口查阅信用记录的非公开信息（备注）")
    client.force_login(operator)
    assert client.get(f"/admin/records/creditrecord/{remark.pk}/change/").status_code == 200
    assert reads()[-1].startswith("管理后台查阅信用记录的非公开信息（备注）")
    plain.status = "revoked"
    plain.save(update_fields=["status"])
    client.get(f"/admin/records/creditrecord/{plain.pk}/change/")
    assert reads()[-1].startswith("管理后台查阅未公示的信用记录")
    version = remark.versions.get()
    client.get(f"/admin/records/recordversion/{version.pk}/change/")
    assert reads()[-1].startswith(f"管理后台查阅信用记录{remark}的第1版")
