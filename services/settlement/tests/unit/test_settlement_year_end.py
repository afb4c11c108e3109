"""Carries' periods, the year-end identity, and the report's CSV and PDF."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from settlement.adapters.printing import carried_from, carry_label_zh
from settlement.adapters.year_report_pdf import year_end_csv, year_end_pdf
from settlement.handlers.carries import first_of_next_year, following
from settlement.handlers.year_end import FundYearEnd, YearEndReport, from_snapshot, fund_rows

pytestmark = pytest.mark.unit


def test_settlement_a_carry_goes_to_the_next_month_or_year() -> None:
    assert following("monthly", "2034-06") == "2034-07"
    assert following("monthly", "2034-12") == "2035-01"
    assert following("annual", "2034") == "2035"
    assert first_of_next_year("monthly", "2034-06") == "2035-01"
    assert first_of_next_year("annual", "2034") == "2035"


def test_settlement_a_carry_item_names_its_period_and_no_catalogue_item_is_one() -> None:
    assert carried_from("_CARRY_2034-06") == "2034-06"
    assert carried_from("LC-04") is None
    assert carry_label_zh("2034-06") == "上期负数结转（2034年06月）"
    assert carry_label_zh("2034") == "上期负数结转（2034年度）"


def _fund(**figures: int) -> FundYearEnd:
    return FundYearEnd("tekun_care", budget_fen=1_000_000, **figures)


def test_settlement_the_year_balances_when_every_fen_is_accounted_for() -> None:
    # 12000 on the ledger and −1500 carried in: 9000 committed, 1000 open, 500 unsettled.
    balanced = _fund(
        ledger_fen=12_000,
        committed_fen=9_000,
        open_fen=1_000,
        unsettled_fen=500,
        carried_in_fen=-1_500,
        carried_out_fen=0,
    )
    assert (balanced.difference_fen, balanced.balanced) == (0, True)
    short = _fund(ledger_fen=12_000, committed_fen=9_000, open_fen=1_000, carried_out_fen=-2_000)
    assert (short.difference_fen, short.balanced) == (-4_000, False)


def test_settlement_fund_rows_list_every_fund_and_count_unsettled_carries() -> None:
    rows = fund_rows(
        {"tekun_care": {"ledger_fen": 700, "unsettled_fen": 500, "carry_unsettled_fen": 200}},
        {"tekun_care": 9_000, "charity": 100},
    )
    mine = next(row for row in rows if row.funding_source == "tekun_care")
    assert (mine.ledger_fen, mine.unsettled_fen, mine.budget_fen, mine.balanced) == (
        700,
        700,
        9_000,
        True,
    )
    assert len({row.funding_source for row in rows}) == len(rows) >= 8


def _report() -> YearEndReport:
    return YearEndReport(
        "341702",
        2034,
        [
            _fund(ledger_fen=12_000, committed_fen=14_000, paid_fen=4_000, carried_out_fen=-2_000),
            FundYearEnd("charity", ledger_fen=-301, open_fen=-301),
        ],
        drafts=0,
    )


def test_settlement_the_total_row_adds_every_fund() -> None:
    total = _report().total
    assert (total.ledger_fen, total.committed_fen, total.open_fen, total.budget_fen) == (
        11_699,
        14_000,
        -301,
        1_000_000,
    )
    assert _report().balanced


def test_settlement_the_year_end_csv_parses_back_to_the_same_fen() -> None:
    text = year_end_csv(_report())
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert [row["资金来源代码"] for row in rows] == ["tekun_care", "charity", "total"]
    assert [int(row["台账合计(分)"]) for row in rows] == [12_000, -301, 11_699]
    assert rows[0]["结转下年(分)"] == "-2000" and rows[1]["年度预算(分)"] == ""
    assert {row["是否平衡"] for row in rows} == {"是"}


def test_settlement_the_year_end_pdf_is_a_pdf() -> None:
    pdf = year_end_pdf(_report(), now=datetime(2035, 3, 1, tzinfo=UTC))
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000


def test_settlement_a_snapshot_reads_back_as_the_report_it_stored() -> None:
    report = _report()
    at = datetime(2035, 3, 1, tzinfo=UTC)
    back = from_snapshot({"report": report.stored(), "closed_by": "c-1", "closed_at": at})
    assert back.funds == report.funds and (back.closed_by, back.closed_at) == ("c-1", at)
