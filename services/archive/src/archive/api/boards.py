"""Routes of the public notice boards (长期公示): no login, server-rendered Chinese pages."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import HTMLResponse

from archive import schemas
from archive.api.deps import BoardPublisher, ContextDep
from archive.handlers import boards as uc
from civic.audit import reads_personal
from civic.deps import UowDep
from civic.errors import RATE_LIMITED_RESPONSES, Unprocessable
from civic.rate_limits import PUBLIC_RATE_LIMIT

# Anyone may open a board without logging in: limited per address (per user for officers).
# The board is published on purpose (长期公示: masked names, category, items, providers;
# never an ID number, phone, address, diagnosis or disability detail), so its routes declare
# reads_personal(None): auditing the public would record "anonymous" and each villager's own
# address, say nothing about who read, and let anyone fill the audit trail at will. What a
# board may show is kept by its rules (domain/boards.py, domain/publicity.py) instead.
router = APIRouter(
    prefix="/boards",
    tags=["长期公示 boards"],
    responses=RATE_LIMITED_RESPONSES,
    dependencies=[PUBLIC_RATE_LIMIT],
)

VillageCode = Annotated[str, Path(pattern=r"^\d{12}$", description="12-digit village code.")]
#: The days a board can be asked for (the end of 9999-12-31 is no instant at all).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
#: The page has no script and loads nothing; it may not be framed or sniffed into another type.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}


@router.get(
    "/{village_code}",
    response_class=HTMLResponse,
    summary="村（社区）长期公示（公开）",
    openapi_extra=reads_personal(None),
)
async def board(
    village_code: VillageCode,
    uow: UowDep,
    ctx: ContextDep,
    as_of: Annotated[
        date | None,
        Query(
            description="YYYY-MM-DD (2000-01-01 to 2099-12-31): the board at the end of that day."
        ),
    ] = None,
) -> HTMLResponse:
    """The village board now, or as it was shown on a given day (public, no login)."""
    if as_of is not None and not FIRST_DAY <= as_of <= LAST_DAY:
        raise Unprocessable(
            f"日期须在 {FIRST_DAY} 至 {LAST_DAY} 之间",
            code="date_out_of_range",
            field="query.as_of",
        )
    page = await uc.board_page(village_code, uow=uow, ctx=ctx, as_of=as_of)
    headers = dict(PAGE_HEADERS)
    if page.version is not None and page.valid_from is not None:
        headers["X-Board-Version"] = str(page.version)
        headers["X-Board-Valid-From"] = page.valid_from.isoformat()
    return HTMLResponse(page.html, headers=headers)


@router.get(
    "/{village_code}/versions",
    summary="公示版本记录（公开）",
    openapi_extra=reads_personal(None),
)
async def board_versions(
    village_code: VillageCode, uow: UowDep, ctx: ContextDep
) -> list[schemas.BoardVersionRead]:
    """The board's versions within the publicity period, newest first (public)."""
    versions = await uc.board_versions(village_code, uow=uow, ctx=ctx)
    return [schemas.BoardVersionRead.model_validate(asdict(version)) for version in versions]


@router.post(
    "/{village_code}/refresh",
    summary="重新生成公示（如月初）",
    openapi_extra=reads_personal(None),  # version numbers and digests, no entry
)
async def refresh(
    village_code: VillageCode, uow: UowDep, ctx: ContextDep, principal: BoardPublisher
) -> list[schemas.BoardVersionRead]:
    """Renders the board again now (e.g. when a month turns); a new version only if it changed."""
    versions = await uc.refresh_now(village_code, uow=uow, ctx=ctx, principal=principal)
    return [schemas.BoardVersionRead.model_validate(asdict(version)) for version in versions]
