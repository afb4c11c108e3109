"""A change of a recipient's services (服务内容调整, issue 20): a step in the file's history
naming the items, the file's items from the change's day, and the village board following.
"""

from __future__ import annotations

from dataclasses import asdict

from archive.context import ArchiveContext
from archive.domain import history
from archive.domain.items import ItemsChange, apply_items_change
from archive.handlers.boards import refresh_boards
from archive.repository import files as files_repo
from archive.repository import services as services_repo
from civic.uow import UnitOfWork
from contracts.review import RecipientServicesChanged


async def record_services_change(
    event: RecipientServicesChanged, *, uow: UnitOfWork, ctx: ArchiveContext
) -> None:
    """Enters a change of services in the file (items by name) and refreshes the board."""
    async with uow:
        # One person's events come on several topics at once: one at a time, as note_event.
        await files_repo.lock_person(uow.session, event.person_id)
        file = await files_repo.file_of_person(uow.session, event.person_id)
        # Names as the county's catalogue gives them; before the file opens, the codes.
        names = await services_repo.item_names(uow.session, file.county_code) if file else {}
        await files_repo.add_history(
            uow.session,
            event,
            person_id=event.person_id,
            topic=type(event).TOPIC,
            summary=history.services_changed(event, names),
        )
        if file is not None and file.recipient_id == event.recipient_id:
            after = apply_items_change(file.items, ItemsChange.of(event))
            if after != file.items:  # else stale or repeated
                await files_repo.update_file(uow.session, file.file_id, asdict(after))
                # The board lists the items in force today: it changes now, or (a change
                # dated later) on its day, when the day clock renders boards out of date.
                await refresh_boards([file.village_code], uow=uow, ctx=ctx, cause=event.event_id)
        await uow.commit()
