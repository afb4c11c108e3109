"""Use cases of the notice boards: refresh from events, and answer the public."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from archive.adapters import render
from archive.context import ArchiveContext
from archive.domain.boards import (
    BoardContent,
    BoardPerson,
    compose_board,
    ensure_publishable,
)
from archive.domain.files import ArchiveFile
from archive.domain.places import place_zh
from archive.domain.stored import BoardVersion
from archive.handlers.common import announce
from archive.handlers.names import providers_by_person
from archive.repository import boards as repo
from archive.repository import services as services_repo
from civic import clock
from civic.errors import NotFound
from civic.security import Principal, ensure_jurisdiction
from civic.uow import UnitOfWork
from contracts import calendar, divisions
from contracts.archive import BoardRefreshed


@dataclass(frozen=True)
class BoardPage:
    """A board page to send: its HTML and which version it is (None: nothing published)."""

    html: str
    version: int | None = None
    valid_from: datetime | None = None


def _person(file: ArchiveFile, items: tuple[str, ...], providers: tuple[str, ...]) -> BoardPerson:
    return BoardPerson(
        service_number=file.service_number,
        display_name=file.display_name,
        county_code=file.county_code,
        village_code=file.village_code,
        category=file.category,
        status=file.status,
        served_since=file.served_since,
        status_effective_date=file.status_effective_date,
        previous_village_code=file.previous_village_code,
        previous_status=file.previous_status,
        moved_on=file.moved_on,
        items=items,
        providers=providers,
    )


async def compose(uow: UnitOfWork, village_code: str, *, ctx: ArchiveContext) -> BoardContent:
    """What the village's board shows now, from the files (nothing is stored)."""
    now = clock.now()
    today = calendar.day_of(now)
    files = await repo.files_for_board(uow.session, village_code)
    county = divisions.county_of(village_code) if divisions.get(village_code) else None
    county = county or village_code[:6]
    names = await services_repo.item_names(uow.session, county)
    categories = await services_repo.item_categories(uow.session, county)
    providers = await providers_by_person(uow, files, services_repo.OPEN_ORDER_STATES)
    publicity = ctx.settings.publicity(county)
    people = [
        _person(
            file,
            publicity.item_names(file.item_codes_on(today), names, categories),
            providers.get(file.person_id, ()),
        )
        for file in files
    ]
    style = ctx.settings.name_style(county)
    place = place_zh(village_code)
    return compose_board(
        village_code,
        place,
        people,
        period=calendar.month_of(now),
        today=today,
        style=style,
        publicity=publicity,
    )


async def _store_version(
    uow: UnitOfWork,
    content: BoardContent,
    *,
    version: int,
    ctx: ArchiveContext,
    cause: uuid.UUID | None,
) -> None:
    now = clock.now()
    hotline = ctx.settings.board_hotline
    html = render.board_page(content, version=version, valid_from=now, hotline=hotline)
    ensure_publishable(html)  # the last check before anything reaches the public page
    values = {
        "village_code": content.village_code,
        "version": version,
        "township_code": content.village_code[:9],
        "valid_from": now,
        "period": content.period,
        "entry_count": len(content.rows),
        "content": content.to_json(),
        "content_sha256": content.digest(),
        "html": html,
        "cause_event_id": cause,
    }
    await repo.add_version(uow.session, values)


async def refresh_board(
    village_code: str, *, uow: UnitOfWork, ctx: ArchiveContext, cause: uuid.UUID | None = None
) -> BoardRefreshed | None:
    """Makes a new board version if what the board shows changed; announces it."""
    current = await repo.lock_head(uow.session, village_code)
    content = await compose(uow, village_code, ctx=ctx)
    if current and await repo.latest_digest(uow.session, village_code, current) == content.digest():
        return None
    version = current + 1
    await _store_version(uow, content, version=version, ctx=ctx, cause=cause)
    event = BoardRefreshed(
        village_code=village_code,
        township_code=village_code[:9],
        board_version=version,
        entry_count=len(content.rows),
        cause_event_id=cause,
    )
    announce(uow, event)
    return event


async def refresh_boards(
    villages: Iterable[str], *, uow: UnitOfWork, ctx: ArchiveContext, cause: uuid.UUID | None
) -> None:
    """Refreshes several boards, locking them in code order (no deadlocks between events)."""
    if not ctx.refresh_boards:
        return
    for village_code in sorted(set(villages)):
        await refresh_board(village_code, uow=uow, ctx=ctx, cause=cause)


async def refresh_due_boards(*, uow_factory: Callable[[], UnitOfWork], ctx: ArchiveContext) -> int:
    """Renders again every board a new day made out of date; returns how many changed.

    On the 1st, last month's additions and removals leave the page and the title names the
    new month; on the day a dated stop or suspension takes effect, the person leaves the list.
    Old versions stay in the history. One transaction per village."""
    now = clock.now()
    async with uow_factory() as uow:
        villages = await repo.boards_out_of_date(
            uow.session, calendar.month_of(now), calendar.day_of(now)
        )
    made = 0
    for village_code in villages:
        async with uow_factory() as uow:
            made += await refresh_board(village_code, uow=uow, ctx=ctx) is not None
            await uow.commit()
    return made


def _known_village(village_code: str) -> None:
    known = divisions.get(village_code)
    if known is None or known.level is not divisions.DivisionLevel.VILLAGE:
        raise NotFound("没有这个村（社区）", code="village_not_found", field="path.village_code")


async def board_page(
    village_code: str, *, uow: UnitOfWork, ctx: ArchiveContext, as_of: date | None = None
) -> BoardPage:
    """The board as shown now, or at the end of ``as_of`` (Asia/Shanghai) within the
    publicity period."""
    _known_village(village_code)
    if as_of is not None and as_of < _public_since(village_code, ctx):
        raise NotFound(
            f"{as_of} 的公示已超过公开期限，请向乡镇（街道）查询",
            code="outside_publicity_period",
            field="query.as_of",
        )
    async with uow:
        if as_of is not None:
            version = await repo.shown_before(uow.session, village_code, calendar.end_of_day(as_of))
            if version is None:
                raise NotFound(f"{as_of} 时该村（社区）尚未发布公示", code="board_not_published")
        else:
            version = await repo.current_version(uow.session, village_code)
        if version:
            shown = await repo.published(uow.session, village_code, version)
            if shown is not None:
                return BoardPage(shown.html, version, shown.valid_from)
        content = await compose(uow, village_code, ctx=ctx)
    hotline = ctx.settings.board_hotline
    return BoardPage(render.board_page(content, version=None, valid_from=None, hotline=hotline))


async def board_versions(
    village_code: str, *, uow: UnitOfWork, ctx: ArchiveContext | None = None
) -> Sequence[BoardVersion]:
    """Every version of a board, newest first; for the public (``ctx``), those still public."""
    _known_village(village_code)
    async with uow:
        versions = await repo.versions(uow.session, village_code)
    if ctx is None:
        return versions
    since = calendar.start_of_day(_public_since(village_code, ctx))
    # The version shown when the period began is still what the public saw on its first day.
    shown_then = [v for v in versions if v.valid_from < since][:1]
    return [v for v in versions if v.valid_from >= since] + shown_then


def _public_since(village_code: str, ctx: ArchiveContext) -> date:
    """The first day whose board the public may still ask for."""
    county = divisions.county_of(village_code) if divisions.get(village_code) else None
    publicity = ctx.settings.publicity(county or village_code[:6])
    return publicity.public_since(calendar.day_of(clock.now()))


async def refresh_now(
    village_code: str, *, uow: UnitOfWork, ctx: ArchiveContext, principal: Principal
) -> Sequence[BoardVersion]:
    """An officer's refresh of a board in their jurisdiction; returns the versions."""
    _known_village(village_code)
    ensure_jurisdiction(principal, village_code)
    async with uow:
        await refresh_board(village_code, uow=uow, ctx=ctx)
        await uow.commit()
    return await board_versions(village_code, uow=uow)
