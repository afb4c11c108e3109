"""Emergency care (救急难): opened at once by a coordinator or the township for a person whose
application review knows, confirmed by the township's approval of that application, ended by
its rejection or — unconfirmed — on its deadline, exactly once."""

from __future__ import annotations

import uuid
from datetime import datetime

from civic import clock, idempotency
from civic.errors import Conflict, NotFound
from civic.idempotency import Answer
from civic.security import Principal, ensure_jurisdiction
from civic.uow import UnitOfWork
from contracts import calendar
from contracts.enums import StatusSource
from contracts.reasons import ServiceChangeReason
from contracts.review import ApprovalRoute, ChangeSource
from contracts.settlement import version_in_force
from review import repository as repo
from review.domain import decision, events
from review.domain import emergency as rules
from review.domain.access import EmergencyQuery
from review.domain.case import Approval, Case, StateConflict
from review.domain.decision import Recipient
from review.domain.emergency import Emergency, EmergencyState, OpenEmergency
from review.domain.service_change import diff_items
from review.domain.status import TERMINAL, ChangeOrigin
from review.handlers.common import jurisdiction_scope, retry_of
from review.handlers.recipients import apply_change


async def open_emergency(
    cmd: OpenEmergency,
    *,
    uow: UnitOfWork,
    opener: Principal,
    day_s: float,
    idempotency_key: str | None,
) -> Emergency:
    """Makes the person a recipient at once (RecipientApproved, route emergency, time-boxed);
    a retry with the same Idempotency-Key gets the first answer."""
    scope = f"review.emergency:{cmd.application_id}"
    retry = retry_of(idempotency_key, scope=scope, body=cmd.model_dump(mode="json"))
    async with uow:
        case = await repo.get_case(uow.session, cmd.application_id, lock=True)
        if case is None or case.registration is None:
            raise NotFound("未找到该申请(可能尚未受理登记)", code="case_not_found")
        ensure_jurisdiction(opener, case.registration.village_code)
        if await idempotency.replayed(retry, uow) is not None:
            # The answer keeps only ids: the reason stays sealed in the emergency's row.
            first = await repo.emergency_of_application(uow.session, cmd.application_id)
            assert first is not None, "kept in the transaction that kept its answer"
            return first
        await _ensure_none_yet(uow, case)
        at = clock.now()
        versions = await repo.catalogue_versions(uow.session, case.registration.county_code)
        catalogue = version_in_force(versions, calendar.day_of(at))
        recipient, opened = rules.open_emergency(
            case, cmd, catalogue, recipient_id=uuid.uuid4(), by=opener.user_id, at=at, day_s=day_s
        )
        event = events.recipient_approved(
            recipient,
            route=ApprovalRoute.EMERGENCY,
            temporary_until=opened.temporary_until,
            medical_institution_needed=opened.medical_institution_needed,
        )
        await repo.add_recipient(uow.session, recipient, event_id=event.event_id)
        await repo.add_emergency(uow.session, opened)
        uow.emit(event)
        ids = {"recipient_id": str(opened.recipient_id)}
        await idempotency.remember(retry, uow, Answer(201, ids))
        await uow.commit()
    return opened


async def _ensure_none_yet(uow: UnitOfWork, case: Case) -> None:
    if (existing := await repo.open_recipient_of(uow.session, case.person_id)) is not None:
        raise Conflict(
            "该人员已是在册服务对象，无需启动临时救助",
            code="already_recipient",
            extra={"recipient_id": str(existing)},
        )
    if await repo.emergency_of_application(uow.session, case.application_id) is not None:
        raise Conflict("该申请已启动过临时救助", code="emergency_already_opened")


async def held_emergency(uow: UnitOfWork, case: Case) -> Emergency | None:
    """The open emergency an approval of ``case`` confirms, or None; refuses once it ended."""
    decision.ensure_decidable(case)
    held = await repo.emergency_of_application(uow.session, case.application_id, lock=True)
    if held is None or held.state is EmergencyState.CONFIRMED:
        return None
    before = await repo.get_recipient(uow.session, held.recipient_id, lock=True)
    if held.state is EmergencyState.ENDED or before is None or before.status in TERMINAL:
        raise StateConflict(
            "emergency_ended",
            "该申请的临时救助已终止，服务对象记录已停止；请重新受理申请后再审核确认",
            recipient_id=str(held.recipient_id),
        )
    return held


async def confirm_emergency(
    uow: UnitOfWork, held: Emergency, confirmed: Recipient, approval: Approval
) -> None:
    """The township's approval confirms the emergency: the decided items replace the temporary
    ones and RecipientServicesChanged (ends_temporary_care) is announced once."""
    before = await repo.get_recipient(uow.session, held.recipient_id, lock=True)
    assert before is not None  # held_emergency read it under the same lock
    facts = ("items", "category", "special_conditions", "self_care_level", "need_categories")
    after = before.model_copy(
        update={
            **confirmed.model_dump(include={*facts, "catalogue_version"}),
            "items": confirmed.items,
            "services_version": before.services_version + 1,
        }
    )
    added, removed, changed = diff_items(before.items, after.items)
    event = events.services_changed(
        after,
        uuid.uuid4(),
        effective_date=approval.effective_date,
        added_item_codes=added,
        removed_item_codes=removed,
        changed_item_codes=changed,
        reason_code=ServiceChangeReason.EMERGENCY_CONFIRMED,
        reason_zh="入户调查后审核确认，临时救助转为正式服务",
        source=ChangeSource.REVIEW,
        decided_by=confirmed.approved_by,
        ends_temporary_care=True,
    )
    await repo.save_services(uow.session, after)
    await repo.add_assessment(
        uow.session,
        after,
        approval.need_assessment,
        by=confirmed.approved_by,
        at=confirmed.approved_at,
    )
    done = rules.confirmed(held, by=confirmed.approved_by, at=confirmed.approved_at)
    await repo.save_emergency(uow.session, done)
    uow.emit(event)


async def _end(
    uow: UnitOfWork, held: Emergency, *, reason_zh: str, at: datetime, origin: ChangeOrigin
) -> None:
    before = await repo.get_recipient(uow.session, held.recipient_id, lock=True)
    assert before is not None
    # Stopped or deceased already (an officer or the city acted): nothing more to announce.
    if before.status not in TERMINAL:
        change = rules.stop_of(before, reason_zh=reason_zh, today=calendar.day_of(at))
        await apply_change(uow, before, change, origin)
    await repo.save_emergency(uow.session, rules.ended(held, reason_zh=reason_zh, at=at))


async def end_on_rejection(
    uow: UnitOfWork, application_id: uuid.UUID, *, officer_id: str, at: datetime
) -> None:
    """The review rejected the application: its open emergency ends at once (the stop path)."""
    held = await repo.emergency_of_application(uow.session, application_id, lock=True)
    if held is not None and held.state is EmergencyState.OPEN:
        origin = ChangeOrigin(source=StatusSource.REVIEW_OFFICER, decided_by=officer_id)
        await _end(uow, held, reason_zh=rules.REJECTED_ZH, at=at, origin=origin)


async def end_due_emergencies(*, uow: UnitOfWork, now: datetime, batch: int = 100) -> int:
    """Ends, once each, the open emergencies past their deadline; returns how many."""
    async with uow:
        due = await repo.emergencies_due(uow.session, now, limit=batch)
        for recipient_id in due:
            held = await repo.get_emergency(uow.session, recipient_id, lock=True)
            assert held is not None
            await _end(uow, held, reason_zh=rules.EXPIRED_ZH, at=now, origin=rules.EMERGENCY_END)
        await uow.commit()
    return len(due)


async def list_emergencies(
    query: EmergencyQuery, *, uow: UnitOfWork, principal: Principal
) -> tuple[list[Emergency], int]:
    """One page of emergency care within the caller's jurisdiction, latest first."""
    where = jurisdiction_scope(principal, query.village_code)
    async with uow:
        return await repo.list_emergencies(uow.session, query, where)


async def read_emergency(
    recipient_id: uuid.UUID, *, uow: UnitOfWork, principal: Principal
) -> Emergency:
    """One emergency record, within the caller's jurisdiction."""
    async with uow:
        found = await repo.get_emergency(uow.session, recipient_id)
    if found is None:
        raise NotFound("未找到该临时救助记录", code="emergency_not_found")
    ensure_jurisdiction(principal, found.village_code)
    return found
