"""The ledger CSV: amounts stay numbers, text that looks like a formula stays text."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime

import pytest

from settlement.adapters.tables import LEDGER_HEADER, ledger_csv
from settlement.domain.ledger import LedgerLine

pytestmark = pytest.mark.unit


def _reversal(reason_zh: str) -> LedgerLine:
    return LedgerLine(
        line_id=uuid.uuid4(),
        kind="reversal",
        source_id=uuid.uuid4(),
        record_id=uuid.uuid4(),
        person_id=uuid.uuid4(),
        recipient_id=uuid.uuid4(),
        order_id=None,
        provider_id=uuid.uuid4(),
        provider_code="P1",
        county_code="341702",
        township_code="341702100",
        period_kind="monthly",
        period="2026-11",
        service_month="2026-11",
        service_date=date(2026, 11, 3),
        item_code="LC-03",
        funding_source="tekun_care",
        unit="hour",
        quantity=-1,
        unit_fee_fen=1500,
        amount_fen=-1500,
        catalogue_version=1,
        reverses_line_id=uuid.uuid4(),
        cause_event_id=None,
        reason_zh=reason_zh,
        posted_at=datetime(2026, 11, 30, 8, tzinfo=UTC),
    )


def test_settlement_ledger_csv_quotes_formulas_and_keeps_negative_amounts() -> None:
    text = "".join(ledger_csv([_reversal('=HYPERLINK("http://evil.example","核对")')]))
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    line = dict(zip(LEDGER_HEADER, rows[1], strict=True))
    assert line["说明"] == '\'=HYPERLINK("http://evil.example","核对")'
    assert (line["金额(分)"], line["金额(元)"], line["数量"]) == ("-1500", "-15.00", "-1")
