"""Pieces every case a citizen or enterprise files shares (objections, complaints …):
working-day deadlines with the countdown people see, the tracking access code, the fields every
case has, filing with materials, the step log, who on the staff sees a case, and the parts of
the pages that are the same for every kind.

The access code is shown once and kept only as an HMAC keyed per kind of case, so a code of one
kind never opens a case of another.

A kind of case is a ``FiledCase`` model with ``CaseStep`` and ``CaseMaterial`` models whose link
to the case is named after its ``case_kind`` (``steps`` and ``materials`` the other way).
Its templates (``casework/…``) are in the project's own template folder (``xinyong/templates``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, Self, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from xinyong.core.workdays import ScheduleMissing
from xinyong.uploads import (
    CheckedFile,
    StoredFile,
    UploadRule,
    check_files,
    discard,
    download,
    file_rows,
    store_files,
)
from xinyong.workdays.services import get_calendar

# The audit log and the permissions are imported where used: the kinds' models import this
# module while Django loads the models, before the audit app's.

if TYPE_CHECKING:
    from django import forms
    from django.http import FileResponse, HttpRequest

__all__ = [
    "ACCESS_DENIED",
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "CaseAccessDenied",
    "CaseError",
    "CaseMaterial",
    "CaseQuerySet",
    "CaseStep",
    "FiledCase",
    "access_hash",
    "case_queue",
    "contact_problem",
    "countdown",
    "download_material",
    "due_after",
    "ensure_staff_can_view",
    "filing",
    "first_error",
    "format_code",
    "is_overdue",
    "log_step",
    "lookup",
    "new_code",
    "new_number",
    "normalise_code",
    "open_case",
    "today_or",
]

#: The answer every failed progress lookup gets, whatever was wrong.
ACCESS_DENIED = "受理编号或查询码不正确"
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


# -- the models ---------------------------------------------------------------------------------


class FiledCase(models.Model):
    """What every case has: its tracking number and access code, when and under which version
    of its kind's rules it was filed, the deadline of its current step and when it closed."""

    #: objection, complaint …: keys the access codes; names the link of steps and materials.
    case_kind: ClassVar[str]
    #: The kind as people read it (异议, 投诉 …), before the number.
    kind_label: ClassVar[str]
    #: Who files a case of this kind, as the log names them (异议人, 投诉企业 …).
    filer: ClassVar[str]
    #: How the kind's tracking numbers start (YY, TS …).
    number_prefix: ClassVar[str]
    #: The kind's statuses of a case still being handled.
    open_statuses: ClassVar[tuple[str, ...]]
    #: A field of each kind, with the kind's own choices.
    status: str

    number = models.CharField("受理编号", max_length=24, unique=True)
    # HMAC of the access code (查询码): the code itself is shown once and never stored.
    access_hash = models.CharField(max_length=64, editable=False)
    filed_on = models.DateField("提交日期")
    filed_at = models.DateTimeField("提交时间", auto_now_add=True)
    rules_version = models.CharField("规则版本", max_length=20)
    rule_from = models.DateField("适用规则施行日期")
    due_date = models.DateField("本步期限", null=True, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.kind_label}{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status in self.open_statuses


_C = TypeVar("_C", bound=FiledCase)


class CaseQuerySet(QuerySet[_C]):
    """The cases of a kind; ``open()``: those still being handled."""

    def open(self) -> Self:
        return self.filter(status__in=self.model.open_statuses)


class CaseStep(models.Model):
    """One step of a case: who, when, what, and the deadline of the next step."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    day = models.DateField("日期")
    note = models.TextField("说明", blank=True)
    due_date = models.DateField("下一步期限", null=True, blank=True)

    class Meta:
        abstract = True


class CaseMaterial(StoredFile):
    """A file the filer supplied, stored under the data directory."""

    class Meta:
        abstract = True


class CaseError(ValueError):
    """A step of a case is refused; the message says why, in Chinese."""


class CaseAccessDenied(CaseError):
    """A tracking number and access code that do not match (always the same message)."""

    def __init__(self) -> None:
        super().__init__(ACCESS_DENIED)


# -- deadlines ----------------------------------------------------------------------------------


def today_or(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def due_after(start: dt.date, days: int) -> dt.date | None:
    """``days`` working days after ``start``; None when that year's schedule is not loaded."""
    try:
        return get_calendar().add(start, days)
    except ScheduleMissing:
        return None


def countdown(due: dt.date | None, today: dt.date | None = None) -> str:
    """The deadline as staff and the public see it: 剩余N个工作日 / 今日到期 / 已超期N个工作日."""
    if due is None:
        return "期限暂无法计算（该年度节假日安排尚未录入）"
    day = today_or(today)
    try:
        if day <= due:
            left = get_calendar().between(day, due)
            return f"剩余{left}个工作日" if left > 0 else "今日到期"
        late = get_calendar().between(due, day)
    except ScheduleMissing:
        return f"期限{due:%Y-%m-%d}"
    return f"已超期{late}个工作日" if late > 0 else f"已超过期限（{due:%Y-%m-%d}）"


def is_overdue(case: FiledCase, today: dt.date | None = None) -> bool:
    return case.is_open and case.due_date is not None and case.due_date < today_or(today)


# -- the access code ----------------------------------------------------------------------------


def access_hash(kind: str, number: str, code: str) -> str:
    """The stored form of a case's access code (``kind``: objection, complaint …)."""
    key = hashlib.sha256(f"xinyong-{kind}-access:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, f"{number}:{code}".encode(), hashlib.sha256).hexdigest()


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def open_case(
    cases: type[_C], number: str, code: str, request: Any, denied: type[CaseAccessDenied]
) -> _C:
    """The case a tracking number and access code open; every attempt is audited, and a
    mismatch raises ``denied``.

    The code is compared in constant time, and a wrong number costs the same work as a wrong
    code, so neither can be told from the other.
    """
    from xinyong.audit.models import AuditAction
    from xinyong.audit.services import client_ip, record

    kind = cases.case_kind
    number = number.strip().upper()
    given = access_hash(kind, number, normalise_code(code))
    case = cases._default_manager.filter(number=number).first() if number else None
    expected = getattr(case, "access_hash", None) or access_hash(kind, "-", "-")
    ok = hmac.compare_digest(given, expected) and case is not None
    actor = getattr(request, "user", None)
    if not ok or case is None:
        record(
            actor,
            AuditAction.DENIED,
            f"{cases.kind_label}进度查询：{ACCESS_DENIED}",
            object_type=cases._meta.label_lower,
            object_id=case.pk if case is not None else "",
            detail={"number": number[:24]},
            ip=client_ip(request),
        )
        raise denied()
    record(
        actor,
        AuditAction.READ,
        f"{case}：{cases.filer}查询办理进度",
        obj=case,
        ip=client_ip(request),
    )
    return case


# -- filing -------------------------------------------------------------------------------------


def contact_problem(phone: str, email: str) -> str | None:
    """What is wrong with how to reach the filer (both stripped), or None."""
    if not phone and not email:
        return "请至少填写一种联系方式（联系电话或电子邮箱）"
    if phone and not (7 <= sum(ch.isdigit() for ch in phone) <= 20):
        return "联系电话格式不正确"
    if email and ("@" not in email or len(email) > 200 or " " in email):
        return "电子邮箱格式不正确"
    return None


def new_number(cases: type[FiledCase], day: dt.date) -> str:
    """A tracking number not used yet: the kind's prefix, the filing day, six random digits."""
    while True:
        number = f"{cases.number_prefix}{day:%Y%m%d}{secrets.randbelow(10**6):06d}"
        if not cases._default_manager.filter(number=number).exists():
            return number


class CaseRule(Protocol):
    """The version of a kind's rules a case is filed under."""

    @property
    def version(self) -> str: ...

    @property
    def effective_from(self) -> dt.date: ...

    @property
    def materials(self) -> UploadRule: ...


@dataclass(frozen=True)
class Filed(Generic[_C]):
    """A case just filed, for its filing step and the answer to the filer."""

    case: _C
    #: How many materials were stored.
    materials: int
    #: The access code, formatted: shown once, never stored.
    code: str


@contextmanager
def filing(
    cases: type[_C],
    materials: type[CaseMaterial],
    *,
    day: dt.date,
    rule: CaseRule,
    uploads: Sequence[Any],
    **fields: Any,
) -> Iterator[Filed[_C]]:
    """A new case filed on ``day`` under ``rule``, with a tracking number, an access code and
    the ``uploads`` as its materials — all or nothing: what the ``with`` block writes (the
    filing step …) is in the same transaction, and on any failure the stored files go again.

    Materials that break the rule raise ``xinyong.uploads.MaterialError`` before anything is
    written.
    """
    checked = check_files(list(uploads), rule.materials)
    access = new_code()
    written: list[tuple[CheckedFile, Path]] = []
    try:
        with transaction.atomic():
            number = new_number(cases, day)
            case = cases._default_manager.create(
                number=number,
                access_hash=access_hash(cases.case_kind, number, access),
                filed_on=day,
                rules_version=rule.version,
                rule_from=rule.effective_from,
                **fields,
            )
            folder = Path(settings.DATA_DIR) / cases._meta.app_label / str(case.pk)
            written = store_files(folder, checked)
            materials._default_manager.bulk_create(
                file_rows(materials, written, **{cases.case_kind: case})
            )
            yield Filed(case, len(written), format_code(access))
    except Exception:
        discard(written)
        raise


# -- the step log -------------------------------------------------------------------------------


def log_step(
    steps: type[CaseStep],
    case: FiledCase,
    kind: str,
    actor: Any,
    day: dt.date,
    note: str,
    *,
    actor_name: str,
    audit_as: Any,
    due: dt.date | None,
    request: Any,
    action: str,
    audit_detail: Mapping[str, Any],
    **fields: Any,
) -> Any:
    """One step (``kind``) of a case: kept on it, naming who acted as ``actor_name``, and
    written to the audit log as done by ``audit_as``."""
    from xinyong.audit.services import client_ip, record

    # Any: the kind's step model has the kind and actor_name fields CaseStep leaves to it.
    manager: Any = steps._default_manager
    step = manager.create(
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=actor_name,
        day=day,
        note=note,
        due_date=due,
        **{case.case_kind: case},
        **fields,
    )
    record(
        audit_as,
        action,
        f"{case}：{step.get_kind_display()}",
        obj=case,
        reason=note,
        detail={"step": step.pk, "kind": kind, **audit_detail},
        ip=client_ip(request),
    )
    return step


# -- staff --------------------------------------------------------------------------------------


def ensure_staff_can_view(user: Any, case: Any, request: Any = None) -> bool:
    """Operators see every case, a department only those it handles (403 + audit otherwise);
    True when ``user`` sees the case as its department."""
    from xinyong.departments.permissions import ensure_can_act_for, ensure_operator

    if getattr(user, "is_authenticated", False) and getattr(user, "is_operator", False):
        ensure_operator(user, what=f"查看{case.kind_label}", request=request)
        return False
    ensure_can_act_for(user, case.department, what=f"查看{case}", request=request)
    return True


# -- pages --------------------------------------------------------------------------------------


def case_queue(
    request: Any, queryset: Any, statuses: Any, key: str, per_page: int
) -> dict[str, Any]:
    """The context of a staff queue of cases (objections, complaints): ``?status=`` (open by
    default), soonest deadline first, paged, each row with its countdown and overdue flag."""
    from django.core.paginator import Paginator

    day = timezone.localdate()
    status = request.GET.get("status", "open")
    if status == "open":
        queryset = queryset.open()
    elif status in statuses.values:
        queryset = queryset.filter(status=status)
    page = Paginator(queryset.order_by("due_date", "-filed_at"), per_page).get_page(
        request.GET.get("page")
    )
    rows = [
        {
            key: case,
            "countdown": countdown(case.due_date, day) if case.is_open else "",
            "overdue": is_overdue(case, day),
        }
        for case in page
    ]
    return {"page": page, "rows": rows, "status": status, "statuses": statuses.choices}


def lookup(
    request: HttpRequest, form: forms.Form, check_access: Callable[[str, str, Any], _C]
) -> _C | None:
    """The case the tracking number and access code posted in ``form`` open; None, with the
    refusal on the form when they do not match, for the lookup page."""
    if request.method == "POST" and form.is_valid():
        try:
            return check_access(form.cleaned_data["number"], form.cleaned_data["code"], request)
        except CaseAccessDenied as exc:
            form.add_error(None, str(exc))
    return None


def first_error(form: forms.Form) -> str:
    return str(next(iter(form.errors.values()))[0])


def download_material(request: HttpRequest, case: Any, pk: int) -> FileResponse:
    """A staff download of one of the case's materials (audited; 404 when not the case's)."""
    from django.shortcuts import get_object_or_404

    item = get_object_or_404(case.materials, pk=pk)
    return download(
        request, case, Path(item.stored_path), item.filename, f"{case}：下载材料“{item.filename}”"
    )
