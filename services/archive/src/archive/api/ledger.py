"""Routes of the village ledger (工作台账) and its CSV export."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from archive import schemas
from archive.api.deps import ContextDep, LedgerReader
from archive.domain.ledgers import LEDGER_HEADER, LedgerEntry, ledger_row, quantity_text
from archive.domain.places import place_zh
from archive.handlers import ledger as uc
from civic import clock
from civic.audit import reads_personal, saw
from civic.deps import UowDep
from civic.errors import PROBLEM_RESPONSES
from civic.spreadsheet import csv_document

router = APIRouter(prefix="/villages", tags=["工作台账 ledgers"], responses=PROBLEM_RESPONSES)

VillageCode = Annotated[str, Path(pattern=r"^\d{12}$", description="12-digit village code.")]
#: ASCII digits and years 2000-2099: ``0000-01`` or ``9999-12`` have no month around them
#: to count in, and a month in other digits cannot go into the CSV file's name.
Month = Annotated[
    str | None,
    Query(
        pattern=r"^20[0-9]{2}-(0[1-9]|1[0-2])$",
        description="YYYY-MM, 2000-01 to 2099-12; this month by default.",
    ),
]


def _row(entry: LedgerEntry) -> schemas.LedgerRow:
    line = ledger_row(entry)
    return schemas.LedgerRow(
        person_id=entry.person_id,
        service_number=entry.service_number,
        display_name=entry.display_name,
        category_zh=line[2],
        status_zh=line[3],
        items=list(entry.items),
        providers=list(entry.providers),
        services_this_month=entry.services_this_month,
        quantities_zh=quantity_text(entry.quantities),
    )


@router.get(
    "/{village_code}/ledger",
    summary="村（社区）服务类社会救助工作台账",
    openapi_extra=reads_personal("village_ledger"),
)
async def village_ledger(
    village_code: VillageCode,
    uow: UowDep,
    principal: LedgerReader,
    ctx: ContextDep,
    month: Month = None,
) -> schemas.LedgerRead:
    """Current recipients, their items and providers, and this month's service counts."""
    chosen = month or clock.month()
    entries = await uc.village_ledger(village_code, chosen, uow=uow, principal=principal)
    return schemas.LedgerRead(
        village_code=village_code,
        place_zh=place_zh(village_code),
        month=chosen,
        rows=[_row(entry) for entry in entries],
    )


@router.get(
    "/{village_code}/ledger.csv",
    summary="导出工作台账（CSV）",
    openapi_extra=reads_personal("village_ledger"),
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
async def village_ledger_csv(
    village_code: VillageCode,
    uow: UowDep,
    principal: LedgerReader,
    ctx: ContextDep,
    month: Month = None,
) -> Response:
    """The ledger as a CSV file with a BOM, so spreadsheets show the Chinese text."""
    chosen = month or clock.month()
    entries = await uc.village_ledger(village_code, chosen, uow=uow, principal=principal)
    lines = [ledger_row(entry) for entry in entries]
    saw(*(entry.person_id for entry in entries))  # the CSV names people only by masked name
    disposition = f'attachment; filename="ledger-{village_code}-{chosen}.csv"'
    return Response(
        csv_document(LEDGER_HEADER, lines),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": disposition},
    )
