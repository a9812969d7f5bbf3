"""Recruit-check fixtures: a second operator, a unit's persons, and list entries they match.

- ``LISTED_ID``: a natural person (subject) on the local serious-dishonesty list;
- ``MASKED_ID``: a person on the national 失信被执行人 list, published with the number masked;
- ``RED_ID``: a person only on the red list (which never counts);
- ``CLEAR_ID``: on no list.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from xinyong.core import ric
from xinyong.departments.models import Role, User
from xinyong.lists.models import EntrySource, ListEntry
from xinyong.lists.services import name_key
from xinyong.subjects.identity import pii_box
from xinyong.subjects.models import Subject, SubjectKind

LISTED_ID = "330102199001010012"
MASKED_ID = "330102198512120024"
RED_ID = "330102197007070033"
CLEAR_ID = "330102199505050042"


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path: Path, schedule_for_today) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture
def operator2(db) -> User:  # type: ignore[no-untyped-def]
    """A second operator of the credit office, for the second review (复核)."""
    return User.objects.create_user(
        "xyb2", password="pw-operator-2", role=Role.OPERATOR, is_staff=True
    )


def _person(name: str, number: str) -> Subject:
    box = pii_box()
    return Subject.objects.create(
        kind=SubjectKind.NATURAL,
        name=name,
        id_hash=box.lookup_hash(number),
        id_cipher=box.encrypt(number),
        id_masked=ric.mask(number),
    )


def _entry(list_code: str, subject: Subject | None, name: str, code: str, key: str) -> ListEntry:
    return ListEntry.objects.create(
        list_code=list_code,
        rules_version="2026.1",
        subject=subject,
        listed_name=name,
        listed_code=code,
        name_key=name_key(name),
        entry_key=key,
        reason="拒不履行生效法律文书确定义务（秘密事由）",
        authority_name="示范县人民法院",
        doc_no="(2026)浙0101执99号",
        start_date=dt.date(2026, 2, 1),
        source=EntrySource.IMPORT,
    )


@pytest.fixture
def entries(db) -> dict[str, ListEntry]:  # type: ignore[no-untyped-def]
    listed = _person("张三", LISTED_ID)
    red = _person("王五", RED_ID)
    return {
        "serious": _entry("serious", listed, "张三", listed.id_masked, "s-1"),
        "masked": _entry("sxbzxr", None, "李四", ric.mask(MASKED_ID), "m-1"),
        "red": _entry("red", red, "王五", red.id_masked, "r-1"),
    }
