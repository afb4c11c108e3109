"""Cases: consumers file events on them; officers read the queue and decide."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from civic import clock, idempotency
from civic.errors import Conflict, NotFound
from civic.idempotency import Answer
from civic.security import Principal, ensure_jurisdiction
from civic.uow import UnitOfWork
from contracts.settlement import CatalogueVersionPublished, version_in_force
from review import repository as repo
from review.domain import decision, events
from review.domain.access import CaseQuery
from review.domain.case import Approval, Case, DecideCommand, Decision, NeedAssessment
from review.handlers import emergencies
from review.handlers.common import jurisdiction_scope, retry_of

log = logging.getLogger(__name__)


async def file_case_event(event: events.CaseEvent, *, uow: UnitOfWork) -> None:
    """Files an application or survey event on its case, creating the case if it is the first."""
    async with uow:
        case = await repo.start_case(uow.session, event.application_id, event.person_id)
        changed = events.file_event(case, event)
        if changed == case:
            log.info("%s %s changed nothing (stale or late)", event.event_type, event.event_id)
        else:
            await repo.save_case(uow.session, changed)
        await uow.commit()


async def keep_catalogue(event: CatalogueVersionPublished, *, uow: UnitOfWork) -> None:
    """Keeps a read copy of a county catalogue version."""
    catalogue = events.catalogue_from(event)
    async with uow:
        await repo.add_catalogue(
            uow.session, catalogue, published_by=event.published_by, published_at=event.occurred_at
        )
        await uow.commit()


async def _visible_case(
    uow: UnitOfWork, application_id: uuid.UUID, principal: Principal, *, lock: bool
) -> Case:
    case = await repo.get_case(uow.session, application_id, lock=lock)
    # Before registration the case has no township, so no officer can see it yet.
    if case is None or case.registration is None:
        raise NotFound("未找到该申请的审核案件(可能尚未受理登记)", code="case_not_found")
    ensure_jurisdiction(principal, case.registration.village_code)
    return case


async def list_queue(
    query: CaseQuery, *, uow: UnitOfWork, principal: Principal
) -> tuple[list[Case], int]:
    """One page of the review queue within the caller's jurisdiction."""
    where = jurisdiction_scope(principal, query.village_code)
    async with uow:
        return await repo.list_cases(uow.session, query, where)


async def read_case(
    application_id: uuid.UUID, *, uow: UnitOfWork, principal: Principal
) -> tuple[Case, NeedAssessment | None]:
    """A case with its survey findings and, once approved, its needs assessment."""
    async with uow:
        case = await _visible_case(uow, application_id, principal, lock=False)
        return case, await repo.get_assessment(uow.session, application_id)


async def _approve(
    uow: UnitOfWork, case: Case, approval: Approval, officer_id: str, at: datetime
) -> Case:
    assert case.registration is not None
    versions = await repo.catalogue_versions(uow.session, case.registration.county_code)
    catalogue = version_in_force(versions, approval.effective_date)
    # Emergency care opened on this application is confirmed rather than admitted twice.
    held = await emergencies.held_emergency(uow, case)
    decided, recipient = decision.approve(
        case,
        approval,
        catalogue,
        recipient_id=held.recipient_id if held else uuid.uuid4(),
        decided_by=officer_id,
        at=at,
    )
    if held is not None:
        await emergencies.confirm_emergency(uow, held, recipient, approval)
        return decided
    if (existing := await repo.open_recipient_of(uow.session, case.person_id)) is not None:
        raise Conflict(
            "该人员已是在册服务对象，不能重复纳入",
            code="already_recipient",
            extra={"recipient_id": str(existing)},
        )
    event = events.recipient_approved(recipient)
    await repo.add_recipient(uow.session, recipient, event_id=event.event_id)
    await repo.add_assessment(
        uow.session, recipient, approval.need_assessment, by=officer_id, at=at
    )
    uow.emit(event)
    return decided


async def decide_application(
    cmd: DecideCommand, *, uow: UnitOfWork, officer: Principal, idempotency_key: str | None
) -> tuple[Decision, uuid.UUID]:
    """Approves or rejects an application (decision, registry entry and event in one commit; a
    retry with the same Idempotency-Key decides nothing): the decision and the applicant."""
    scope = f"review.decision:{cmd.application_id}"
    retry = retry_of(idempotency_key, scope=scope, body=cmd.model_dump(mode="json"))
    async with uow:
        case = await _visible_case(uow, cmd.application_id, officer, lock=True)
        if await idempotency.replayed(retry, uow) is not None:
            # The answer keeps only the id: the decision is read from the sealed case.
            assert case.decision is not None, "decided in the transaction that kept its answer"
            return case.decision, case.person_id
        at = clock.now()
        if isinstance(cmd.decision, Approval):
            decided = await _approve(uow, case, cmd.decision, officer.user_id, at)
        else:
            decided = decision.reject(case, cmd.decision, decided_by=officer.user_id, at=at)
            uow.emit(events.application_rejected(decided))
            await emergencies.end_on_rejection(
                uow, case.application_id, officer_id=officer.user_id, at=at
            )
        assert decided.decision is not None
        await repo.save_case(uow.session, decided)
        answer = {"application_id": str(case.application_id)}
        await idempotency.remember(retry, uow, Answer(201, answer))
        await uow.commit()
        return decided.decision, case.person_id
