"""The import template county IT fills in (XLSX or CSV), and the per-row error report.

Columns and codes come from ``domain.import_cells``; the spreadsheets are built here with
openpyxl and ``civic.spreadsheet`` (BOM, no cell taken for a formula).
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Font

from civic.spreadsheet import csv_document, safe_cell
from contracts.enums import (
    FundingSource,
    PeriodUnit,
    RecipientCategory,
    SelfCareLevel,
    ServiceMode,
    SpecialCondition,
)
from intake.domain.import_cells import COLUMNS, HEADERS_ZH
from intake.domain.imports import RowProblem

ERROR_HEADER = ("行号", "列", "错误代码", "错误说明")
_CODE_LISTS = (
    ("救助类别", RecipientCategory),
    ("特殊情形", SpecialCondition),
    ("自理能力", SelfCareLevel),
    ("服务方式", ServiceMode),
    ("周期", PeriodUnit),
    ("资金来源", FundingSource),
)


def template_csv() -> str:
    """The template as CSV: the Chinese header and one example row."""
    return csv_document([c.header_zh for c in COLUMNS], [[c.example for c in COLUMNS]])


def template_xlsx() -> bytes:
    """The template as a workbook: 导入模板 (header, example) and 填写说明 (notes, codes)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "导入模板"
    sheet.append([c.header_zh for c in COLUMNS])
    sheet.append([safe_cell(c.example) for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 22
        for cell in column:
            cell.number_format = "@"  # text: ID numbers and codes keep every digit
    notes = book.create_sheet("填写说明")
    notes.append(["列", "填写要求", "示例"])
    for c in COLUMNS:
        notes.append([c.header_zh, c.note_zh, safe_cell(c.example)])
    notes.append([])
    notes.append(["代码表", "代码", "名称"])
    for title, kind in _CODE_LISTS:
        for code, label in kind.label_zh.items():
            notes.append([title, code, label])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def error_report(problems: Iterable[RowProblem]) -> str:
    """The per-row error report in Chinese, as CSV."""
    rows = (
        [p.row_number, HEADERS_ZH.get(p.field, p.field), p.code, p.message_zh] for p in problems
    )
    return csv_document(ERROR_HEADER, rows)
