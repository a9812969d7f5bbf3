"""The catalog of credit information (公共信用信息目录) as data: record types, fields, code lists.

Record types are declared in YAML files (``data/*.yaml``), in the manner of followthemoney's
schema files, and loaded and checked here. Every problem found while loading raises
:class:`CatalogError` naming the file, the line and the reason in Chinese, so that a county
adding a local type (地方补充目录) sees exactly what to fix.

A directory holds files of two shapes: a file with a top-level ``codelists`` mapping (code
lists), and a file describing one record type (top-level ``code``) or several (``types``). A
type may ``extends`` another (``xzcf`` or ``xzcf@2018.1``): it copies the base and adds fields,
roles and checks, as a new version of the same type (or as a new type, when it names its own
``code``). Several versions of a type coexist; :meth:`Catalog.type` picks the latest one in
force, or the one asked for.

>>> catalog = default_catalog()
>>> xzcf = catalog.type("xzcf")
>>> xzcf.name, xzcf.version, xzcf.polarity
('行政处罚', '2018.1', '失信')
>>> xzcf.role_field("fine_amount").label
'罚款金额（万元）'
"""

from __future__ import annotations

from xinyong.catalog.model.errors import CatalogError
from xinyong.catalog.model.loader import (
    DATA_DIR,
    ENV_DIRS,
    catalog_dirs,
    default_catalog,
    load_catalog,
    reset_default_catalog,
)
from xinyong.catalog.model.types import (
    CHECK_RULES,
    DISCLOSURES,
    FIELD_TYPES,
    POLARITIES,
    ROLES,
    Catalog,
    Check,
    CodeList,
    CodeMapping,
    CodeValue,
    Field,
    RecordType,
    normalise_header,
    normalise_value,
)

__all__ = [
    "CHECK_RULES",
    "DATA_DIR",
    "DISCLOSURES",
    "ENV_DIRS",
    "FIELD_TYPES",
    "POLARITIES",
    "ROLES",
    "Catalog",
    "CatalogError",
    "Check",
    "CodeList",
    "CodeMapping",
    "CodeValue",
    "Field",
    "RecordType",
    "catalog_dirs",
    "default_catalog",
    "load_catalog",
    "normalise_header",
    "normalise_value",
    "reset_default_catalog",
]
