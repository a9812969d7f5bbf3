"""JSON errors for the API: a machine code and a Chinese message (DESIGN "Contracts").

Every error answer has the shape ``{"code": "forbidden", "message": "中文说明"}``, plus
``"detail"`` where there is more to say (the field errors of a 422)::

    401 unauthorized     no credentials, or a bad / revoked token, or an inactive user
    403 forbidden        PermissionDenied (its message says why), CSRF failure
    404 not_found        Http404, DoesNotExist
    422 invalid          request validation (pydantic), django ValidationError, invalid code
    429 throttled

Services raise ``ApiError(status, code, message, detail=…)`` for anything else.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from xinyong.core.exceptions import InvalidCode
from xinyong.keys import beyond_any_key

__all__ = ["ApiError", "error_response", "install_error_handlers", "translate_validation_error"]

#: machine codes by HTTP status, for errors that do not name their own
STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "throttled",
}
#: Chinese messages by HTTP status, for errors whose own message is a library's English default
STATUS_MESSAGES = {
    400: "请求有误",
    401: "令牌无效或已吊销",
    403: "无权执行此操作",
    404: "未找到所请求的资源",
    405: "不支持此请求方法",
    409: "与现有数据冲突",
    413: "请求内容过大",
    422: "请求数据有误",
    429: "请求过于频繁，请稍后再试",
}
MISSING_CREDENTIALS = "需要身份认证：请登录，或在请求头提供“Authorization: Bearer <接口令牌>”"
BAD_TOKEN = "令牌无效或已吊销"  # noqa: S105 - a message, not a secret


class ApiError(HttpError):
    """An error with a machine ``code``, a Chinese ``message`` and optional ``detail``."""

    def __init__(self, status_code: int, code: str, message: str, detail: Any = None) -> None:
        super().__init__(status_code, message)
        self.code = code
        self.detail = detail


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    detail: Any = None,
) -> HttpResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if detail is not None:
        body["detail"] = detail
    response = api.create_response(request, body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="xinyong"'
    return response


# -- validation messages --------------------------------------------------------------------

_LOCATIONS = {
    "body": "请求体",
    "query": "查询参数",
    "path": "路径参数",
    "header": "请求头",
    "cookie": "Cookie",
    "form": "表单",
    "file": "文件",
}

_MESSAGES = {
    "missing": "缺少必填项",
    "string_type": "应为字符串",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "decimal_type": "应为数字",
    "decimal_parsing": "应为数字",
    "decimal_max_digits": "数字位数过多（最多{max_digits}位）",
    "decimal_max_places": "小数位数过多（最多{decimal_places}位）",
    "bool_type": "应为布尔值（true/false）",
    "bool_parsing": "应为布尔值（true/false）",
    "date_type": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "datetime_type": "应为时间（ISO 8601）",
    "datetime_parsing": "应为时间（ISO 8601）",
    "datetime_from_date_parsing": "应为时间（ISO 8601）",
    "string_too_short": "长度不能少于{min_length}个字符",
    "string_too_long": "长度不能超过{max_length}个字符",
    "too_short": "至少应有{min_length}项",
    "too_long": "至多只能有{max_length}项",
    "greater_than": "应大于{gt}",
    "greater_than_equal": "应不小于{ge}",
    "less_than": "应小于{lt}",
    "less_than_equal": "应不大于{le}",
    "literal_error": "应为以下值之一：{expected}",
    "enum": "应为以下值之一：{expected}",
    "string_pattern_mismatch": "格式不符合要求",
    "json_invalid": "不是有效的 JSON",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "list_type": "应为列表",
    "uuid_parsing": "应为 UUID",
    "uuid_type": "应为 UUID",
    "url_parsing": "应为有效的网址",
    "extra_forbidden": "不允许的字段",
}

_VALUE_ERROR_PREFIX = re.compile(r"^(Value error|Assertion failed), ?")


def _error_message(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    template = _MESSAGES.get(kind)
    if template is not None:
        try:
            return template.format(**(error.get("ctx") or {}))
        except (KeyError, IndexError, ValueError):
            return template.split("{")[0].rstrip("（：")
    # custom validators raise ValueError with (ideally Chinese) messages
    return _VALUE_ERROR_PREFIX.sub("", str(error.get("msg", ""))) or "值无效"


def _error_field(loc: list[Any]) -> tuple[str, str]:
    """(where, field) of a pydantic location such as ['body', 'payload', 'name']."""
    if not loc:
        return "", ""
    where = _LOCATIONS.get(str(loc[0]), "")
    rest = [str(part) for part in (loc[1:] if where else loc)]
    if where in ("请求体", "表单") and len(rest) > 1:
        rest = rest[1:]  # drop the view's parameter name
    return where, ".".join(rest)


def translate_validation_error(errors: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """A Chinese summary and per-field details for a list of pydantic errors."""
    detail = []
    for error in errors:
        loc = list(error.get("loc") or [])
        _where, field = _error_field(loc)
        message = _error_message(error)
        detail.append(
            {
                "loc": loc,
                "field": field,
                "type": error.get("type", ""),
                "message": message,
            }
        )
    parts = [
        f"{_LOCATIONS.get(str(item['loc'][0]), '') if item['loc'] else ''}"
        f"{'“' + item['field'] + '”' if item['field'] else ''}{item['message']}"
        for item in detail[:5]
    ]
    more = f"等（共{len(detail)}处）" if len(detail) > 5 else ""
    summary = "请求数据有误：" + "；".join(parts) + more if parts else "请求数据有误"
    return summary, detail


# -- handlers --------------------------------------------------------------------------------


def install_error_handlers(api: NinjaAPI) -> None:
    """Answer every known error of ``api`` in JSON with a Chinese message."""

    def on_authentication(request: HttpRequest, exc: Any) -> HttpResponse:
        message = BAD_TOKEN if request.headers.get("Authorization") else MISSING_CREDENTIALS
        return error_response(api, request, 401, "unauthorized", message)

    def on_permission_denied(request: HttpRequest, exc: Any) -> HttpResponse:
        from xinyong.departments.permissions import ensure_denial_recorded

        ensure_denial_recorded(exc)
        message = str(exc) or STATUS_MESSAGES[403]
        return error_response(api, request, 403, "forbidden", message)

    def on_not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        message = str(exc)
        # Django's own messages ("No Department matches the given query.") are English.
        if not message or message.isascii():
            message = STATUS_MESSAGES[404]
        return error_response(api, request, 404, "not_found", message)

    def on_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        message, detail = translate_validation_error(list(exc.errors))
        return error_response(api, request, 422, "invalid", message, detail)

    def on_django_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            detail = [
                {"field": field, "message": message}
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            detail = [{"field": "", "message": message} for message in exc.messages]
        summary = "；".join(
            f"“{item['field']}”{item['message']}"
            if item["field"] and item["field"] != "__all__"
            else item["message"]
            for item in detail[:5]
        )
        return error_response(api, request, 422, "invalid", f"数据有误：{summary}", detail)

    def on_invalid_code(request: HttpRequest, exc: Any) -> HttpResponse:
        detail = [{"part": exc.part, "message": exc.message}]
        return error_response(api, request, 422, "invalid_code", exc.message, detail)

    def on_throttled(request: HttpRequest, exc: Any) -> HttpResponse:
        response = error_response(api, request, 429, "throttled", STATUS_MESSAGES[429])
        if exc.wait:
            response["Retry-After"] = str(int(exc.wait))
        return response

    def on_http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        status = exc.status_code
        code = getattr(exc, "code", None) or STATUS_CODES.get(status, "error")
        message = str(exc)
        if not message or message.isascii():
            message = STATUS_MESSAGES.get(status, message or "请求失败")
        return error_response(api, request, status, code, message, getattr(exc, "detail", None))

    api.add_exception_handler(AuthenticationError, on_authentication)
    api.add_exception_handler(DjangoPermissionDenied, on_permission_denied)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(ObjectDoesNotExist, on_not_found)
    api.add_exception_handler(NinjaValidationError, on_validation)
    api.add_exception_handler(DjangoValidationError, on_django_validation)
    api.add_exception_handler(InvalidCode, on_invalid_code)
    api.add_exception_handler(Throttled, on_throttled)
    api.add_exception_handler(HttpError, on_http_error)

    def on_beyond_any_key(request: HttpRequest, exc: Any) -> HttpResponse:
        if not beyond_any_key(exc):
            raise exc
        return error_response(api, request, 404, "not_found", "编号超出范围，没有对应的记录")

    api.add_exception_handler(OverflowError, on_beyond_any_key)
    api.add_exception_handler(DataError, on_beyond_any_key)
