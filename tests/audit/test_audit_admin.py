"""The audit log in the admin: operators browse and filter it; nobody changes it there."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.test import Client, RequestFactory

from xinyong.audit.models import AuditAction, AuditEvent
from xinyong.audit.services import record
from xinyong.departments.models import Department, User


@pytest.fixture
def events(operator: User, market_submitter: User, market_dept: Department) -> list[AuditEvent]:
    return [
        record(operator, AuditAction.CREATE, "新增部门“示范县市场监督管理局”", obj=market_dept),
        record(market_submitter, AuditAction.DENIED, "您属于“示范县市场监督管理局”，无权操作"),
        record("命令行", AuditAction.TOKEN, "为用户“scjg”签发接口令牌 xy_abc…"),
    ]


def test_the_admin_refuses_add_change_and_delete_even_for_a_superuser(
    client: Client, superuser: User, events: list[AuditEvent]
) -> None:
    model_admin = site._registry[AuditEvent]
    request = RequestFactory().get("/")
    request.user = superuser
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, events[0])
    assert not model_admin.has_delete_permission(request, events[0])
    assert model_admin.has_view_permission(request, events[0])

    client.force_login(superuser)
    base = "/admin/audit/auditevent/"
    assert client.get(f"{base}add/").status_code == 403
    assert client.post(f"{base}add/", {"summary": "伪造"}).status_code == 403
    assert client.post(f"{base}{events[0].pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(f"{base}{events[0].pk}/change/", {"summary": "改写"})
    assert AuditEvent.objects.get(pk=events[0].pk).summary == events[0].summary
    assert AuditEvent.objects.exclude(action="login").count() == 3


def test_the_operator_browses_filters_and_searches_the_log(
    client: Client, operator: User, events: list[AuditEvent]
) -> None:
    client.force_login(operator)
    base = "/admin/audit/auditevent/"
    page = client.get(base).content.decode()
    assert "新增部门" in page and "签发接口令牌" in page
    assert "部门（departments.department）" in page  # the object-type filter, in Chinese

    denied = client.get(base, {"action__exact": "denied"}).content.decode()
    assert "无权操作" in denied and "签发接口令牌" not in denied
    by_actor = client.get(base, {"actor_name": "命令行"}).content.decode()
    assert "签发接口令牌" in by_actor and "新增部门" not in by_actor
    by_type = client.get(base, {"object_type": "departments.department"}).content.decode()
    assert "新增部门" in by_type and "签发接口令牌" not in by_type
    searched = client.get(base, {"q": "令牌"}).content.decode()
    assert "签发接口令牌" in searched and "新增部门" not in searched
    today = client.get(base, {"at__gte": events[0].at.date().isoformat()})
    assert today.status_code == 200


def test_an_event_has_a_read_only_detail_page(
    client: Client, operator: User, events: list[AuditEvent]
) -> None:
    client.force_login(operator)
    page = client.get(f"/admin/audit/auditevent/{events[0].pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "新增部门“示范县市场监督管理局”" in html
    assert 'name="summary"' not in html  # no editable field
    assert 'name="_save"' not in html


def test_a_submitter_cannot_read_the_audit_log(
    client: Client, market_submitter: User, events: list[AuditEvent]
) -> None:
    market_submitter.is_staff = True
    market_submitter.save()
    client.force_login(market_submitter)
    assert client.get("/admin/audit/auditevent/").status_code == 403
