"""Use case of the village ledger (工作台账): current recipients, items, providers, counts."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from archive import schemas
from archive.domain.ledgers import LedgerEntry, ledger_row, quantity_text
from archive.domain.places import place_zh
from archive.handlers.names import providers_by_person
from archive.repository import documents as documents_repo
from archive.repository import services as services_repo
from civic.security import Principal, ensure_jurisdiction
from civic.uow import UnitOfWork
from contracts.enums import RecipientStatus

#: People who left for good are no longer on the village's ledger.
GONE = (RecipientStatus.STOPPED.value, RecipientStatus.DECEASED.value)
#: Orders whose provider the ledger names (a paused order still has its provider).
LISTED_ORDER_STATES = (*services_repo.OPEN_ORDER_STATES, "paused")


def month_bounds(month: str) -> tuple[date, date]:
    """First day of the month and first day of the next (YYYY-MM)."""
    year, mon = (int(p) for p in month.split("-"))
    return date(year, mon, 1), date(year + mon // 12, mon % 12 + 1, 1)


class _Counts:
    """Validated services of one month per person: (item name, quantity, unit) and a count."""

    def __init__(self, rows: Sequence[RowMapping], names: Mapping[str, str]) -> None:
        self.quantities: dict[uuid.UUID, list[tuple[str, int, str]]] = defaultdict(list)
        self.services: dict[uuid.UUID, int] = defaultdict(int)
        for r in rows:
            name = names.get(r["item_code"], r["item_code"])
            self.quantities[r["person_id"]].append((name, int(r["qty"] or 0), r["unit"]))
            self.services[r["person_id"]] += int(r["count"])


def _entry(
    f: RowMapping, names: Mapping[str, str], providers: tuple[str, ...], counts: _Counts
) -> LedgerEntry:
    person = f["person_id"]
    return LedgerEntry(
        service_number=f["service_number"],
        display_name=f["display_name"],
        category=f["category"],
        status=f["status"],
        items=tuple(names.get(i["item_code"], i["item_code"]) for i in f["approved_items"]),
        providers=providers,
        services_this_month=counts.services[person],
        quantities=tuple(counts.quantities[person]),
    )


async def _entries(session: AsyncSession, village_code: str, month: str) -> list[LedgerEntry]:
    files = await documents_repo.files_in_village(session, village_code)
    files = [f for f in files if f["status"] not in GONE]
    names = await services_repo.item_names(session, village_code[:6])
    providers = await providers_by_person(session, files, LISTED_ORDER_STATES)
    start, end = month_bounds(month)
    rows = await services_repo.month_counts(
        session, village_code=village_code, start=start, end=end
    )
    counts = _Counts(rows, names)
    return [_entry(f, names, providers.get(f["person_id"], ()), counts) for f in files]


def _row(e: LedgerEntry) -> schemas.LedgerRow:
    line = ledger_row(e)
    return schemas.LedgerRow(
        service_number=e.service_number,
        display_name=e.display_name,
        category_zh=line[2],
        status_zh=line[3],
        items=list(e.items),
        providers=list(e.providers),
        services_this_month=e.services_this_month,
        quantities_zh=quantity_text(e.quantities),
    )


async def village_ledger(
    village_code: str, month: str, *, uow: UnitOfWork, principal: Principal
) -> tuple[schemas.LedgerRead, list[tuple[str, ...]]]:
    """The village's ledger for a month, as a model and as CSV lines."""
    ensure_jurisdiction(principal, village_code)
    async with uow:
        entries = await _entries(uow.session, village_code, month)
    read = schemas.LedgerRead(
        village_code=village_code,
        place_zh=place_zh(village_code),
        month=month,
        rows=[_row(e) for e in entries],
    )
    return read, [ledger_row(e) for e in entries]
