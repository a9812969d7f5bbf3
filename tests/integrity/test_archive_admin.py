"""The credit office keeps the archive (政务诚信事件) in the admin; every change is audited."""

from __future__ import annotations

import pytest
from django.test import Client

from xinyong.audit.models import AuditEvent
from xinyong.departments.models import User
from xinyong.integrity.models import Evaluation, GovBody, IntegrityEvent

ADD = "/admin/integrity/integrityevent/add/"


@pytest.fixture
def operator_client(client: Client, operator: User) -> Client:
    client.force_login(operator)
    return client


def form(body: GovBody, **extra: str) -> dict[str, str]:
    data = {
        "body": str(body.pk),
        "kind": "honour",
        "item": "",
        "event_date": "2026-03-01",
        "level": "省级",
        "channel": "self",
        "source_doc": "浙政发〔2026〕3号",
        "points": "",
        "rectified_on": "",
        "repaired_on": "",
        "note": "",
    }
    data.update(extra)
    return data


def test_an_operator_records_an_event_and_the_addition_is_audited(
    operator_client: Client, operator: User, bodies: dict[str, GovBody]
) -> None:
    response = operator_client.post(ADD, form(bodies["edu"]))
    assert response.status_code == 302, response.content.decode()[:2000]
    event = IntegrityEvent.objects.get()
    assert event.created_by == operator and event.level == "省级"
    assert AuditEvent.objects.filter(
        object_type="integrity.integrityevent", object_id=str(event.pk)
    ).exists()
    listing = operator_client.get("/admin/integrity/integrityevent/").content.decode()
    # the kind by its name, in the column and the filter, never its code
    assert "表彰奖励、试点示范、创新认定" in listing and f">{event.kind}<" not in listing
    assert "年度目标考核优秀" in listing  # the filter offers every kind by name


def test_the_form_refuses_unknown_kinds_unknown_items_and_honours_without_level(
    operator_client: Client, bodies: dict[str, GovBody]
) -> None:
    page = operator_client.post(ADD, form(bodies["edu"], kind="gossip")).content.decode()
    assert "gossip" in page and not IntegrityEvent.objects.exists()
    page = operator_client.post(ADD, form(bodies["edu"], item="ZZZ-9")).content.decode()
    assert "监测事项“ZZZ-9”不在评价模型中" in page
    page = operator_client.post(ADD, form(bodies["edu"], level="")).content.decode()
    assert "荣誉须注明级别" in page
    page = operator_client.post(
        ADD, form(bodies["edu"], kind="arrears", level="", repaired_on="2026-02-01")
    ).content.decode()
    assert "早于事件发生日期" in page
    assert not IntegrityEvent.objects.exists()


def test_evaluations_cannot_be_edited_in_the_admin(
    operator_client: Client, bodies: dict[str, GovBody]
) -> None:
    assert operator_client.get("/admin/integrity/evaluation/").status_code == 200
    assert operator_client.get("/admin/integrity/evaluation/add/").status_code == 403
    assert not Evaluation.objects.exists()


def test_a_department_submitter_cannot_open_the_archive_admin(
    client: Client, market_submitter: User
) -> None:
    client.force_login(market_submitter)
    assert client.get(ADD).status_code in (302, 403)
