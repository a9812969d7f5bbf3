"""Writing it all through the platform's own services: the ``build`` entry point."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from xinyong.core import ric
from xinyong.demo.generator.common import (
    DEFAULT_PASSWORD,
    OPERATOR_USERNAME,
    YEARS,
    Log,
)
from xinyong.demo.generator.planning import (
    plan_records,
)
from xinyong.demo.generator.subjects import (
    SubjectSpec,
    department_code,
    generate_subjects,
)
from xinyong.demo.specs import DEPARTMENTS


@dataclass
class BuildResult:
    seed: int
    elapsed: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)
    users: list[tuple[str, str, str]] = field(default_factory=list)  # username, role, department
    password: str = DEFAULT_PASSWORD
    token: str = ""
    token_user: str = ""
    decisions: int = 0
    injected: Counter[str] = field(default_factory=Counter)
    revoked: list[str] = field(default_factory=list)
    renamed: int = 0
    lists: dict[str, int] = field(default_factory=dict)  # entries by list code
    integrity: Any = None  # IntegrityDemo


def _upload_time(rng: random.Random, day: dt.date, now: dt.datetime) -> dt.datetime:
    from django.utils import timezone

    tz = timezone.get_current_timezone()
    minutes = rng.randint(8 * 60 + 40, 17 * 60 + 20)
    when = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60, rng.randint(0, 59)), tz)
    latest = now - dt.timedelta(minutes=1)
    return min(when, latest)


def build(
    *,
    seed: int = 2026,
    subjects: int = 20000,
    records: int = 100000,
    password: str = DEFAULT_PASSWORD,
    years: int = YEARS,
    now: dt.datetime | None = None,
    log: Log | None = None,
) -> BuildResult:
    """Create the demo county in the current (empty) database: ``subjects`` subjects and
    ``records`` decisions over the last ``years`` years, submitted month by month."""
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.password_validation import validate_password
    from django.db import transaction
    from django.utils import timezone

    from xinyong.audit.models import AuditAction
    from xinyong.audit.services import record as audit
    from xinyong.departments.models import Department, Role, User
    from xinyong.departments.services import add_department, add_user, issue_token
    from xinyong.ingest.models import Batch
    from xinyong.ingest.pipeline import Ingestion
    from xinyong.ingest.services import _finish, _new_batch, record_type, revoke_record
    from xinyong.records.models import CreditRecord, RecordStatus, Source
    from xinyong.subjects.models import Subject, SubjectName
    from xinyong.workdays.services import get_calendar

    say = log or (lambda message: None)
    started = time.monotonic()
    now = now or timezone.now()
    today = timezone.localdate(now)
    result = BuildResult(seed=seed, password=password)
    actor = "演示数据"
    debug = settings.DEBUG
    settings.DEBUG = False  # no query log while writing a hundred thousand rows
    try:
        validate_password(password)

        # departments and users -----------------------------------------------------
        t0 = time.monotonic()
        departments: list[Department] = []
        for i, spec in enumerate(DEPARTMENTS):
            department, _ = add_department(
                name=spec.name, code=department_code(i), short_name=spec.short, actor=actor
            )
            departments.append(department)
        # Accounts are created through the department services (each one audited), then all
        # given the demo password, hashed once (hashing is deliberately slow).
        users: list[User] = []
        operator, _ = add_user(OPERATOR_USERNAME, role=Role.OPERATOR, actor=actor)
        accounts = [(operator, "信用办")]
        result.users.append((OPERATOR_USERNAME, "信用办管理员", "示范县信用办"))
        for spec, department in zip(DEPARTMENTS, departments, strict=True):
            user, _ = add_user(
                spec.username, role=Role.SUBMITTER, department_code=department.code, actor=actor
            )
            users.append(user)
            accounts.append((user, spec.short))
            result.users.append((spec.username, "部门报送员", spec.name))
        hashed = make_password(password)
        for user, label in accounts:
            user.password = hashed
            user.first_name = label
            user.save(update_fields=["password", "first_name"])
        audit(
            actor,
            AuditAction.UPDATE,
            f"为{len(accounts)}个演示账号设置统一的演示密码",
            detail={"users": [user.username for user, _ in accounts]},
        )
        market = DEPARTMENTS.index(next(d for d in DEPARTMENTS if d.key == "scjg"))
        _, raw = issue_token(users[market].username, name="演示：市场监管业务系统对接", actor=actor)
        result.token, result.token_user = raw, users[market].username
        result.stages["部门与用户"] = time.monotonic() - t0

        # subjects --------------------------------------------------------------------
        t0 = time.monotonic()
        specs = generate_subjects(seed, subjects, today, years)
        say(f"生成信用主体 {len(specs):,} 个 …")
        calendar = get_calendar()
        plan = plan_records(seed, specs, records, today, calendar, years)
        result.decisions = plan.decisions
        result.injected = plan.injected
        result.renamed = len(plan.renamed)
        _store_subjects(specs, Subject, SubjectName, now)
        result.stages["信用主体"] = time.monotonic() - t0

        # records, batch by batch ------------------------------------------------------
        t0 = time.monotonic()
        rng = random.Random(f"xinyong-demo:{seed}:uploads")
        types = {code: record_type(code) for code in ("xzxk", "xzcf")}
        keys = sorted(plan.batches)
        rename_times: dict[str, dt.datetime] = {}
        say(f"按月报送 {plan.decisions:,} 条行政许可、行政处罚决定（{len(keys):,} 个批次）…")
        step = max(1, len(keys) // 10)
        for n, key in enumerate(keys, start=1):
            month, dept_index, type_code = key
            rt = types[type_code]
            submitter = users[dept_index]
            batch = _new_batch(submitter, departments[dept_index], rt, Source.DEMO)
            row_number = 0
            warnings: set[str] = set()
            first: dt.datetime | None = None
            ingestion = None
            for day, events in sorted(plan.batches[key].items()):
                when = _upload_time(rng, day, now)
                first = first or when
                rows = []
                for e in events:
                    row_number += 1
                    rows.append((row_number, e.row))
                    s = e.subject
                    if s.new_name and e.row["subject_name"] == s.new_name and s.code:
                        rename_times.setdefault(s.code, when)
                ingestion = Ingestion(batch, rt, calendar, now=when)
                ingestion.feed(rows)
                warnings |= ingestion.warnings
                last = when
            assert ingestion is not None and first is not None
            ingestion.warnings = warnings
            _finish(batch, ingestion, submitter)
            Batch.objects.filter(pk=batch.pk).update(
                created_at=first, started_at=first, finished_at=last
            )
            if n % step == 0 or n == len(keys):
                y, m = plan.months[month]
                took = time.monotonic() - t0
                say(f"  {n:,}/{len(keys):,} 个批次（已到 {y} 年 {m} 月），用时 {took:.0f} 秒")
        result.stages["归集记录"] = time.monotonic() - t0

        # name changes keep the simulated dates; a couple of decisions revoked ----------
        t0 = time.monotonic()
        with transaction.atomic():
            for code, when in rename_times.items():
                names = SubjectName.objects.filter(subject__uscc=code)
                names.filter(valid_to__isnull=True).update(valid_from=when)
                names.filter(valid_to__isnull=False, valid_to__gt=when).update(valid_to=when)
        pick = random.Random(f"xinyong-demo:{seed}:revoke")
        reasons = (
            ("xzcf", "经行政复议，示范县人民政府决定撤销该行政处罚决定，责令重新作出处理"),
            ("xzcf", "经人民法院判决撤销该行政处罚决定"),
            (
                "xzxk",
                "被许可人以欺骗手段取得行政许可，依据《中华人民共和国行政许可法》第六十九条第二款予以撤销",
            ),
        )
        for type_code, reason in reasons:
            candidates = list(
                CreditRecord.objects.filter(type_code=type_code, status=RecordStatus.ACTIVE)
                .order_by("pk")
                .values_list("pk", flat=True)[:2000]
            )
            if not candidates:
                continue
            record = CreditRecord.objects.get(pk=pick.choice(candidates))
            revoke_record(None, record, reason, actor=actor)
            result.revoked.append(record.doc_no)
        result.stages["撤销与更名"] = time.monotonic() - t0

        # lists: criteria, local entries, national files through the importer ---------------
        t0 = time.monotonic()
        from xinyong.demo.generator.lists import build_lists

        by_key = {spec.key: d for spec, d in zip(DEPARTMENTS, departments, strict=True)}
        result.lists = build_lists(seed, specs, by_key, today, say)
        result.stages["红黑名单"] = time.monotonic() - t0

        # government integrity: bodies, archive, arrears, evaluations, rankings -------------
        t0 = time.monotonic()
        from xinyong.demo.generator.integrity import build_integrity

        result.integrity = build_integrity(seed, departments, operator, today, say)
        result.stages["政务诚信"] = time.monotonic() - t0
    finally:
        settings.DEBUG = debug
    result.elapsed = time.monotonic() - started
    return result


def _store_subjects(
    specs: list[SubjectSpec], Subject: Any, SubjectName: Any, now: dt.datetime
) -> None:
    """Subjects as the registration data knows them, before any record arrives."""
    from django.utils import timezone

    from xinyong.core import pinyin
    from xinyong.subjects.identity import pii_box

    box = pii_box()
    tz = timezone.get_current_timezone()
    objs = []
    since = []
    for s in specs:
        subject = Subject(kind=s.kind, name=s.name, name_pinyin=pinyin.key(s.name))
        if s.id_number:
            subject.id_hash = box.lookup_hash(s.id_number)
            subject.id_cipher = box.encrypt(s.id_number)
            subject.id_masked = ric.mask(s.id_number)
        else:
            subject.uscc = s.code
        objs.append(subject)
        day = s.established or dt.date(2016, 1, 1)
        since.append(min(dt.datetime.combine(day, dt.time(9, 0), tz), now))
    Subject.objects.bulk_create(objs, batch_size=1000)
    SubjectName.objects.bulk_create(
        [
            SubjectName(subject=o, name=o.name, valid_from=when, source="演示数据：登记信息")
            for o, when in zip(objs, since, strict=True)
        ],
        batch_size=1000,
    )
