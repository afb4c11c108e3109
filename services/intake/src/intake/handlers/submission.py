"""Taking an application in: from a window, an app, or a coordinator's discovery report."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from civic import clock
from civic.errors import Conflict
from civic.idempotency import Answer, Retry
from civic.security import Principal, ensure_jurisdiction
from civic.uow import UnitOfWork
from contracts.enums import Role
from intake.domain import events
from intake.domain.model import Application, Draft, new_application
from intake.domain.rules import (
    InvalidApplication,
    check_channel,
    check_draft,
    check_needs,
    choose_household,
    classify,
    resolve_items,
)
from intake.handlers.access import STAFF_SUBMITTERS
from intake.handlers.common import Render, catalogue_for
from intake.repository import IntakeRecords


@dataclass(frozen=True)
class Intake:
    """How a draft arrived: who entered it, in which role, and where its person is in the body."""

    caller: Principal
    role: Role
    person_field: str  # body.applicant or body.person, for field names in problems


@dataclass(frozen=True)
class Submission:
    """Where a use case writes, who asks, and how its answer is kept for a retry."""

    uow: UnitOfWork
    records: IntakeRecords
    caller: Principal
    retry: Retry | None
    render: Render


async def submit_application(draft: Draft, asked: Submission) -> Answer:
    """Validates and stores an application and emits ApplicationSubmitted; a retry replays."""
    how = Intake(asked.caller, _acting_role(asked.caller), "body.applicant")
    by_app = how.role is Role.APPLICANT_APP
    uow, records = asked.uow, asked.records
    async with uow:
        if (first := await records.replayed(asked.retry)) is not None:
            return first
        if problems := check_channel(draft.channel, by_applicant_app=by_app):
            raise InvalidApplication(problems)
        app = await _open(draft, records=records, how=how)
        uow.emit(events.submitted(app))
        answer = Answer(201, asked.render(app))
        await records.remember(asked.retry, answer)
        await uow.commit()
    return answer


async def report_discovery(draft: Draft, asked: Submission) -> Answer:
    """Opens an application from a coordinator's report: DiscoveryReported, ApplicationSubmitted."""
    how = Intake(asked.caller, Role.COORDINATOR, "body.person")
    uow, records = asked.uow, asked.records
    async with uow:
        if (first := await records.replayed(asked.retry)) is not None:
            return first
        app = await _open(draft, records=records, how=how, discovery_id=uuid.uuid4())
        await records.insert_discovery(app, situation_zh=draft.situation_zh)
        assert app.discovery_id is not None
        uow.emit(events.discovered(app, discovery_id=app.discovery_id))
        uow.emit(events.submitted(app))
        answer = Answer(201, asked.render(app))
        await records.remember(asked.retry, answer)
        await uow.commit()
    return answer


def _acting_role(caller: Principal) -> Role:
    # A staff role wins: staff entering an application are held to their jurisdiction.
    return next((role for role in STAFF_SUBMITTERS if caller.has_any(role)), Role.APPLICANT_APP)


async def _open(
    draft: Draft, *, records: IntakeRecords, how: Intake, discovery_id: uuid.UUID | None = None
) -> Application:
    """Checks every rule, registers the people and stores the new application."""
    day = clock.today()
    check_draft(draft, day=day, conditions_field="body.special_conditions")
    if how.role is not Role.APPLICANT_APP:
        ensure_jurisdiction(how.caller, draft.village_code)
    catalogue = await catalogue_for(records, draft.village_code, day)
    items = resolve_items(draft.claim.requested_item_codes, catalogue, "body.requested_item_codes")
    check_needs(draft.claim, items, "body.need_categories")
    person_id, household_id, member_ids = await _register_people(draft, records, how)
    app = new_application(
        draft,
        person_id=person_id,
        household_id=household_id,
        items=items,
        needs=classify(items, draft.claim.extra_needs),
        submitted_by=how.caller.user_id,
        submitted_by_role=how.role.value,
        at=clock.now(),
        discovery_id=discovery_id,
    )
    consent_at = app.submitted_at if draft.consent_to_data_use else None
    await records.insert_application(app, member_person_ids=member_ids, consent_given_at=consent_at)
    return app


async def _register_people(
    draft: Draft, records: IntakeRecords, how: Intake
) -> tuple[uuid.UUID, uuid.UUID, list[uuid.UUID]]:
    """Gives everyone a person_id, refuses a second open application, settles the household."""
    person_id, known_household = await records.upsert_person(
        draft.applicant.id_number, draft.applicant.name
    )
    if (existing := await records.open_application_of(person_id)) is not None:
        raise Conflict(
            "该申请人已有正在办理的申请，请勿重复提交",
            code="open_application_exists",
            field=f"{how.person_field}.id_number",
            extra={"application_id": str(existing)},
        )
    members = [
        await records.upsert_person(member.id_number, member.name) for member in draft.members
    ]
    household_id = choose_household(known_household, (h for _, h in members))
    member_ids = [pid for pid, _ in members]
    await records.set_household([person_id, *member_ids], household_id)
    return person_id, household_id, member_ids
