"""The admin: operators upload a year's schedule and see the covered years."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

import xinyong.workdays
from xinyong.audit.models import AuditEvent
from xinyong.departments.models import User
from xinyong.workdays import services
from xinyong.workdays.models import HolidaySchedule

EXAMPLE = Path(xinyong.workdays.__file__).parent / "examples" / "2027-example.yaml"
UPLOAD = "admin:workdays_holidayschedule_upload"

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_operator(operator: User) -> User:
    operator.is_staff = True
    operator.save()
    return operator


@pytest.fixture
def operator_client(staff_operator: User) -> Client:
    client = Client()
    client.force_login(staff_operator)
    return client


def test_the_upload_page_shows_the_form_and_the_bundled_years(operator_client: Client) -> None:
    response = operator_client.get(reverse(UPLOAD))
    assert response.status_code == 200
    html = response.content.decode()
    assert "上传节假日安排" in html and 'type="file"' in html
    assert "2026" in html and "内置" in html
    index = operator_client.get(reverse("admin:index")).content.decode()
    assert "节假日安排" in index and reverse(UPLOAD).rsplit("upload/", 1)[0] in index


def test_an_operator_uploads_the_2027_example_and_the_calendar_covers_2027(
    operator_client: Client, staff_operator: User
) -> None:
    upload = SimpleUploadedFile("2027.yaml", EXAMPLE.read_bytes(), content_type="text/yaml")
    response = operator_client.post(reverse(UPLOAD), {"file": upload})
    schedule = HolidaySchedule.objects.get(year=2027)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:workdays_holidayschedule_change", args=[schedule.pk]
    )
    assert schedule.loaded_by == staff_operator
    assert services.get_calendar().covers(2027)
    assert AuditEvent.objects.filter(action="create", actor=staff_operator).exists()
    page = operator_client.get(response["Location"])
    assert page.status_code == 200 and "国庆节" in page.content.decode()
    listing = operator_client.get(reverse("admin:workdays_holidayschedule_changelist"))
    assert listing.status_code == 200 and "2027" in listing.content.decode()


def test_a_bad_upload_shows_the_errors_with_lines_and_loads_nothing(
    operator_client: Client,
) -> None:
    bad = EXAMPLE.read_text(encoding="utf-8").replace("date: 2027-10-09", "date: 2027-10-08")
    upload = SimpleUploadedFile("2027.yaml", bad.encode(), content_type="text/yaml")
    response = operator_client.post(reverse(UPLOAD), {"file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert "文件未导入" in html and "2027-10-08是星期五" in html and "行：" in html
    assert not HolidaySchedule.objects.exists()


def test_a_csv_upload_works_too(operator_client: Client) -> None:
    data = (EXAMPLE.parent / "2027-example.csv").read_bytes()
    upload = SimpleUploadedFile("2027.csv", data, content_type="text/csv")
    response = operator_client.post(reverse(UPLOAD), {"file": upload})
    assert response.status_code == 302
    assert HolidaySchedule.objects.get().days.count() == 34


def test_the_add_button_leads_to_the_upload_page(operator_client: Client) -> None:
    response = operator_client.get(reverse("admin:workdays_holidayschedule_add"))
    assert response.status_code == 302 and response["Location"] == reverse(UPLOAD)


def test_editing_a_day_in_the_admin_is_audited_and_refreshes_the_calendar(
    operator_client: Client, staff_operator: User
) -> None:
    schedule = services.load_schedule(EXAMPLE, staff_operator)
    assert not services.get_calendar().is_workday(date(2027, 6, 9))
    days = list(schedule.days.order_by("date"))
    data = {
        "source": schedule.source,
        "note": schedule.note,
        "days-TOTAL_FORMS": str(len(days)),
        "days-INITIAL_FORMS": str(len(days)),
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
    }
    for i, day in enumerate(days):
        data.update(
            {
                f"days-{i}-id": str(day.pk),
                f"days-{i}-schedule": str(schedule.pk),
                f"days-{i}-date": day.date.isoformat(),
                f"days-{i}-kind": day.kind,
                f"days-{i}-name": day.name,
            }
        )
        if day.name == "端午节":
            data[f"days-{i}-DELETE"] = "on"
    url = reverse("admin:workdays_holidayschedule_change", args=[schedule.pk])
    response = operator_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert services.get_calendar().is_workday(date(2027, 6, 9))
    assert AuditEvent.objects.filter(action="update", summary__contains="管理后台").exists()


def test_a_make_up_day_on_a_weekday_is_refused_in_the_admin_form(
    operator_client: Client, staff_operator: User
) -> None:
    schedule = services.load_schedule(EXAMPLE, staff_operator)
    data = {
        "source": schedule.source,
        "note": schedule.note,
        "days-TOTAL_FORMS": "1",
        "days-INITIAL_FORMS": "0",
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
        "days-0-schedule": str(schedule.pk),
        "days-0-date": "2027-11-03",
        "days-0-kind": "workday",
        "days-0-name": "错误的调休",
    }
    url = reverse("admin:workdays_holidayschedule_change", args=[schedule.pk])
    response = operator_client.post(url, data)
    assert response.status_code == 200
    assert "调休上班日必须是周六或周日" in response.content.decode()
    assert not schedule.days.filter(date="2027-11-03").exists()


def test_a_department_submitter_cannot_upload(market_submitter: User) -> None:
    market_submitter.is_staff = True
    market_submitter.save()
    client = Client()
    client.force_login(market_submitter)
    upload = SimpleUploadedFile("2027.yaml", EXAMPLE.read_bytes(), content_type="text/yaml")
    response = client.post(reverse(UPLOAD), {"file": upload})
    assert response.status_code == 403
    assert not HolidaySchedule.objects.exists()


def test_deleting_a_year_in_the_admin_is_audited(
    operator_client: Client, staff_operator: User
) -> None:
    schedule = services.load_schedule(EXAMPLE, staff_operator)
    url = reverse("admin:workdays_holidayschedule_delete", args=[schedule.pk])
    response = operator_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not HolidaySchedule.objects.exists()
    assert AuditEvent.objects.filter(action="delete").exists()
    assert not services.get_calendar().covers(2027)
