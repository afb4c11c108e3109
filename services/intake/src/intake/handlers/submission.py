"""Taking an application in: from a window, an app, or a coordinator's discovery report."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from civic import clock
from civic.idempotency import Answer, Retry
from civic.security import Principal, ensure_jurisdiction
from civic.uow import UnitOfWork
from contracts.enums import Role
from intake.domain import events
from intake.domain.checks import Registered
from intake.domain.model import Application, Draft, new_application
from intake.domain.rules import (
    InvalidApplication,
    check_channel,
    check_draft,
    check_needs,
    classify,
    resolve_items,
)
from intake.domain.verification import (
    DuplicateApplication,
    Settlement,
    held_behind,
    people_sent,
    settle_by_app,
    settle_by_staff,
)
from intake.handlers.access import STAFF_SUBMITTERS, seen_by
from intake.handlers.common import Render, apply_settlement, catalogue_for
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
        answer = Answer(201, asked.render(seen_by(asked.caller, app)))
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
        answer = Answer(201, asked.render(seen_by(asked.caller, app)))
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
    people, settled = await _register_people(draft, records, how)
    app = new_application(
        draft,
        person_id=people[0].person_id,
        household_id=settled.household_id,
        items=items,
        needs=classify(items, draft.claim.extra_needs),
        submitted_by=how.caller.user_id,
        submitted_by_role=how.role.value,
        at=clock.now(),
        discovery_id=discovery_id,
    )
    app = replace(app, checks=settled.checks, duplicate_of=settled.duplicate_of)
    consent_at = app.submitted_at if draft.consent_to_data_use else None
    member_ids = [p.person_id for p in people[1:]]
    await records.insert_application(app, member_person_ids=member_ids, consent_given_at=consent_at)
    return app


async def _register_people(
    draft: Draft, records: IntakeRecords, how: Intake
) -> tuple[list[Registered], Settlement]:
    """Finds or adds everyone, then settles names and household as the caller may (issue 16)."""
    sent = people_sent(draft, how.person_field)
    people = [await records.find_or_add_person(one.id_number, one.name) for one in sent]
    by_app = how.role is Role.APPLICANT_APP
    settled = settle_by_app(people, sent) if by_app else settle_by_staff(people, sent)
    if (other := await records.open_application_of(people[0].person_id)) is not None:
        if not by_app:
            shown = how.caller.covers(other.village_code)
            field = f"{how.person_field}.id_number"
            raise DuplicateApplication(other, field=field, shown=shown)
        # The app is answered as for any application; the township sees why this one waits.
        settled = held_behind(settled, other, people[0].person_id, how.person_field)
    await apply_settlement(records, settled)
    return people, settled
