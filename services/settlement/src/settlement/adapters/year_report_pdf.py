"""The year-end report to print and to export: an A4 PDF in Chinese, and a CSV.

The PDF uses reportlab's built-in CID font STSong-Light (a standard Adobe Asian font that
PDF readers supply), so no font file ships with the service. Amounts are yuan with two
decimals computed from integer fen; the CSV also carries the fen themselves.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from civic.spreadsheet import csv_document
from contracts import divisions
from contracts.calendar import CHIZHOU
from contracts.enums import FundingSource
from settlement.adapters.money import yuan

FONT = "STSong-Light"

#: (header, field) of each money column, in the order printed and exported.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("年度预算", "budget_fen"),
    ("台账合计", "ledger_fen"),
    ("其中冲销", "reversed_fen"),
    ("已确认(含已支付)", "committed_fen"),
    ("其中已支付", "paid_fen"),
    ("未确认(草稿/待审批)", "open_fen"),
    ("负数结转结算单", "carried_fen"),
    ("上年结转转入", "carried_in_fen"),
    ("结转下年", "carried_out_fen"),
    ("未生成结算单", "unsettled_fen"),
    ("差额", "difference_fen"),
)


def fund_label(name: str) -> str:
    """A fund's Chinese name (``total`` is the sum row)."""
    if name == "total":
        return "合计"
    try:
        return FundingSource(name).label_zh
    except ValueError:
        return name


def _rows(report: Any) -> list[Any]:
    return [*report.funds, report.total]


def year_end_csv(report: Any) -> str:
    """The report as CSV (UTF-8 with BOM, Chinese headers): fen per column, and balanced."""
    header = ["资金来源", "资金来源代码", *(f"{zh}(分)" for zh, _ in COLUMNS), "是否平衡"]
    rows = [
        [
            fund_label(row.funding_source),
            row.funding_source,
            *(_fen(getattr(row, name)) for _, name in COLUMNS),
            "是" if row.balanced else "否",
        ]
        for row in _rows(report)
    ]
    return csv_document(header, rows)


def _fen(value: int | None) -> int | str:
    return "" if value is None else value


def year_end_pdf(report: Any, *, now: datetime) -> bytes:
    """The report as a printable A4 (landscape) PDF with signature lines."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    out = io.BytesIO()
    title = f"{divisions.full_name_zh(report.division_code)}{report.year}年度社会救助服务资金决算表"
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=title,
    )
    doc.build(_story(report, title, now))
    return out.getvalue()


def _story(report: Any, title: str, now: datetime) -> list[Any]:
    heading = ParagraphStyle("h", fontName=FONT, fontSize=16, leading=22, alignment=1)
    body = ParagraphStyle("b", fontName=FONT, fontSize=9, leading=13, wordWrap="CJK")
    state = "已决算关账" if report.closed_by else "未关账（实时数据）"
    balanced = (
        "平衡" if report.balanced else f"不平衡（差额 {yuan(report.total.difference_fen)} 元）"
    )
    return [
        Paragraph(title, heading),
        Spacer(1, 4 * mm),
        Paragraph(f"单位：元　状态：{state}　与台账核对：{balanced}", body),
        Paragraph(
            f"尚有草稿结算单 {report.drafts} 张、待审批 {report.held} 张、"
            f"未生成结算单的结算期间 {report.unsettled} 个。",
            body,
        ),
        Spacer(1, 3 * mm),
        _table(report),
        Spacer(1, 3 * mm),
        Paragraph(
            "核对公式：已确认 + 未确认 + 未生成结算单 + 结转下年 = 台账合计 + 上年结转转入；"
            "年度内的负数结转在转出与转入的结算单之间相互抵销。",
            body,
        ),
        Spacer(1, 10 * mm),
        Paragraph("编制人：　　　　　　　复核人：　　　　　　　县级民政部门负责人：", body),
        Spacer(1, 4 * mm),
        Paragraph(
            f"打印时间：{now.astimezone(CHIZHOU).strftime('%Y-%m-%d %H:%M')}（北京时间）", body
        ),
    ]


def _table(report: Any) -> Table:
    # Chinese has no spaces: CJK wrapping lets a long header break inside its column.
    cell = ParagraphStyle("c", fontName=FONT, fontSize=7.5, leading=9, wordWrap="CJK")
    header: Sequence[Any] = [
        Paragraph("资金来源", cell),
        *(Paragraph(zh, cell) for zh, _ in COLUMNS),
    ]
    data = [header]
    for row in _rows(report):
        amounts = [
            "" if getattr(row, name) is None else yuan(getattr(row, name)) for _, name in COLUMNS
        ]
        data.append([Paragraph(fund_label(row.funding_source), cell), *amounts])
    table = Table(data, colWidths=[35 * mm] + [21 * mm] * len(COLUMNS), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 7.5),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2f2f2")),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f8f8f8")),
            ]
        )
    )
    return table
