"""Bank files written and read back to the fen; returns matched line by line; four eyes."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from settlement.adapters import bank_files
from settlement.adapters.bank_files import FileColumn, check_format, default_format, parse_yuan
from settlement.adapters.money import yuan
from settlement.domain.payments import (
    BatchLine,
    PaymentRuleError,
    ReturnRow,
    RowOutcome,
    check_batch_approver,
    line_ref,
    match_return,
)
from settlement.domain.statements import StatementRuleError

pytestmark = pytest.mark.unit

TODAY = date(2034, 2, 10)
GBK = replace(
    default_format("341722"),
    columns=(
        FileColumn("line_ref", "参考号"),
        FileColumn("payee_name", "户名"),
        FileColumn("amount_yuan", "金额"),
        FileColumn("purpose", "摘要"),
    ),
    return_columns=(
        FileColumn("line_ref", "参考号"),
        FileColumn("result", "结果"),
        FileColumn("bank_serial", "流水"),
        FileColumn("reason", "原因"),
        FileColumn("amount_yuan", "金额"),
    ),
    delimiter="|",
    encoding="gbk",
)


def _line(n: int, amount: int, status: str = "sent", **kw: object) -> BatchLine:
    return BatchLine(
        batch_id=uuid.UUID(int=1),
        line_no=n,
        line_ref=line_ref(7, n),
        statement_id=uuid.UUID(int=100 + n),
        provider_id=uuid.UUID(int=200 + n),
        provider_code=f"p-{n}",
        amount_fen=amount,
        status=status,
        **kw,  # type: ignore[arg-type]
    )


def test_settlement_a_gbk_bank_file_has_the_countys_columns_and_exact_yuan() -> None:
    rows = [
        {"line_ref": "B7-1", "payee_name": "石台县敬老院", "amount_fen": 1234, "purpose": "服务费"},
        {"line_ref": "B7-2", "payee_name": "=HYPERLINK()", "amount_fen": 5, "purpose": None},
    ]
    text = bank_files.render(GBK, rows).decode("gbk")
    assert text.split("\r\n") == [
        "参考号|户名|金额|摘要",
        "B7-1|石台县敬老院|12.34|服务费",
        "B7-2|'=HYPERLINK()|0.05|",
        "",
    ]


def test_settlement_a_name_gbk_cannot_hold_is_refused_with_a_reason() -> None:
    with pytest.raises(PaymentRuleError) as refused:
        bank_files.render(GBK, [{"line_ref": "B7-1", "payee_name": "😀", "amount_fen": 1}])
    assert (refused.value.code, refused.value.kind) == ("bank_file_not_encodable", "invalid")


@given(st.integers(min_value=0, max_value=10**13))
def test_settlement_yuan_written_reads_back_to_the_same_fen(fen: int) -> None:
    assert parse_yuan(yuan(fen)) == fen


@pytest.mark.parametrize("text", ["1.234", "-1.00", "1e3", "", "一元", "1.2.3"])
def test_settlement_what_is_not_an_amount_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_yuan(text)


def test_settlement_a_return_is_read_by_its_headers_in_any_order() -> None:
    content = "原因|结果|参考号|流水|金额\r\n|成功|B7-1|S001|12.34\r\n余额不足|失败|B7-2||0.05\r\n"
    rows = bank_files.parse_return(GBK, content.encode("gbk"), today=TODAY)
    assert [
        (r.row_no, r.line_ref, r.paid, r.bank_serial, r.reason, r.amount_fen) for r in rows
    ] == [
        (2, "B7-1", True, "S001", None, 1234),
        (3, "B7-2", False, None, "余额不足", 5),
    ]
    assert rows[0].paid_on == TODAY  # no date column: the day it was imported


@pytest.mark.parametrize(
    ("content", "code", "row", "column"),
    [
        ("参考号|结果\r\nB7-1|也许\r\n", "result_unknown", 2, "result"),
        ("参考号|结果\r\nB7-1|成功\r\n", "bank_serial_missing", 2, "bank_serial"),
        ("参考号|结果|流水|金额\r\nB7-1|成功|S1|12,3.4\r\n", "amount_invalid", 2, "amount_yuan"),
        ("参考号|流水\r\nB7-1|S1\r\n", "bank_return_column_missing", 1, "result"),
        ("参考号|结果\r\nB7-1|失败\r\n\r\nB7-1|失败\r\n", "duplicate_line_ref", 4, "line_ref"),
        ("参考号|结果\r\n", "bank_return_empty", None, None),
    ],
)
def test_settlement_a_malformed_return_names_its_row_and_column(
    content: str, code: str, row: int | None, column: str | None
) -> None:
    with pytest.raises(PaymentRuleError) as refused:
        bank_files.parse_return(GBK, content.encode("gbk"), today=TODAY)
    problem = refused.value
    assert (problem.code, problem.kind, problem.extra["row"], problem.extra["column"]) == (
        code,
        "invalid",
        row,
        column,
    )


def test_settlement_a_return_in_the_wrong_encoding_is_refused() -> None:
    with pytest.raises(PaymentRuleError) as refused:
        bank_files.parse_return(GBK, "参考号|结果\r\n".encode("utf-16"), today=TODAY)
    assert refused.value.code == "bank_return_encoding"


def test_settlement_a_return_without_a_header_is_read_by_position() -> None:
    headless = replace(GBK, has_header=False)
    rows = bank_files.parse_return(headless, "B7-1|成功|S9||12.34\r\n".encode("gbk"), today=TODAY)
    assert [(r.row_no, r.line_ref, r.bank_serial, r.amount_fen) for r in rows] == [
        (1, "B7-1", "S9", 1234)
    ]


def test_settlement_return_rows_match_paid_failed_unchanged_and_flagged() -> None:
    lines = [
        _line(1, 1234),
        _line(2, 500),
        _line(3, 700, "paid", bank_serial="S3"),
        _line(4, 800, "failed", bank_reason="户名不符"),
        _line(5, 900),
        _line(6, 100, "paid", bank_serial="S6"),
    ]
    rows = [
        ReturnRow(2, "B7-1", True, "S1"),
        ReturnRow(3, "B7-2", False, reason="账户冻结"),
        ReturnRow(4, "B7-3", True, "S3"),
        ReturnRow(5, "B7-4", False, reason="户名不符"),
        ReturnRow(6, "B7-5", True, "S5", amount_fen=901),
        ReturnRow(7, "B9-1", True, "S0"),
        ReturnRow(8, "B7-6", False, reason="晚到的失败"),
    ]
    found = [(m.row.line_ref, m.outcome, m.flag) for m in match_return(lines, rows)]
    assert found == [
        ("B7-1", RowOutcome.PAID, None),
        ("B7-2", RowOutcome.FAILED, None),
        ("B7-3", RowOutcome.UNCHANGED, None),
        ("B7-4", RowOutcome.UNCHANGED, None),
        ("B7-5", RowOutcome.FLAGGED, "amount_mismatch"),
        ("B9-1", RowOutcome.FLAGGED, "unknown_line"),
        ("B7-6", RowOutcome.FLAGGED, "conflicting_result"),
    ]


def test_settlement_the_batch_approver_is_a_second_person() -> None:
    confirmers = {uuid.UUID(int=1): "wang", uuid.UUID(int=2): "li"}
    with pytest.raises(StatementRuleError) as own:
        check_batch_approver(created_by="zhao", confirmers=confirmers, approver="zhao")
    assert own.value.code == "four_eyes_required"
    with pytest.raises(PaymentRuleError) as confirmed:
        check_batch_approver(created_by="zhao", confirmers=confirmers, approver="li")
    assert confirmed.value.code == "four_eyes_required"
    assert confirmed.value.extra == {"statement_ids": [str(uuid.UUID(int=2))]}
    check_batch_approver(created_by="zhao", confirmers=confirmers, approver="sun")


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"return_columns": (FileColumn("line_ref", "参考号"),)}, "return_column_required"),
        ({"columns": (FileColumn("payee_name", "户名"),)}, "column_required"),
        (
            {"columns": (FileColumn("line_ref", "号"), FileColumn("purpose", "号"))},
            "duplicate_column",
        ),
        ({"columns": (FileColumn("line_ref", "参考|号"),)}, "bad_header"),
        ({"columns": (FileColumn("line_ref", "参考号😀"),)}, "header_not_encodable"),
        ({"columns": (FileColumn("iban", "账号"),)}, "unknown_column"),
    ],
)
def test_settlement_a_format_that_cannot_read_back_is_refused(
    change: dict[str, object], code: str
) -> None:
    with pytest.raises(PaymentRuleError) as refused:
        check_format(replace(GBK, **change))  # type: ignore[arg-type]
    assert (refused.value.code, refused.value.kind) == (code, "invalid")
    check_format(GBK)
    check_format(default_format("341722"))
