"""Registration (受理登记) by the township, checks verified, and withdrawal before a decision."""

from __future__ import annotations

import uuid

from civic import clock
from civic.security import Principal, ensure_jurisdiction
from civic.uow import UnitOfWork
from contracts.enums import ServiceCategory
from contracts.reasons import WithdrawalReason
from intake.domain import events
from intake.domain.model import Application, CatalogueEntry, Claim, advance
from intake.domain.rules import (
    InvalidApplication,
    check_conditions_against_age,
    check_needs,
    classify,
    resolve_items,
)
from intake.domain.status import ApplicationStatus, ensure_can_register, ensure_can_withdraw
from intake.domain.verification import DuplicateApplication, ensure_verified, settle_verified
from intake.handlers.access import STAFF_CHANGERS, ensure_may_access, seen_by
from intake.handlers.common import apply_settlement, catalogue_for, load_or_404
from intake.repository import IntakeRecords


async def register_application(
    application_id: uuid.UUID,
    claim: Claim,
    *,
    verified: bool = False,
    uow: UnitOfWork,
    records: IntakeRecords,
    caller: Principal,
) -> Application:
    """Registers and classifies a submitted application, its checks verified; emits the event."""
    async with uow:
        app = await load_or_404(records, application_id)
        ensure_jurisdiction(caller, app.village_code)
        ensure_can_register(app.status)
        ensure_verified(app, verified=verified)
        await _release_hold(app, records, caller)
        items, needs = await _classified(app, claim, records)
        done = advance(
            app,
            ApplicationStatus.REGISTERED,
            at=clock.now(),
            note_zh="乡镇(街道)已核实并受理登记" if app.checks else "乡镇(街道)已受理登记",
            category=claim.category,
            special_conditions=claim.special_conditions,
            requested_items=items,
            need_categories=needs,
            duplicate_of=None,
        )
        await apply_settlement(records, settle_verified(app))
        await records.save_change(done, registered_by=caller.user_id)
        uow.emit(events.registered(done, officer_id=caller.user_id))
        await uow.commit()
    return seen_by(caller, done)


async def _release_hold(app: Application, records: IntakeRecords, caller: Principal) -> None:
    """A held application is registered only once the person has no other open one."""
    if app.duplicate_of is None:
        return
    if (other := await records.open_application_of(app.person_id)) is not None:
        raise DuplicateApplication(other, field=None, shown=caller.covers(other.village_code))


async def _classified(
    app: Application, claim: Claim, records: IntakeRecords
) -> tuple[tuple[CatalogueEntry, ...], tuple[ServiceCategory, ...]]:
    """The confirmed items and need categories, after the same checks as at submission."""
    day = clock.today()
    conditions_field = "body.special_conditions"
    problems = check_conditions_against_age(
        claim.special_conditions, app.applicant.id_number, day, conditions_field
    )
    if problems:
        raise InvalidApplication(problems)
    catalogue = await catalogue_for(records, app.village_code, day)
    items = resolve_items(claim.requested_item_codes, catalogue, "body.requested_item_codes")
    check_needs(claim, items, "body.need_categories")
    return items, classify(items, claim.extra_needs)


async def withdraw_application(
    application_id: uuid.UUID,
    reason: WithdrawalReason,
    reason_zh: str | None,
    *,
    uow: UnitOfWork,
    records: IntakeRecords,
    caller: Principal,
) -> Application:
    """Withdraws an undecided application for its app user or staff; emits ApplicationWithdrawn."""
    async with uow:
        app = await load_or_404(records, application_id)
        ensure_may_access(caller, app, STAFF_CHANGERS)
        ensure_can_withdraw(app.status)
        note = f"已撤回：{reason_zh or reason.label_zh}"
        done = advance(app, ApplicationStatus.WITHDRAWN, at=clock.now(), note_zh=note)
        await records.save_change(done)
        uow.emit(events.withdrawn(done, reason=reason, reason_zh=reason_zh))
        await uow.commit()
    return seen_by(caller, done)
