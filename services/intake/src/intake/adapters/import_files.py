"""Reading an import file (CSV or XLSX, template columns in Chinese) into numbered rows."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook

from intake.domain.import_cells import KEYS_BY_HEADER

#: A row of the file: its number (the header is row 1) and its cells by column key.
FileRow = tuple[int, dict[str, str | None]]


class UnreadableFile(ValueError):
    """The file is not a CSV or XLSX with the template's header."""


def read_rows(path: Path) -> list[FileRow]:
    """Every non-empty row of the file, numbered as a spreadsheet numbers it."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return list(_rows(csv.reader(handle)))
    if suffix in (".xlsx", ".xlsm"):
        book = load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = book["导入模板"] if "导入模板" in book.sheetnames else book.worksheets[0]
            return list(_rows(sheet.iter_rows(values_only=True)))
        finally:
            book.close()
    raise UnreadableFile(f"只能导入 .csv 或 .xlsx 文件：{path.name}")


def _rows(lines: Iterable[Sequence[object]]) -> Iterator[FileRow]:
    lines = iter(lines)
    header = [_text(cell) or "" for cell in next(lines, [])]
    keys = [
        KEYS_BY_HEADER.get(title, title if title in KEYS_BY_HEADER.values() else None)
        for title in header
    ]
    if "id_number" not in keys:
        raise UnreadableFile("文件首行应为导入模板的列名(至少含“身份证号码”)")
    for number, line in enumerate(lines, start=2):
        cells = {key: _text(value) for key, value in zip(keys, line, strict=False) if key}
        if any(cells.values()):
            yield number, cells


def _text(value: object) -> str | None:
    """A cell as text: a date as YYYY-MM-DD, a whole number without ``.0``."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None
