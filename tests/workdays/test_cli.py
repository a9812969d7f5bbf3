"""``xinyong workdays …`` on the command line: exit status, stdout and stderr."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

import xinyong.workdays
from xinyong.workdays.models import HolidaySchedule

EXAMPLE = Path(xinyong.workdays.__file__).parent / "examples" / "2027-example.yaml"

pytestmark = pytest.mark.django_db


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the command in-process. ``call_command`` rather than the ``xinyong`` entry point,
    because ``run_from_argv`` closes the database connection, which ends the test's
    transaction on PostgreSQL; a CommandError is what ``run_from_argv`` turns into exit 1."""
    try:
        call_command("workdays", *args)
        code = 0
    except CommandError as exc:
        print(f"CommandError: {exc}", file=sys.stderr)
        code = exc.returncode
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out.strip(), err.strip()


def test_add_prints_the_resulting_iso_date(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "add", "2024-09-30", "1") == (0, "2024-10-08", "")
    assert run(capsys, "add", "2024-10-08", "-2") == (0, "2024-09-29", "")


def test_between_prints_the_number_of_working_days(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "between", "2024-09-27", "2024-10-12") == (0, "7", "")


def test_is_workday_prints_the_kind_of_day_and_the_holiday_name(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "is-workday", "2024-10-01")
    assert code == 0 and "休息日" in out and "国庆节" in out
    code, out, _ = run(capsys, "is-workday", "2024-09-29")
    assert "工作日" in out and "国庆节调休" in out
    code, out, _ = run(capsys, "is-workday", "2024-11-05")
    assert out == "2024-11-05 工作日（星期二）"


def test_a_year_without_a_schedule_exits_1_with_the_chinese_message_on_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "add", "2027-01-04", "3")
    assert code == 1 and out == ""
    assert "2027年的法定节假日安排尚未录入" in err
    code, _, err = run(capsys, "is-workday", "2027-10-01")
    assert code == 1 and "2027年" in err


def test_after_loading_the_example_2027_file_add_works(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "load", str(EXAMPLE))
    assert code == 0, err
    assert "已导入2027年节假日安排" in out
    assert run(capsys, "add", "2027-09-30", "1") == (0, "2027-10-08", "")
    assert run(capsys, "add", "2026-12-31", "1") == (0, "2027-01-04", "")
    code, out, _ = run(capsys, "list")
    assert code == 0
    assert out.splitlines()[0].startswith("2004  内置")
    assert out.splitlines()[-1].startswith("2027  已导入")


def test_a_bad_file_exits_1_with_every_error_and_loads_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = EXAMPLE.read_text(encoding="utf-8")
    bad = bad.replace("date: 2027-10-09", "date: 2027-10-08")  # a Friday
    bad = bad.replace("dates: [2027-06-09]", "dates: [2026-06-09]")  # the wrong year
    path = tmp_path / "2027.yaml"
    path.write_text(bad, encoding="utf-8")
    code, out, err = run(capsys, "load", str(path))
    assert code == 1 and out == ""
    lines = bad.splitlines()
    wrong_year = lines.index("    dates: [2026-06-09]") + 1
    weekday = lines.index("    date: 2027-10-08") + 1
    assert f"第{wrong_year}行：日期2026-06-09不在2027年内" in err
    assert f"第{weekday}行：调休上班日2027-10-08是星期五" in err
    assert not HolidaySchedule.objects.exists()
    code, _, err = run(capsys, "load", "--check", str(path))
    assert code == 1


def test_load_check_validates_without_loading(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "load", "--check", str(EXAMPLE))
    assert code == 0 and "校验通过" in out
    assert not HolidaySchedule.objects.exists()


def test_a_missing_file_exits_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "load", str(tmp_path / "nope.yaml"))
    assert code == 1 and "无法读取文件" in err
