"""CSV exports staff open in a spreadsheet: Chinese headers readable, and no cell a formula.

Every CSV the platform hands out goes through here. Two things matter to the office that
opens it in Excel or WPS:

* Excel on Chinese Windows reads UTF-8 CSV correctly only with a byte-order mark.
* A cell beginning with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which
  some programs skip before looking) is run as a formula. Names, reasons and notes come
  from applicants, providers and staff, so a provider's note ``=HYPERLINK("http://…")``
  would become a live link or worse on a township computer (CSV injection). Such a cell
  is written with a leading apostrophe, which spreadsheets show as plain text. Numbers,
  including negative amounts of a reversal, are left as numbers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

BOM = "\ufeff"

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def safe_cell(value: Any) -> Any:
    """The cell as a spreadsheet should show it: text that looks like a formula is quoted."""
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value  # "-15.00" is an amount, not a formula
    return "'" + value


def csv_document(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A whole CSV document (BOM, header, safe rows), for exports that fit in memory."""
    return "".join(csv_chunks(header, rows))


def csv_chunks(
    header: Sequence[str], rows: Iterable[Sequence[Any]], *, rows_per_chunk: int = 1000
) -> Iterator[str]:
    """The CSV document chunk by chunk, so a month of ledger lines streams out."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow([safe_cell(title) for title in header])
    for count, row in enumerate(rows, start=1):
        writer.writerow([safe_cell(cell) for cell in row])
        if count % rows_per_chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
