"""The ``xinyong`` command as a user runs it: a separate process, its output and exit status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    data = tmp_path_factory.mktemp("cli")
    environ = dict(os.environ)
    environ["XINYONG_DATA_DIR"] = str(data)
    # Always a private SQLite file: these tests run the real command against its own database.
    environ["XINYONG_DATABASE_URL"] = f"sqlite:///{data / 'cli.sqlite3'}"
    subprocess.run([*XINYONG, "migrate", "-v0"], env=environ, check=True)
    return environ


XINYONG = [sys.executable, "-m", "xinyong.cli"]


def xinyong(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*XINYONG, *args], env=env, capture_output=True, text=True)


def test_check_code_exits_0_when_every_code_is_valid(env: dict[str, str]) -> None:
    done = xinyong(env, "check-code", "91350100M000100Y43", "11010519491231002X")
    assert done.returncode == 0
    assert done.stdout.count("有效") == 2


def test_check_code_exits_1_and_names_the_wrong_part(env: dict[str, str]) -> None:
    done = xinyong(env, "check-code", "--json", "91350100M000100Y44")
    assert done.returncode == 1
    [result] = json.loads(done.stdout)
    assert result["valid"] is False
    assert result["kind"] == "uscc"
    assert any("第18位" in e for e in result["errors"])


def test_check_code_accepts_every_real_code(env: dict[str, str]) -> None:
    codes = (Path(__file__).parent / "data" / "real-uscc.txt").read_text().split()
    done = xinyong(env, "check-code", *codes)
    assert done.returncode == 0, done.stdout


def test_workdays_add_skips_the_national_day_week(env: dict[str, str]) -> None:
    done = xinyong(env, "workdays", "add", "2025-09-30", "1")
    assert (done.returncode, done.stdout.strip()) == (0, "2025-10-09")


def test_workdays_refuses_a_year_without_a_schedule(env: dict[str, str]) -> None:
    done = xinyong(env, "workdays", "add", "2027-03-01", "3")
    assert done.returncode == 1
    assert "2027年" in done.stderr


def test_a_broken_catalog_stops_start_up_with_file_line_and_reason(
    env: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "local.yaml").write_text(
        "code: bad\nname: 坏类型\nversion: '1'\neffective_from: 2026-01-01\n"
        "fields:\n  - key: a\n    label: 甲\n    type: datee\n",
        encoding="utf-8",
    )
    done = xinyong({**env, "XINYONG_CATALOG_DIRS": str(tmp_path)}, "check")
    assert done.returncode != 0
    assert "local.yaml" in done.stderr
    assert "datee" in done.stderr
