"""Decide whether a code is a 统一社会信用代码 or a 居民身份证号码, and check it.

An 18-digit ID number can pass the 统一社会信用代码 check and the other way
round, so the kind is decided like this:

* 18 characters, the first 17 digits and the last a digit or X: a valid
  居民身份证号码 is reported as ``ric`` (with a warning if it is also a valid
  统一社会信用代码); else a valid 统一社会信用代码 as ``uscc``; if both fail, the
  errors of the more plausible one are reported — ``ric`` when positions
  7-14 hold a plausible birth date, or when the address code is right while
  the 统一社会信用代码 department/category/region is wrong; else ``uscc``;
* other 18-character codes: ``uscc``;
* 15 digits: a legacy ``ric``;
* any other length: ``unknown``.

>>> result = check_code('91350100M000100Y43')
>>> result['valid'], result['kind'], result['errors']
(True, 'uscc', [])
>>> format_line(result)
'91350100M000100Y43 有效 统一社会信用代码（工商/企业，行政区划350100）'
>>> format_line(check_code('91350100M000100Y44'))
'91350100M000100Y44 无效：第18位校验码应为“3”，实为“4”'
>>> format_line(check_code('11010519491231002X'))
'11010519491231002X 有效 居民身份证号码（女，出生1949-12-31，地址码110105 北京市朝阳区）'
"""

from __future__ import annotations

import datetime
from typing import Any

from xinyong.core import ric, uscc

__all__ = ["KIND_LABELS", "check_code", "format_line"]

#: Chinese names of the kinds returned by check_code().
KIND_LABELS = {
    "uscc": "统一社会信用代码",
    "ric": "居民身份证号码",
    "unknown": "未知代码",
}

_PLAUSIBLE_BIRTH_YEAR = 1900
_ALSO_USCC_WARNING = "该号码同时符合统一社会信用代码的校验规则，请核对主体类型"
_LENGTH_MESSAGE = "长度为{length}位：统一社会信用代码和居民身份证号码应为18位（旧身份证号码为15位）"


def _result(
    code: str, kind: str, result: uscc.USCCResult | ric.RICResult, warnings: list[str] | None = None
) -> dict[str, Any]:
    return {
        "code": code,
        "valid": result.valid,
        "kind": kind,
        "errors": result.messages,
        "warnings": [*result.warnings, *(warnings or [])],
        "parts": dict(result.parts),
    }


def _looks_like_ric(number: str) -> bool:
    return (
        len(number) == 18
        and number[:17].isascii()
        and number[:17].isdigit()
        and (number[17] == "X" or (number[17].isascii() and number[17].isdigit()))
    )


def _prefer_ric(ric_result: ric.RICResult, uscc_result: uscc.USCCResult) -> bool:
    """Which errors to report for an 18-digit code that is neither kind."""
    birth = ric_result.birth_date
    if birth is not None and birth.year >= _PLAUSIBLE_BIRTH_YEAR:
        return True
    # no plausible birth date: still an ID number if its address code is right while the
    # 统一社会信用代码 structure (department, category, region) is wrong
    uscc_structure_wrong = any(
        error.part not in ("check", "org_check") for error in uscc_result.errors
    )
    address_right = all(error.part != "address" for error in ric_result.errors)
    return uscc_structure_wrong and address_right


def check_code(code: str, today: datetime.date | None = None) -> dict[str, Any]:
    """Check one code and return a JSON-ready dict.

    Keys: ``code`` (compacted), ``valid``, ``kind`` (``uscc``, ``ric`` or
    ``unknown``), ``errors`` and ``warnings`` (Chinese sentences) and ``parts``.

    >>> check_code('１２３')['kind'], check_code('１２３')['errors']
    ('unknown', ['长度为3位：统一社会信用代码和居民身份证号码应为18位（旧身份证号码为15位）'])
    >>> check_code('110105491231002')['kind']
    'ric'
    """
    number = uscc.compact(code)
    if len(number) == 18:
        uscc_result = uscc.explain(number)
        if not _looks_like_ric(number):
            return _result(number, "uscc", uscc_result)
        ric_result = ric.explain(number, today)
        if ric_result.valid:
            also = [_ALSO_USCC_WARNING] if uscc_result.valid else []
            return _result(number, "ric", ric_result, also)
        if uscc_result.valid:
            return _result(number, "uscc", uscc_result)
        if _prefer_ric(ric_result, uscc_result):
            return _result(number, "ric", ric_result)
        return _result(number, "uscc", uscc_result)
    if len(number) == 15 and number.isascii() and number.isdigit():
        return _result(number, "ric", ric.explain(number, today))
    message = _LENGTH_MESSAGE.format(length=len(number)) if number else "代码为空"
    return {
        "code": number,
        "valid": False,
        "kind": "unknown",
        "errors": [message],
        "warnings": [],
        "parts": {},
    }


def _describe_uscc(parts: dict[str, Any]) -> str:
    department = parts.get("department") or {}
    category = parts.get("category") or {}
    return (
        f"{KIND_LABELS['uscc']}（{department.get('name')}/{category.get('name')}，"
        f"行政区划{parts.get('region')}）"
    )


def _describe_ric(parts: dict[str, Any]) -> str:
    details: list[str] = []
    if parts.get("sex"):
        details.append(str(parts["sex"]))
    if parts.get("birth_date"):
        details.append(f"出生{parts['birth_date']}")
    address = parts.get("address") or {}
    if address.get("code"):
        name = f" {address['name']}" if address.get("name") else ""
        details.append(f"地址码{address['code']}{name}")
    return f"{KIND_LABELS['ric']}（{'，'.join(details)}）"


def format_line(result: dict[str, Any], *, mask_id: bool = False) -> str:
    """One Chinese line for a check_code() result.

    With ``mask_id`` the code of an ID number is shown masked (see ric.mask);
    the messages may still quote parts of it.

    >>> format_line(check_code('11010519491231002X'), mask_id=True)[:18]
    '1101**********002X'
    >>> format_line(check_code(''))
    '（空） 无效：代码为空'
    """
    code = result["code"]
    if mask_id and result["kind"] == "ric":
        code = ric.mask(code)
    shown = code or "（空）"
    if not result["valid"]:
        line = f"{shown} 无效：{'；'.join(result['errors'])}"
    elif result["kind"] == "uscc":
        line = f"{shown} 有效 {_describe_uscc(result['parts'])}"
    else:
        line = f"{shown} 有效 {_describe_ric(result['parts'])}"
    if result["warnings"]:
        line += f"；提示：{'；'.join(result['warnings'])}"
    return line
