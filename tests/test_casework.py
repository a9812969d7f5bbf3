"""What every kind of case shares (xinyong.casework): the contract a kind's models keep, the
contact check and the one refusal of a progress lookup."""

from __future__ import annotations

import pytest
from django.apps import apps

from xinyong import casework
from xinyong.complaints import services as complaints
from xinyong.objections import services as objections


def _kinds() -> list[type[casework.FiledCase]]:
    return [m for m in apps.get_models() if issubclass(m, casework.FiledCase)]


def test_every_kind_of_case_says_what_the_shared_code_needs() -> None:
    kinds = _kinds()
    assert {m._meta.label for m in kinds} >= {"complaints.Complaint", "objections.Objection"}
    assert len({m.case_kind for m in kinds}) == len({m.number_prefix for m in kinds}) == len(kinds)
    for model in kinds:
        assert model.kind_label and model.filer and model.open_statuses
        # Filing and the step log link steps and materials by a field named after the kind.
        for related, base in (("steps", casework.CaseStep), ("materials", casework.CaseMaterial)):
            rel = model._meta.get_field(related)
            assert issubclass(rel.related_model, base)
            assert rel.field.name == model.case_kind


@pytest.mark.parametrize(
    ("phone", "email", "problem"),
    [
        ("", "", "请至少填写一种联系方式（联系电话或电子邮箱）"),
        ("12-34", "", "联系电话格式不正确"),
        ("", "not an address", "电子邮箱格式不正确"),
        ("0571-88880000", "", None),
        ("", "a@example.com", None),
    ],
)
def test_a_filer_must_be_reachable(phone: str, email: str, problem: str | None) -> None:
    assert casework.contact_problem(phone, email) == problem


def test_a_failed_lookup_is_the_kinds_own_error_with_the_one_message() -> None:
    for service, error in (
        (complaints, complaints.ComplaintError),
        (objections, objections.ObjectionError),
    ):
        denied = service.AccessDenied()
        assert isinstance(denied, error) and isinstance(denied, casework.CaseAccessDenied)
        assert str(denied) == casework.ACCESS_DENIED
