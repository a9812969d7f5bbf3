"""The demo county: a small build through the real collection pipeline, determinism, and the
``demo`` and ``serve`` commands' rules."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.conftest import SPARE_CODE

from xinyong.core import ric, uscc
from xinyong.core.workdays import bundled_calendar
from xinyong.demo.generator import (
    build,
    days_in_words,
    generate_subjects,
    plan_records,
    yuan_in_words,
)
from xinyong.demo.specs import DEPARTMENTS
from xinyong.departments.models import ApiToken, Department, Role, User
from xinyong.ingest.models import Batch, BatchStatus, RowError
from xinyong.records.models import (
    CreditRecord,
    RecordStatus,
    RecordVersion,
    Source,
    VersionAction,
)
from xinyong.subjects.identity import pii_box
from xinyong.subjects.models import Subject, SubjectKind

TODAY = dt.date(2026, 6, 15)


def test_same_seed_same_county() -> None:
    first = generate_subjects(7, 300, TODAY)
    again = generate_subjects(7, 300, TODAY)
    other = generate_subjects(8, 300, TODAY)
    key = [(s.kind, s.name, s.code, s.id_number) for s in first]
    assert key == [(s.kind, s.name, s.code, s.id_number) for s in again]
    assert key != [(s.kind, s.name, s.code, s.id_number) for s in other]
    # names and codes do not depend on the day of the build
    later = generate_subjects(7, 300, TODAY + dt.timedelta(days=400))
    assert [(s.name, s.code, s.id_number) for s in later] == [
        (s.name, s.code, s.id_number) for s in first
    ]


def test_subjects_of_every_kind_with_valid_codes() -> None:
    subjects = generate_subjects(3, 400, TODAY)
    assert len(subjects) >= 400
    assert len({s.name for s in subjects if s.code}) == sum(1 for s in subjects if s.code)
    kinds = Counter(s.kind for s in subjects)
    assert set(kinds) == set(SubjectKind.values)
    prefixes = {s.code[:2] for s in subjects if s.code}
    assert {"11", "12", "51", "52", "53", "91", "92", "93", "N2"} <= prefixes
    for s in subjects:
        if s.code:
            assert uscc.is_valid(s.code), s
            if s.kind == SubjectKind.INDIVIDUAL_BUSINESS:
                assert s.code.startswith("92")
        else:
            assert s.id_number and ric.is_valid(s.id_number, TODAY), s
            assert s.id_number.startswith("330122")
    assert len({s.code or s.id_number for s in subjects}) == len(subjects)


def test_the_plan_is_deterministic_and_its_faulty_rows_are_all_invalid() -> None:
    calendar = bundled_calendar()
    subjects = generate_subjects(5, 300, TODAY)
    plan = plan_records(5, subjects, 800, TODAY, calendar, years=1)
    again = plan_records(5, generate_subjects(5, 300, TODAY), 800, TODAY, calendar, years=1)

    def rows(p):  # type: ignore[no-untyped-def]
        return [
            (key, day, e.row)
            for key, uploads in sorted(p.batches.items())
            for day, events in sorted(uploads.items())
            for e in events
        ]

    assert rows(plan) == rows(again)
    assert plan.decisions == 800
    assert plan.injected["bad"] > 0


def test_amounts_in_words() -> None:
    assert yuan_in_words(200) == "贰佰元整"
    assert yuan_in_words(3050) == "叁仟零伍拾元整"
    assert yuan_in_words(1_000_000) == "壹佰万元整"
    assert yuan_in_words(15_000) == "壹万伍仟元整"
    assert days_in_words(10) == "十"
    assert days_in_words(15) == "十五"


def test_a_small_county_through_the_collection_pipeline(db) -> None:  # type: ignore[no-untyped-def]
    result = build(seed=11, subjects=300, records=1500, password="demo-pw-123", years=1)

    # departments, users and the API token
    assert Department.objects.count() == len(DEPARTMENTS)
    for department in Department.objects.all():
        assert uscc.is_valid(department.code) and department.code.startswith("11330122")
    assert User.objects.filter(role=Role.OPERATOR, username="xyb").exists()
    assert User.objects.filter(role=Role.SUBMITTER).count() == len(DEPARTMENTS)
    assert User.objects.get(username="scjg").check_password("demo-pw-123")
    assert ApiToken.lookup(result.token) is not None

    # subjects of every kind, with valid codes (ID numbers only encrypted)
    assert Subject.objects.count() >= 300
    assert set(Subject.objects.values_list("kind", flat=True)) == set(SubjectKind.values)
    for code in Subject.objects.exclude(uscc=None).values_list("uscc", flat=True):
        assert uscc.is_valid(code), code
    box = pii_box()
    for subject in Subject.objects.filter(kind=SubjectKind.NATURAL):
        assert subject.uscc is None and "*" in subject.id_masked
        assert ric.is_valid(box.decrypt(subject.id_cipher))

    # every decision became a record; both types; some late, most not
    records = CreditRecord.objects.all()
    assert records.count() == result.decisions == 1500
    types = Counter(records.values_list("type_code", flat=True))
    assert types["xzxk"] > types["xzcf"] > 0
    late = records.filter(late=True).count()
    assert 0 < late < records.count() // 2
    assert records.filter(type_code="xzcf", subject__kind=SubjectKind.NATURAL).exists()
    assert records.filter(type_code="xzcf", data__procedure="简易程序").exists()
    assert records.filter(type_code="xzcf", fine_amount__gt=0).exists()

    # batches: monthly per department and type, from the demo source, counts add up
    batches = Batch.objects.all()
    assert batches.exists()
    assert set(batches.values_list("source", flat=True)) == {Source.DEMO}
    assert set(batches.values_list("status", flat=True)) == {BatchStatus.DONE}
    for b in batches:
        assert b.accepted + b.rejected == b.submitted
        assert b.created_at.date() <= dt.date.today()
    assert batches.filter(late__gt=0).exists()

    # faulty rows were rejected, each with a Chinese message
    assert RowError.objects.count() == result.injected["bad"] > 0
    messages = [e["message"] for row in RowError.objects.all() for e in row.errors]
    assert any("不存在" in m for m in messages)  # e.g. 2025-02-30

    # resubmissions keep history; a couple of decisions revoked
    actions = set(RecordVersion.objects.values_list("action", flat=True))
    assert {VersionAction.CREATE, VersionAction.UPDATE, VersionAction.REVOKE} <= actions
    assert records.filter(version__gt=1, status=RecordStatus.ACTIVE).exists()
    revoked = records.filter(status=RecordStatus.REVOKED)
    assert revoked.count() == len(result.revoked) >= 2
    assert all(r.revoked_reason for r in revoked)

    # decision numbers are unique per authority and look like the real ones
    numbers = list(records.values_list("authority_code", "doc_no"))
    assert len(set(numbers)) == len(numbers)
    assert any(n.startswith("示市监处罚〔") for _, n in numbers)

    # government integrity: every department and the townships evaluated for twelve months,
    # warnings and dishonesty items raised by the rules, the latest rankings published
    from xinyong.integrity.models import Evaluation, GovBody, RankingPublication, Warning

    demo = result.integrity
    assert GovBody.objects.count() == demo.bodies == len(DEPARTMENTS) + 10
    assert len(demo.months) == 12 and demo.events > demo.bodies * 10
    assert Evaluation.objects.count() == 12 * demo.bodies
    assert len(set(Evaluation.objects.values_list("grade", flat=True))) > 1
    assert Warning.objects.exists() and demo.dishonest > 0
    assert RankingPublication.objects.count() == demo.published == 6
    assert demo.pledges == 2 * demo.bodies

    # running the command again does not build twice
    call_command("demo", "--no-serve")
    assert CreditRecord.objects.count() == 1500


def test_demo_refuses_a_database_with_other_data(db) -> None:  # type: ignore[no-untyped-def]
    Department.objects.create(name="示范县某局", code=SPARE_CODE)
    with pytest.raises(CommandError, match="--reset"):
        call_command("demo", "--no-serve")
    assert not Batch.objects.exists()


def test_serve_collects_static_files_once_then_starts_waitress(
    settings,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    db,
) -> None:
    import waitress

    settings.STATIC_ROOT = tmp_path / "static"
    calls = []
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: calls.append(kw))
    call_command("serve", "--port", "8123", "--threads", "4")
    assert calls == [{"host": "127.0.0.1", "port": 8123, "threads": 4, "ident": "xinyong"}]
    stamp = settings.STATIC_ROOT / ".xinyong-static.sha256"
    assert stamp.is_file() and any(settings.STATIC_ROOT.rglob("*.css"))

    from xinyong.demo.management.commands.serve import collect_static_if_needed

    assert collect_static_if_needed() is False  # nothing changed: not collected again
    with pytest.raises(CommandError, match="端口"):
        call_command("serve", "--port", "70000")


def test_the_same_seed_gives_the_same_county_in_another_process(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """String hashing differs between processes; the generated county must not."""
    import os
    import subprocess
    import sys

    script = (
        "import datetime as dt, django, json; django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        "from xinyong.demo.generator import build\n"
        "from xinyong.ingest.models import Batch\n"
        "from django.db.models import Sum\n"
        "build(seed=5, subjects=200, records=600, years=1, log=lambda m: None,\n"
        "      now=dt.datetime(2026, 6, 1, 10, tzinfo=dt.timezone.utc))\n"
        "print(json.dumps(Batch.objects.aggregate(Sum('rejected'), Sum('accepted'))))\n"
    )
    outputs = []
    for seed in ("1", "2"):
        data = tmp_path / seed
        env = dict(os.environ, PYTHONHASHSEED=seed, XINYONG_DATA_DIR=str(data))
        env["DJANGO_SETTINGS_MODULE"] = "xinyong.settings"
        env["XINYONG_DATABASE_URL"] = f"sqlite:///{data / 'demo.sqlite3'}"
        done = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        outputs.append(done.stdout.strip().splitlines()[-1])
    assert outputs[0] == outputs[1]


def test_serve_with_several_workers_answers_and_stops_with_its_children(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`xinyong serve --workers 2`: two processes on one port; both stop with the parent."""
    import http.client
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "XINYONG_DATA_DIR": str(tmp_path), "XINYONG_DATABASE_URL": ""}
    subprocess.run([sys.executable, "-m", "xinyong.cli", "migrate", "-v0"], env=env, check=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "xinyong.cli", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 60
        answers = 0
        while answers < 20 and time.time() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/api/v1/ping")
                answers += conn.getresponse().status == 200
                conn.close()
            except OSError:
                time.sleep(0.2)
        assert answers == 20
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
    time.sleep(0.5)
    with socket.socket() as probe:  # no child is left listening
        assert probe.connect_ex(("127.0.0.1", port)) != 0
