"""The demo county 示范县: departments, users, subjects and three years of 双公示 records.

Everything is drawn from a seeded ``random.Random``, so the same seed gives the same county.
Subjects' names and codes depend only on the seed and the number of subjects; decision dates
are laid out over the three years up to the day of the build.

Records go through the real collection pipeline (:class:`xinyong.ingest.pipeline.Ingestion`),
exactly as a department's submissions would: one batch per department, record type and month
(source ``demo``), holding what the department uploaded that month. A department uploads once
a week on its own weekday; each decision reaches the platform on an upload day 1–10 working
days after it was taken, so the slower departments are sometimes late (R-ING-3). Each upload
is one ``Ingestion`` run whose ``now`` is the simulated receipt time. Every batch carries a
few faulty rows (impossible dates, amounts written in words, a wrong check character …) that
are rejected, most of them fixed and resubmitted in a later upload; some decisions are
resubmitted with a change (history), some identically; a few companies change their name; a
couple of decisions are revoked at the end.
"""

from __future__ import annotations

from xinyong.demo.generator.builder import (
    BuildResult,
    build,
)

# Re-exports: the names in ``__all__`` plus the helpers the tests and callers import from here.
# ruff: noqa: F401
from xinyong.demo.generator.common import (
    DEFAULT_PASSWORD,
    INDIVIDUAL,
    LEGAL,
    NATURAL,
    OPERATOR_USERNAME,
    YEARS,
    Days,
    Log,
    cn_date,
    days_in_words,
    nice,
    wan,
    yuan_in_words,
)
from xinyong.demo.generator.planning import (
    CORRUPTIONS,
    DELAYS,
    UPLOAD_DAYS,
    Event,
    Plan,
    plan_records,
)
from xinyong.demo.generator.subjects import (
    MA_SINCE,
    OLDEST,
    SubjectSpec,
    department_code,
    generate_subjects,
)

__all__ = [
    "DEFAULT_PASSWORD",
    "BuildResult",
    "Plan",
    "SubjectSpec",
    "build",
    "generate_subjects",
    "plan_records",
]
