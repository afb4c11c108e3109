"""Use cases triggered by other services' events: history, files, orders, records, names."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.engine import RowMapping

from archive.context import ArchiveContext
from archive.domain import history
from archive.domain.files import (
    FileState,
    StatusChange,
    apply_change,
    file_id_for,
    fold_counting,
    initial_state,
    villages_touched,
)
from archive.domain.numbers import ServiceNumber, issue_year
from archive.handlers.boards import refresh_boards
from archive.handlers.common import announce
from archive.repository import boards as boards_repo
from archive.repository import files as files_repo
from archive.repository import services as services_repo
from civic.uow import UnitOfWork
from contracts import dispatch
from contracts.archive import FileOpened, FileStatusRecorded
from contracts.envelope import Event, PersonEvent
from contracts.review import RecipientApproved, RecipientStatusChanged
from contracts.settlement import CatalogueVersionPublished

#: Order events and the state each leaves the order in (None: the state does not change).
ORDER_STATES: dict[type[Event], str | None] = {
    dispatch.ServiceOrderAccepted: "accepted",
    dispatch.ServiceOrderDeclined: "declined",
    dispatch.ServiceOrderPaused: "paused",
    dispatch.ServiceOrderResumed: "resumed",
    dispatch.ServiceOrderCancelled: "cancelled",
    dispatch.ServiceOrderEscalated: None,
}


async def note_event(event: Event, *, uow: UnitOfWork) -> None:
    """Appends a person's event to their history (its producer mirrors it for big data)."""
    if isinstance(event, PersonEvent):
        # One person's events come on several topics at once (an approval and a status
        # change): applying them one at a time keeps the file the fold of all of them.
        await files_repo.lock_person(uow.session, event.person_id)
    if type(event) in history.HISTORY_EVENTS:
        summary = history.summary(event)
        await files_repo.add_history(uow.session, event, topic=type(event).TOPIC, summary=summary)


def _file_values(e: RecipientApproved, state: FileState) -> dict[str, object]:
    return {
        "recipient_id": e.recipient_id,
        "application_id": e.application_id,
        "household_id": e.household_id,
        "display_name": e.display_name,
        "special_conditions": [c.value for c in e.special_conditions],
        "self_care_level": e.self_care_level.value if e.self_care_level else None,
        "need_categories": [c.value for c in e.need_categories],
        "approved_items": [i.model_dump(mode="json") for i in e.approved_items],
        "approved_on": e.effective_date,
        "opened_at": e.occurred_at,
        **files_repo.state_values(state),
    }


async def _state_for(
    e: RecipientApproved, *, uow: UnitOfWork
) -> tuple[FileState, list[RecipientStatusChanged]]:
    """The file's state with the status changes that overtook the approval (another topic)
    folded in, and those of them that changed it: each is recorded as if it came after."""
    known = await files_repo.status_changes_of(uow.session, e.person_id, e.recipient_id)
    state, versions = fold_counting(initial_state(e), [StatusChange.of(c) for c in known])
    by_version = {c.version: c for c in known}
    return state, [by_version[v] for v in versions]


def _record_overtaken(changes: list[RecipientStatusChanged], *, uow: UnitOfWork) -> None:
    # Subscribers count one FileStatusRecorded per change, whichever arrived first.
    for change in changes:
        announce(uow, _recorded(change, file_id_for(change.person_id)))


async def _readmit(
    row: RowMapping, e: RecipientApproved, *, uow: UnitOfWork, ctx: ArchiveContext
) -> None:
    # One person, one file: a person approved again keeps the file and its service number.
    if row["recipient_id"] == e.recipient_id:
        return
    before, (after, overtaken) = files_repo.state_of(row), await _state_for(e, uow=uow)
    await files_repo.update_file(uow.session, row["file_id"], _file_values(e, after))
    _record_overtaken(overtaken, uow=uow)
    await refresh_boards(villages_touched(before, after), uow=uow, ctx=ctx, cause=e.event_id)


async def _issue(e: RecipientApproved, *, uow: UnitOfWork, ctx: ArchiveContext) -> ServiceNumber:
    year = issue_year(e.occurred_at)
    person = str(e.person_id)
    seq = await ctx.numbers.issue(uow.session, county_code=e.county_code, year=year, person=person)
    return ServiceNumber(e.county_code, year, seq)


def _identity(e: RecipientApproved, number: ServiceNumber) -> dict[str, object]:
    return {
        "file_id": file_id_for(e.person_id),
        "person_id": e.person_id,
        "service_number": str(number),
        "issue_county_code": number.county_code,
        "issue_year": number.year,
        "sequence": number.sequence,
    }


def _opened(e: RecipientApproved, number: ServiceNumber) -> FileOpened:
    return FileOpened(
        person_id=e.person_id,
        file_id=file_id_for(e.person_id),
        recipient_id=e.recipient_id,
        service_number=str(number),
        county_code=e.county_code,
        township_code=e.township_code,
        village_code=e.village_code,
        correlation_id=str(e.event_id),
    )


async def open_file(e: RecipientApproved, *, uow: UnitOfWork, ctx: ArchiveContext) -> None:
    """Opens the person's file with the next service number of their county (一人一档)."""
    await note_event(e, uow=uow)
    existing = await files_repo.file_of_person(uow.session, e.person_id)
    if existing is not None:
        return await _readmit(existing, e, uow=uow, ctx=ctx)
    state, overtaken = await _state_for(e, uow=uow)
    number = await _issue(e, uow=uow, ctx=ctx)
    await files_repo.insert_file(uow.session, _identity(e, number) | _file_values(e, state))
    announce(uow, _opened(e, number))
    _record_overtaken(overtaken, uow=uow)
    await refresh_boards(villages_touched(None, state), uow=uow, ctx=ctx, cause=e.event_id)


def _recorded(e: RecipientStatusChanged, file_id: uuid.UUID) -> FileStatusRecorded:
    return FileStatusRecorded(
        person_id=e.person_id,
        file_id=file_id,
        recipient_id=e.recipient_id,
        status=e.status,
        status_version=e.version,
        effective_date=e.effective_date,
        source_event_id=e.event_id,
        correlation_id=str(e.event_id),
    )


async def record_status_change(
    e: RecipientStatusChanged, *, uow: UnitOfWork, ctx: ArchiveContext
) -> None:
    """Enters a status change in the file and refreshes the boards it changes."""
    await note_event(e, uow=uow)
    row = await files_repo.file_of_person(uow.session, e.person_id)
    if row is None or row["recipient_id"] != e.recipient_id:
        return  # kept in the history; folded in when the approval arrives
    before = files_repo.state_of(row)
    after = apply_change(before, StatusChange.of(e))
    if after == before:
        return  # stale or repeated
    await files_repo.update_file(uow.session, row["file_id"], files_repo.state_values(after))
    announce(uow, _recorded(e, row["file_id"]))
    await refresh_boards(villages_touched(before, after), uow=uow, ctx=ctx, cause=e.event_id)


async def _refresh_village_of(
    person_id: uuid.UUID, cause: uuid.UUID, *, uow: UnitOfWork, ctx: ArchiveContext
) -> None:
    row = await files_repo.file_of_person(uow.session, person_id)
    if row is not None:
        await refresh_boards([row["village_code"]], uow=uow, ctx=ctx, cause=cause)


async def record_order(
    e: dispatch.ServiceOrderCreated, *, uow: UnitOfWork, ctx: ArchiveContext
) -> None:
    """Adds a service order to the file; the board names the provider."""
    await note_event(e, uow=uow)
    await services_repo.save_order_created(uow.session, e)
    await _refresh_village_of(e.person_id, e.event_id, uow=uow, ctx=ctx)


async def record_order_change(
    e: dispatch.orders.OrderEvent, *, uow: UnitOfWork, ctx: ArchiveContext
) -> None:
    """Moves an order to its new state (newer versions only) and refreshes the board."""
    await note_event(e, uow=uow)
    state = ORDER_STATES.get(type(e))
    if state is None:
        return
    since: date | None = getattr(e, "effective_date", None)
    await services_repo.save_order_state(
        uow.session,
        order_id=e.order_id,
        person_id=e.person_id,
        state=state,
        since=since,
        version=e.version,
    )
    await _refresh_village_of(e.person_id, e.event_id, uow=uow, ctx=ctx)


async def record_service(
    e: dispatch.ServiceDelivered | dispatch.ServiceRecordRefused, *, uow: UnitOfWork
) -> None:
    """Adds a validated or refused service record to the file."""
    await note_event(e, uow=uow)
    await services_repo.save_record(uow.session, e)


async def record_provider(
    e: dispatch.ProviderRegistered | dispatch.ProviderUpdated,
    *,
    uow: UnitOfWork,
    ctx: ArchiveContext,
) -> None:
    """Keeps a provider's name for boards and ledgers; boards naming it are refreshed."""
    await note_event(e, uow=uow)
    await services_repo.save_provider(uow.session, e)
    villages = await boards_repo.villages_served_by(uow.session, e.provider_id)
    await refresh_boards(villages, uow=uow, ctx=ctx, cause=e.event_id)


async def record_catalogue(
    e: CatalogueVersionPublished, *, uow: UnitOfWork, ctx: ArchiveContext
) -> None:
    """Keeps the county's item names for boards and ledgers; the county's boards follow."""
    await note_event(e, uow=uow)
    await services_repo.save_catalogue(uow.session, e)
    villages = await boards_repo.villages_in_county(uow.session, e.county_code)
    await refresh_boards(villages, uow=uow, ctx=ctx, cause=e.event_id)
