"""Exceptions shared by the code validators (统一社会信用代码, 居民身份证号码).

Every exception carries a Chinese ``message`` that names the wrong part, and a
``part`` naming which part of the code is wrong, so callers can show or
highlight it.

>>> error = InvalidChecksum("第18位校验码应为“X”，实为“3”", part="check")
>>> isinstance(error, ValueError), error.part, str(error)
(True, 'check', '第18位校验码应为“X”，实为“3”')
"""

from __future__ import annotations


class InvalidCode(ValueError):
    """A code is not valid.

    ``message`` is a Chinese sentence naming the wrong part; ``part`` is a
    machine-readable name of that part, for example ``"length"``,
    ``"charset"``, ``"department"``, ``"category"``, ``"region"``,
    ``"org_check"``, ``"address"``, ``"birth_date"`` or ``"check"``.
    """

    default_message = "代码无效"
    default_part = "code"

    def __init__(self, message: str | None = None, part: str | None = None) -> None:
        self.message: str = message or self.default_message
        self.part: str = part or self.default_part
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, part={self.part!r})"

    def __eq__(self, other: object) -> bool:
        return (
            type(other) is type(self)
            and isinstance(other, InvalidCode)
            and (other.message, other.part) == (self.message, self.part)
        )

    def __hash__(self) -> int:
        return hash((type(self), self.message, self.part))


class InvalidLength(InvalidCode):
    """The code has the wrong number of characters."""

    default_message = "长度错误"
    default_part = "length"


class InvalidFormat(InvalidCode):
    """The code contains characters not allowed at their position."""

    default_message = "含有不允许的字符"
    default_part = "charset"


class InvalidComponent(InvalidCode):
    """A part of the code (department, category, region, birth date…) is not valid."""

    default_message = "某一组成部分无效"


class InvalidChecksum(InvalidCode):
    """A check character does not match."""

    default_message = "校验码错误"
    default_part = "check"


class CodeTableError(RuntimeError):
    """A code table (a data file shipped with the platform) is malformed."""
