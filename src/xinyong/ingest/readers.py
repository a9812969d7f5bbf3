"""Reading submitted files as a header and a stream of rows, whatever office produced them.

Chinese offices send .xlsx, old .xls and CSV saved by Excel in GBK (GB18030 is its superset),
or UTF-8 with or without a BOM. The reader decides by content, never by the file name, and
refuses what is not a spreadsheet before a single row is looked at (R-SEC-4).

Memory stays bounded: CSV is decoded incrementally; small workbooks are read with calamine
(fast, but it holds the sheet in memory); workbooks above ``CALAMINE_MAX_BYTES`` are streamed
with openpyxl's read-only parser (see docs/decisions/0003-streaming-spreadsheets.md).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CALAMINE_MAX_BYTES = 16 * 1024 * 1024
SNIFF_BYTES = 64 * 1024

Cell = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None


class FileRejected(ValueError):
    """The whole file is refused; ``message`` is shown to the submitter as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Sheet:
    format: str  # "xlsx", "xls" or "csv"
    encoding: str  # for CSV: the detected encoding; "" otherwise
    headers: list[str]
    rows: Iterator[tuple[int, list[Cell]]]  # (row number as the submitter sees it, cells)
    notes: list[str] = field(default_factory=list)


def sniff_format(head: bytes) -> str:
    if not head:
        raise FileRejected("文件为空")
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    if head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"Rar!", b"\x1f\x8b")):
        raise FileRejected("文件不是电子表格：请上传 .xlsx、.xls 或 .csv 文件")
    if b"\x00" in head:
        raise FileRejected("文件不是电子表格：请上传 .xlsx、.xls 或 .csv 文件")
    return "csv"


def detect_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM) when the bytes decode as UTF-8, else GB18030 (GBK's superset).

    >>> detect_encoding("名称".encode("gbk"))
    'gb18030'
    >>> detect_encoding(codecs.BOM_UTF8 + "名称".encode())
    'utf-8-sig'
    >>> detect_encoding("名称".encode())
    'utf-8'
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the sniff window is still UTF-8.
        if exc.start >= len(head) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"
    try:
        head.decode("gb18030")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 1:
            raise FileRejected("无法识别文件编码：CSV 文件应为 UTF-8 或 GBK/GB18030 编码") from None
    return "gb18030"


def _is_blank(cells: list[Cell]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _headers(first: list[Cell]) -> list[str]:
    return ["" if c is None else str(c).strip().lstrip("\ufeff") for c in first]


def _number_rows(rows: Iterator[list[Cell]], start: int) -> Iterator[tuple[int, list[Cell]]]:
    for number, cells in enumerate(rows, start=start):
        if not _is_blank(cells):
            yield number, cells


def _first_row(rows: Iterator[list[Cell]]) -> tuple[list[str], int]:
    """The header is the first non-blank row; returns it with its 1-based row number."""
    for number, cells in enumerate(rows, start=1):
        if not _is_blank(cells):
            return _headers(cells), number
    raise FileRejected("文件没有表头和数据：请使用目录模板填写后上传")


def read_csv(path: Path) -> Sheet:
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    encoding = detect_encoding(head)
    text = path.open("r", encoding=encoding, errors="strict", newline="")
    try:
        sample = text.read(8192)
        text.seek(0)
        dialect: Any = csv.excel
        if sample.count("\t") > sample.count(",") and sample.count("\t") > 0:
            dialect = csv.excel_tab
        reader = csv.reader(text, dialect)
        lines: Iterator[list[Cell]] = (list(r) for r in reader)
        headers, header_row = _first_row(lines)
    except UnicodeDecodeError:
        text.close()
        raise FileRejected(
            f"文件中有无法按 {encoding} 解码的字节：请以 UTF-8 或 GBK 编码另存为 CSV"
        ) from None
    except csv.Error as exc:
        text.close()
        raise FileRejected(f"CSV 格式错误：{exc}") from None

    def rows() -> Iterator[tuple[int, list[Cell]]]:
        try:
            yield from _number_rows(lines, header_row + 1)
        except UnicodeDecodeError:
            raise FileRejected(
                f"文件中有无法按 {encoding} 解码的字节：请以 UTF-8 或 GBK 编码另存为 CSV"
            ) from None
        except csv.Error as exc:
            raise FileRejected(f"CSV 格式错误：{exc}") from None
        finally:
            text.close()

    label = {"utf-8-sig": "UTF-8（带BOM）", "utf-8": "UTF-8", "gb18030": "GBK/GB18030"}
    return Sheet("csv", label.get(encoding, encoding), headers, rows())


def _read_calamine(path: Path, fmt: str) -> Sheet:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        lines: Iterator[list[Cell]] = iter(sheet.iter_rows())  # type: ignore[arg-type]
    except Exception as exc:  # calamine raises its own error types for broken files
        raise FileRejected(f"无法读取电子表格：文件已损坏或不是 Excel 文件（{exc}）") from None
    headers, header_row = _first_row(lines)
    return Sheet(fmt, "", headers, _number_rows(lines, header_row + 1))


def _read_openpyxl(path: Path) -> Sheet:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileRejected(f"无法读取电子表格：文件已损坏或不是 Excel 文件（{exc}）") from None
    try:
        worksheet = workbook.worksheets[0]
        lines: Iterator[list[Cell]] = (list(r) for r in worksheet.iter_rows(values_only=True))
        headers, header_row = _first_row(lines)
    except FileRejected:
        workbook.close()
        raise
    except Exception as exc:  # damaged worksheet XML (ParseError), a workbook without sheets
        workbook.close()
        raise FileRejected(
            f"无法读取电子表格：文件已损坏或不是 Excel 文件（{type(exc).__name__}）"
        ) from None

    def rows() -> Iterator[tuple[int, list[Cell]]]:
        try:
            yield from _number_rows(lines, header_row + 1)
        finally:
            workbook.close()

    return Sheet("xlsx", "", headers, rows())


def open_sheet(path: Path) -> Sheet:
    """Open a submitted file; raises FileRejected with a Chinese reason for anything else."""
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    fmt = sniff_format(head)
    if fmt == "csv":
        return read_csv(path)
    if fmt == "xlsx":
        if not zipfile.is_zipfile(path):
            raise FileRejected("无法读取电子表格：文件已损坏")
        with zipfile.ZipFile(path) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                raise FileRejected("文件不是 Excel 工作簿：请上传 .xlsx、.xls 或 .csv 文件")
        if path.stat().st_size > CALAMINE_MAX_BYTES:
            return _read_openpyxl(path)
    return _read_calamine(path, fmt)


def check_whole_file(path: Path) -> None:
    """Read every row of a submitted file once, storing nothing.

    CSV files and large workbooks are streamed, so a fault part-way (a byte not in the file's
    encoding, a broken quote, damaged worksheet XML) would only show after the first rows were
    stored. Reading them through first lets the whole file be refused and nothing change
    (R-SEC-4). Workbooks read by calamine are read whole when opened and need no second pass.
    Raises FileRejected saying near which row reading stopped.
    """
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    fmt = sniff_format(head)
    if fmt != "csv" and not (fmt == "xlsx" and path.stat().st_size > CALAMINE_MAX_BYTES):
        return
    sheet = open_sheet(path)
    last = 0
    try:
        for number, _cells in sheet.rows:
            last = number
    except FileRejected as exc:
        raise FileRejected(f"第{last + 1}行附近：{exc.message}") from None
    except Exception as exc:  # openpyxl and the XML parser raise their own error types
        raise FileRejected(
            f"第{last + 1}行附近：无法读取电子表格，文件已损坏（{type(exc).__name__}）"
        ) from None


def cell_text(value: Cell) -> str:
    """A cell as the text a person would read in it (for verdict files and rejected rows)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


__all__ = ["Cell", "FileRejected", "Sheet", "cell_text", "check_whole_file", "open_sheet"]
