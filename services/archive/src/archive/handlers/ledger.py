"""Use case of the village ledger (工作台账): current recipients, items, providers, counts."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from archive.domain.files import ArchiveFile
from archive.domain.ledgers import LedgerEntry
from archive.domain.stored import MonthCount
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

    def __init__(self, counts: Sequence[MonthCount], names: Mapping[str, str]) -> None:
        self.quantities: dict[uuid.UUID, list[tuple[str, int, str]]] = defaultdict(list)
        self.services: dict[uuid.UUID, int] = defaultdict(int)
        for count in counts:
            name = names.get(count.item_code, count.item_code)
            self.quantities[count.person_id].append((name, int(count.qty or 0), count.unit))
            self.services[count.person_id] += int(count.count)


def _entry(
    file: ArchiveFile,
    names: Mapping[str, str],
    providers: tuple[str, ...],
    counts: _Counts,
    last_day: date,
) -> LedgerEntry:
    person = file.person_id
    return LedgerEntry(
        person_id=person,
        service_number=file.service_number,
        display_name=file.display_name,
        category=file.category,
        status=file.status,
        items=tuple(names.get(code, code) for code in file.item_codes_on(last_day)),
        providers=providers,
        services_this_month=counts.services[person],
        quantities=tuple(counts.quantities[person]),
    )


async def _entries(uow: UnitOfWork, village_code: str, month: str) -> list[LedgerEntry]:
    session = uow.session
    files = await documents_repo.files_in_village(session, village_code)
    files = [file for file in files if file.status not in GONE]
    names = await services_repo.item_names(session, village_code[:6])
    providers = await providers_by_person(uow, files, LISTED_ORDER_STATES)
    start, end = month_bounds(month)
    delivered = await services_repo.month_counts(
        session, village_code=village_code, start=start, end=end
    )
    counts = _Counts(delivered, names)
    # The items in force at the month's end (a change of services dated later is not yet).
    last_day = end - timedelta(days=1)
    return [
        _entry(file, names, providers.get(file.person_id, ()), counts, last_day) for file in files
    ]


async def village_ledger(
    village_code: str, month: str, *, uow: UnitOfWork, principal: Principal
) -> list[LedgerEntry]:
    """The village's ledger for a month: one entry per current recipient."""
    ensure_jurisdiction(principal, village_code)
    async with uow:
        return await _entries(uow, village_code, month)
