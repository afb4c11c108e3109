"""Use cases triggered by other services' events: history, files, orders, records, names."""

from __future__ import annotations

import functools
import uuid
from dataclasses import asdict
from datetime import date
from typing import Protocol, TypeVar

from archive.context import ArchiveContext
from archive.domain import history
from archive.domain.files import (
    ArchiveFile,
    FileState,
    StatusChange,
    apply_change,
    file_id_for,
    fold_counting,
    initial_state,
    villages_touched,
)
from archive.domain.items import ItemsChange, ItemsState, fold_items, initial_items
from archive.domain.numbers import ServiceNumber, issue_year
from archive.handlers.boards import refresh_boards
from archive.handlers.common import announce
from archive.repository import boards as boards_repo
from archive.repository import files as files_repo
from archive.repository import services as services_repo
from civic.uow import UnitOfWork
from contracts import dispatch as dispatch_events
from contracts.archive import FileOpened, FileStatusRecorded
from contracts.envelope import Event, PersonEvent
from contracts.review import RecipientApproved, RecipientStatusChanged
from contracts.settlement import CatalogueVersionPublished

E = TypeVar("E", bound=Event, contravariant=True)

#: Order events and the state each leaves the order in (None: the state does not change).
ORDER_STATES: dict[type[Event], str | None] = {
    dispatch_events.ServiceOrderAccepted: "accepted",
    dispatch_events.ServiceOrderDeclined: "declined",
    dispatch_events.ServiceOrderPaused: "paused",
    dispatch_events.ServiceOrderResumed: "resumed",
    dispatch_events.ServiceOrderCancelled: "cancelled",
    dispatch_events.ServiceOrderEscalated: None,
}


async def note_event(event: Event, *, uow: UnitOfWork) -> None:
    """Appends a person's event to their history (its producer mirrors it for big data)."""
    async with uow:
        if isinstance(event, PersonEvent):
            # One person's events come on several topics at once (an approval and a status
            # change): applying them one at a time keeps the file the fold of all of them.
            await files_repo.lock_person(uow.session, event.person_id)
        person_id = history.person_of(event) if type(event) in history.HISTORY_EVENTS else None
        if person_id is not None:
            summary = history.summary(event)
            topic = type(event).TOPIC
            await files_repo.add_history(
                uow.session, event, person_id=person_id, topic=topic, summary=summary
            )
        await uow.commit()


class EventStep(Protocol[E]):
    """What archive does with one kind of event, inside a unit of work it is given."""

    async def __call__(self, event: E, *, uow: UnitOfWork, ctx: ArchiveContext) -> None: ...


def noted(step: EventStep[E]) -> EventStep[E]:
    """The use case of ``step``: in one unit of work, the event is noted in the person's history
    (see ``note_event``), then ``step`` runs, then it commits."""

    @functools.wraps(step)
    async def use_case(event: E, *, uow: UnitOfWork, ctx: ArchiveContext) -> None:
        async with uow:
            await note_event(event, uow=uow)
            await step(event, uow=uow, ctx=ctx)
            await uow.commit()

    return use_case


def _file_values(
    event: RecipientApproved, state: FileState, items: ItemsState
) -> dict[str, object]:
    return {
        "recipient_id": event.recipient_id,
        "application_id": event.application_id,
        "household_id": event.household_id,
        "display_name": event.display_name,
        "special_conditions": [c.value for c in event.special_conditions],
        "self_care_level": event.self_care_level.value if event.self_care_level else None,
        "need_categories": [c.value for c in event.need_categories],
        "approved_on": event.effective_date,
        "opened_at": event.occurred_at,
        "route": event.route.value,
        **asdict(items),
        **files_repo.state_values(state),
    }


async def _items_for(event: RecipientApproved, *, uow: UnitOfWork) -> ItemsState:
    """The file's items with the changes of services that overtook the approval folded in."""
    known = await files_repo.services_changes_of(uow.session, event.person_id, event.recipient_id)
    return fold_items(initial_items(event), [ItemsChange.of(c) for c in known])


async def _state_for(
    event: RecipientApproved, *, uow: UnitOfWork
) -> tuple[FileState, list[RecipientStatusChanged]]:
    """The file's state with the status changes that overtook the approval (another topic)
    folded in, and those of them that changed it: each is recorded as if it came after."""
    known = await files_repo.status_changes_of(uow.session, event.person_id, event.recipient_id)
    state, versions = fold_counting(initial_state(event), [StatusChange.of(c) for c in known])
    by_version = {c.version: c for c in known}
    return state, [by_version[v] for v in versions]


def _record_overtaken(changes: list[RecipientStatusChanged], *, uow: UnitOfWork) -> None:
    # Subscribers count one FileStatusRecorded per change, whichever arrived first.
    for change in changes:
        announce(uow, _recorded(change, file_id_for(change.person_id)))


async def _readmit(
    file: ArchiveFile, event: RecipientApproved, *, uow: UnitOfWork, ctx: ArchiveContext
) -> None:
    # One person, one file: a person approved again keeps the file and its service number.
    if file.recipient_id == event.recipient_id:
        return
    before, (after, overtaken) = file.state, await _state_for(event, uow=uow)
    items = await _items_for(event, uow=uow)
    await files_repo.update_file(uow.session, file.file_id, _file_values(event, after, items))
    _record_overtaken(overtaken, uow=uow)
    await refresh_boards(villages_touched(before, after), uow=uow, ctx=ctx, cause=event.event_id)


async def _issue(
    event: RecipientApproved, *, uow: UnitOfWork, ctx: ArchiveContext
) -> ServiceNumber:
    year = issue_year(event.occurred_at)
    person = str(event.person_id)
    seq = await ctx.numbers.issue(
        uow.session, county_code=event.county_code, year=year, person=person
    )
    return ServiceNumber(event.county_code, year, seq)


def _identity(event: RecipientApproved, number: ServiceNumber) -> dict[str, object]:
    return {
        "file_id": file_id_for(event.person_id),
        "person_id": event.person_id,
        "service_number": str(number),
        "issue_county_code": number.county_code,
        "issue_year": number.year,
        "sequence": number.sequence,
    }


def _opened(event: RecipientApproved, number: ServiceNumber) -> FileOpened:
    return FileOpened(
        person_id=event.person_id,
        file_id=file_id_for(event.person_id),
        recipient_id=event.recipient_id,
        service_number=str(number),
        county_code=event.county_code,
        township_code=event.township_code,
        village_code=event.village_code,
        correlation_id=str(event.event_id),
    )


@noted
async def open_file(event: RecipientApproved, *, uow: UnitOfWork, ctx: ArchiveContext) -> None:
    """Opens the person's file with the next service number of their county (一人一档)."""
    existing = await files_repo.file_of_person(uow.session, event.person_id)
    if existing is not None:
        return await _readmit(existing, event, uow=uow, ctx=ctx)
    state, overtaken = await _state_for(event, uow=uow)
    number = await _issue(event, uow=uow, ctx=ctx)
    values = _file_values(event, state, await _items_for(event, uow=uow))
    await files_repo.insert_file(uow.session, _identity(event, number) | values)
    announce(uow, _opened(event, number))
    _record_overtaken(overtaken, uow=uow)
    await refresh_boards(villages_touched(None, state), uow=uow, ctx=ctx, cause=event.event_id)


def _recorded(event: RecipientStatusChanged, file_id: uuid.UUID) -> FileStatusRecorded:
    return FileStatusRecorded(
        person_id=event.person_id,
        file_id=file_id,
        recipient_id=event.recipient_id,
        status=event.status,
        status_version=event.version,
        effective_date=event.effective_date,
        source_event_id=event.event_id,
        correlation_id=str(event.event_id),
    )


@noted
async def record_status_change(
    event: RecipientStatusChanged, *, uow: UnitOfWork, ctx: ArchiveContext
) -> None:
    """Enters a status change in the file and refreshes the boards it changes."""
    file = await files_repo.file_of_person(uow.session, event.person_id)
    if file is None or file.recipient_id != event.recipient_id:
        return  # kept in the history; folded in when the approval arrives
    before = file.state
    after = apply_change(before, StatusChange.of(event))
    if after == before:
        return  # stale or repeated
    await files_repo.update_file(uow.session, file.file_id, files_repo.state_values(after))
    announce(uow, _recorded(event, file.file_id))
    await refresh_boards(villages_touched(before, after), uow=uow, ctx=ctx, cause=event.event_id)


async def _refresh_village_of(
    person_id: uuid.UUID, cause: uuid.UUID, *, uow: UnitOfWork, ctx: ArchiveContext
) -> None:
    file = await files_repo.file_of_person(uow.session, person_id)
    if file is not None:
        await refresh_boards([file.village_code], uow=uow, ctx=ctx, cause=cause)


@noted
async def record_order(
    event: dispatch_events.ServiceOrderCreated, *, uow: UnitOfWork, ctx: ArchiveContext
) -> None:
    """Adds a service order to the file; the board names the provider."""
    await services_repo.save_order_created(uow.session, event)
    await _refresh_village_of(event.person_id, event.event_id, uow=uow, ctx=ctx)


@noted
async def record_order_change(
    event: dispatch_events.orders.OrderEvent, *, uow: UnitOfWork, ctx: ArchiveContext
) -> None:
    """Moves an order to its new state (newer versions only) and refreshes the board."""
    state = ORDER_STATES.get(type(event))
    if state is None:
        return
    since: date | None = getattr(event, "effective_date", None)
    await services_repo.save_order_state(
        uow.session,
        order_id=event.order_id,
        person_id=event.person_id,
        state=state,
        since=since,
        version=event.version,
    )
    await _refresh_village_of(event.person_id, event.event_id, uow=uow, ctx=ctx)


async def record_service(
    event: dispatch_events.ServiceDelivered | dispatch_events.ServiceRecordRefused,
    *,
    uow: UnitOfWork,
) -> None:
    """Adds a validated or refused service record to the file."""
    async with uow:
        await note_event(event, uow=uow)
        await services_repo.save_record(uow.session, event)
        await uow.commit()


@noted
async def record_provider(
    event: dispatch_events.ProviderRegistered | dispatch_events.ProviderUpdated,
    *,
    uow: UnitOfWork,
    ctx: ArchiveContext,
) -> None:
    """Keeps a provider's name for boards and ledgers; boards naming it are refreshed."""
    await services_repo.save_provider(uow.session, event)
    villages = await boards_repo.villages_served_by(uow.session, event.provider_id)
    await refresh_boards(villages, uow=uow, ctx=ctx, cause=event.event_id)


@noted
async def record_catalogue(
    event: CatalogueVersionPublished, *, uow: UnitOfWork, ctx: ArchiveContext
) -> None:
    """Keeps the county's item names for boards and ledgers; the county's boards follow."""
    await services_repo.save_catalogue(uow.session, event)
    villages = await boards_repo.villages_in_county(uow.session, event.county_code)
    await refresh_boards(villages, uow=uow, ctx=ctx, cause=event.event_id)
