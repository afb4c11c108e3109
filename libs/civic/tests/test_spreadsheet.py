"""CSV exports: a cell a spreadsheet would run as a formula is written as text."""

from __future__ import annotations

import csv
import io

import pytest

from civic.spreadsheet import csv_chunks, csv_document, safe_cell

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://evil.example")', '\'=HYPERLINK("http://evil.example")'),
        ("+86 139", "'+86 139"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-15.00", "-15.00"),
        ("+3", "+3"),
        ("张三", "张三"),
        ("a=b", "a=b"),
        ("", ""),
        (-1500, -1500),
        (None, None),
    ],
)
def test_a_cell_that_would_run_as_a_formula_is_quoted(cell: object, shown: object) -> None:
    assert safe_cell(cell) == shown


def test_a_document_has_a_bom_and_streams_in_chunks() -> None:
    rows = [["=cmd|' /C calc'!A0", i] for i in range(5)]
    chunks = list(csv_chunks(("说明", "序号"), rows, rows_per_chunk=2))
    assert len(chunks) == 3 and "".join(chunks) == csv_document(("说明", "序号"), rows)
    text = "".join(chunks)
    assert text.startswith("\ufeff说明,序号\r\n")
    parsed = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert parsed[1] == ["'=cmd|' /C calc'!A0", "0"] and len(parsed) == 6
