"""The village ledger and the service receipt as CSV; month boundaries; big-data mirror ids."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date

import pytest

from archive.domain.ledgers import LEDGER_HEADER, LedgerEntry, ledger_row
from archive.handlers.ledger import month_bounds
from civic.pseudonyms import Pseudonyms
from civic.spreadsheet import csv_document
from contracts.bigdata import mirror_event_id, mirror_of
from contracts.review import RecipientApproved
from contracts.samples import sample

pytestmark = pytest.mark.unit


def test_archive_the_ledger_csv_is_chinese_and_opens_in_a_spreadsheet() -> None:
    entry = LedgerEntry(
        uuid.uuid4(),
        "341702-2026-000001",
        "张**",
        "tekun",
        "active",
        ("居家照料",),
        ("殷汇镇社工站",),
        3,
        (("居家照料", 6, "hour"),),
    )
    text = csv_document(LEDGER_HEADER, [ledger_row(entry)])
    assert text.startswith("\ufeff服务号,姓名")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[1] == [
        "341702-2026-000001",
        "张**",
        "特困人员",
        "在册",
        "居家照料",
        "殷汇镇社工站",
        "3",
        "居家照料 6小时",
    ]


def test_archive_a_ledger_cell_that_looks_like_a_formula_stays_text() -> None:
    provider = '=HYPERLINK("http://evil.example/x","点此")'
    entry = LedgerEntry(
        uuid.uuid4(),
        "341702-2026-000002",
        "@李*",
        "dibao",
        "active",
        ("+送餐",),
        (provider,),
        1,
        (),
    )
    text = csv_document(LEDGER_HEADER, [ledger_row(entry)])
    row = next(csv.reader(io.StringIO(text.lstrip("\ufeff").split("\r\n", 1)[1])))
    assert row[1] == "'@李*" and row[4] == "'+送餐" and row[5] == "'" + provider, row


def test_archive_a_month_ends_where_the_next_begins() -> None:
    assert month_bounds("2026-11") == (date(2026, 11, 1), date(2026, 12, 1))
    assert month_bounds("2026-12") == (date(2026, 12, 1), date(2027, 1, 1))


def test_archive_mirrors_have_stable_ids_and_no_names() -> None:
    event, pseudonyms = sample(RecipientApproved, full=True), Pseudonyms(b"p" * 32)
    first = mirror_of(event, pseudonym=pseudonyms, mirrored_by="archive")
    again = mirror_of(event, pseudonym=pseudonyms, mirrored_by="archive")
    assert first.event_id == again.event_id == mirror_event_id(first.source_event_id, "archive")
    assert first.event_id != mirror_of(event, pseudonym=pseudonyms, mirrored_by="dispatch").event_id
    assert "张" not in first.model_dump_json()
    assert first.source_event_id == pseudonyms(str(event.event_id)) != event.event_id
    assert isinstance(first.event_id, uuid.UUID)
