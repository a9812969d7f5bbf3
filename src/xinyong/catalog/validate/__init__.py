"""Header mapping and row validation for a record type, compiled once per type for speed.

A file's header row is matched to the type's fields by label, key and aliases after folding
whitespace, full-width forms and the BOM (:func:`map_headers`). Each row is then checked and
cleaned field by field (:class:`RowValidator`): every error names the field's Chinese label
and says what is wrong in plain Chinese; nothing is altered silently (legacy values that are
mapped produce warnings).

Values are kept as submitted text where they are text: HTML is escaped when rendered, and a
formula-like text (``=1+1``) is never evaluated — :func:`safe_cell` prefixes it with an
apostrophe when it is written back to a spreadsheet.

>>> from xinyong.catalog.model import default_catalog
>>> xzcf = default_catalog().type("xzcf")
>>> result = xzcf.validate_row({"处罚决定日期": "2026-02-30", "罚款金额（万元）": "五千元"})
>>> [str(error) for error in result.errors if error.key in ("decision_date", "fine_amount")]
['罚款金额（万元）：金额“五千元”不是数字', '处罚决定日期：日期“2026-02-30”不存在']
"""

from __future__ import annotations

from xinyong.catalog.validate.converters import (
    Converter,
    Deferred,
    _uscc_is_valid_fast,
)
from xinyong.catalog.validate.headers import (
    HeaderMap,
    map_headers,
)
from xinyong.catalog.validate.rows import (
    RowValidator,
)

# Re-exports: the names in ``__all__`` plus the helpers the tests and callers import from here.
# ruff: noqa: F401
from xinyong.catalog.validate.values import (
    INDIVIDUAL_BUSINESS,
    NATURAL_PERSON,
    ORGANISATION,
    RESIDENT_ID,
    FieldError,
    RowResult,
    ValidationContext,
    parse_date,
    safe_cell,
)

__all__ = [
    "FieldError",
    "HeaderMap",
    "RowResult",
    "RowValidator",
    "ValidationContext",
    "map_headers",
    "parse_date",
    "safe_cell",
]
