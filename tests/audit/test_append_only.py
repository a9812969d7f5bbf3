"""R-SEC-2: the audit log is append-only — in the model and in the database itself."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from xinyong.audit.models import AppendOnlyError, AuditAction, AuditEvent
from xinyong.audit.services import record
from xinyong.departments.models import User


@pytest.fixture
def event(operator: User) -> AuditEvent:
    return record(operator, AuditAction.UPDATE, "修改部门“示范县市场监督管理局”：简称")


def test_an_event_records_who_did_what(event: AuditEvent, operator: User) -> None:
    assert event.actor == operator and event.actor_name == "xyb"
    assert event.get_action_display() == "修改"


def test_an_event_cannot_be_updated_through_the_orm(event: AuditEvent) -> None:
    event.summary = "改写历史"
    with pytest.raises(AppendOnlyError, match="只能追加"):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).summary != "改写历史"


def test_an_event_cannot_be_deleted_through_the_orm(event: AuditEvent) -> None:
    with pytest.raises(AppendOnlyError, match="只能追加"):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_raw_sql_update_is_refused_by_the_database(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET summary = %s WHERE id = %s", ["改写", event.pk])
    assert AuditEvent.objects.get(pk=event.pk).summary == event.summary


def test_a_raw_sql_delete_is_refused_by_the_database(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_bulk_queryset_update_or_delete_is_refused_by_the_database(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(summary="改写")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).summary == event.summary
