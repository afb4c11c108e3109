"""An existing recipient imported at go-live (存量导入): approved as a township decision approves.

The county's roll was decided by the city system before the platform existed, so there is
no survey to wait for: the case is filed from the import (its 初审 stands for the roll,
under the import's id) and decided by the same rules (``domain.decision.approve``). The
RecipientApproved that follows says ``route=import`` and ``approved_by`` the county IT
user, and files, service numbers, orders, boards and the big-data mirror follow as for any
approval. A person already decided or already a recipient is left as they are.
"""

from __future__ import annotations

import logging
import uuid

from civic import clock
from civic.uow import UnitOfWork
from contracts.enums import Channel, SelfCareLevel, ServiceCategory
from contracts.intake import RecipientImported
from contracts.review import ApprovalRoute
from contracts.settlement import version_in_force
from review import repository as repo
from review.domain import decision, events
from review.domain.case import (
    Approval,
    Case,
    ItemRequest,
    NeedAssessment,
    Preliminary,
    PreliminaryOutcome,
    Registration,
)

log = logging.getLogger(__name__)

#: The assessment's level when the roll has none (the recipient keeps "not assessed").
_UNASSESSED = SelfCareLevel.ABLE


async def approve_imported(event: RecipientImported, *, uow: UnitOfWork) -> None:
    """Admits an imported recipient once (RecipientApproved, route import); a repeat or a
    person already on the registry changes nothing."""
    await approve_imported_run([event], uow=uow)


async def approve_imported_run(events: list[RecipientImported], *, uow: UnitOfWork) -> None:
    """Admits a run of imported recipients in one transaction (an import brings thousands;
    a failing one makes the consumer retry the run's events one by one)."""
    async with uow:
        for event in events:
            await _admit_once(uow, event)
        await uow.commit()


async def _admit_once(uow: UnitOfWork, event: RecipientImported) -> None:
    case = await repo.start_case(uow.session, event.application_id, event.person_id)
    if case.decision is not None:
        log.info("import of application %s already decided", event.application_id)
        return
    if (held := await repo.open_recipient_of(uow.session, event.person_id)) is not None:
        log.warning("imported person is already recipient %s; nothing done", held)
        return
    await _admit(uow, case, event)


async def _admit(uow: UnitOfWork, case: Case, event: RecipientImported) -> None:
    """Decides the case by review's rules and registers the recipient, as an approval does."""
    versions = await repo.catalogue_versions(uow.session, event.county_code)
    approval = approval_from(event)
    decided, recipient = decision.approve(
        filed_from(case, event),
        approval,
        version_in_force(versions, event.effective_date),
        recipient_id=uuid.uuid4(),
        decided_by=event.imported_by,
        at=clock.now(),
    )
    recipient = recipient.model_copy(update={"self_care_level": event.self_care_level})
    approved = events.recipient_approved(recipient, route=ApprovalRoute.IMPORT)
    await repo.add_recipient(uow.session, recipient, event_id=approved.event_id)
    if event.self_care_level is not None:  # the roll's assessment, kept as a township's is
        await repo.add_assessment(
            uow.session,
            recipient,
            approval.need_assessment,
            by=event.imported_by,
            at=recipient.approved_at,
        )
    await repo.save_case(uow.session, decided)
    uow.emit(approved)


def filed_from(case: Case, event: RecipientImported) -> Case:
    """The case as the roll describes it: registered, and its 初审 passed (the roll's)."""
    codes = tuple(item.item_code for item in event.approved_items)
    registration = Registration(
        version=1,
        occurred_at=event.occurred_at,
        household_id=event.household_id,
        channel=Channel.CITY_SYSTEM,
        category=event.category,
        special_conditions=event.special_conditions,
        requested_item_codes=codes,
        need_categories=_needs(event),
        county_code=event.county_code,
        township_code=event.township_code,
        village_code=event.village_code,
        household_size=event.household_size,
        display_name=event.display_name,
        registered_by=event.imported_by,
    )
    roll = Preliminary(
        survey_id=event.import_id,  # no survey: the import run stands for it
        version=1,
        occurred_at=event.occurred_at,
        outcome=PreliminaryOutcome.PASSED,
        recommended_category=event.category,
        recommended_conditions=event.special_conditions,
        recommended_item_codes=codes,
        reviewed_by=(event.imported_by,),
    )
    return case.with_registration(registration).with_preliminary(roll)


def approval_from(event: RecipientImported) -> Approval:
    """The approval the roll amounts to: its items from its first day on the platform."""
    return Approval(
        need_assessment=NeedAssessment(
            self_care_level=event.self_care_level or _UNASSESSED,
            need_categories=_needs(event),
            notes="存量导入",
        ),
        items=tuple(
            ItemRequest(**item.model_dump(exclude={"service_category"}))
            for item in event.approved_items
        ),
        effective_date=event.effective_date,
        category=event.category,
        special_conditions=event.special_conditions,
    )


def _needs(event: RecipientImported) -> tuple[ServiceCategory, ...]:
    wanted = {item.service_category for item in event.approved_items}
    return tuple(c for c in ServiceCategory if c in wanted)
