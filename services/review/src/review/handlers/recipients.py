"""The recipient registry: reading it, and each recipient's status (动态管理).

The reading path of an officer's stop: ``api.recipients.change_status`` → ``change_status``
(here) → the rule ``domain.status.change_status`` and the event ``domain.events.
status_changed`` → ``repository.recipients.save_status_change``; the event goes to the outbox
with the change, at ``uow.commit()``.
"""

from __future__ import annotations

import uuid
from datetime import date

from civic import idempotency
from civic.errors import NotFound
from civic.idempotency import Answer
from civic.security import Principal, ensure_jurisdiction
from civic.uow import UnitOfWork
from contracts.enums import StatusSource
from review import repository as repo
from review.domain import events, status
from review.domain.access import RecipientQuery
from review.domain.decision import Recipient
from review.domain.status import ChangeOrigin, StatusChange
from review.handlers.common import jurisdiction_scope, retry_of


async def read_recipient(
    recipient_id: uuid.UUID, *, uow: UnitOfWork, principal: Principal
) -> Recipient:
    """A recipient of the registry, within the caller's jurisdiction."""
    async with uow:
        found = await repo.get_recipient(uow.session, recipient_id)
    if found is None:
        raise NotFound("未找到该服务对象", code="recipient_not_found")
    ensure_jurisdiction(principal, found.village_code)
    return found


async def list_recipients(
    query: RecipientQuery, *, uow: UnitOfWork, principal: Principal
) -> tuple[list[Recipient], int]:
    """One page of the recipient registry within the caller's jurisdiction."""
    where = jurisdiction_scope(principal, query.village_code)
    async with uow:
        return await repo.list_recipients(uow.session, query, where)


async def apply_change(
    uow: UnitOfWork, before: Recipient, change: StatusChange, origin: ChangeOrigin
) -> Recipient:
    """Changes the status, records it by version and emits RecipientStatusChanged."""
    after = status.change_status(before, change)
    event = events.status_changed(before, after, change, origin)
    await repo.save_status_change(
        uow.session, after, event, external_reference=origin.external_reference
    )
    uow.emit(event)
    return after


async def change_status(
    recipient_id: uuid.UUID,
    change: StatusChange,
    *,
    uow: UnitOfWork,
    officer: Principal,
    idempotency_key: str | None,
) -> Recipient:
    """An officer's change: recipient, history and RecipientStatusChanged in one commit; a
    retry with the same Idempotency-Key gets the first answer and changes nothing."""
    scope = f"review.recipient-status:{recipient_id}"
    retry = retry_of(idempotency_key, scope=scope, body=change.model_dump(mode="json"))
    async with uow:
        before = await repo.get_recipient(uow.session, recipient_id, lock=True)
        if before is None:
            raise NotFound("未找到该服务对象", code="recipient_not_found")
        ensure_jurisdiction(officer, before.village_code)
        if (first := await idempotency.replayed(retry, uow)) is not None:
            return Recipient.model_validate(first.body)
        origin = ChangeOrigin(source=StatusSource.REVIEW_OFFICER, decided_by=officer.user_id)
        after = await apply_change(uow, before, change, origin)
        await idempotency.remember(retry, uow, Answer(200, after.model_dump(mode="json")))
        await uow.commit()
    return after


async def end_due_suspensions(*, uow: UnitOfWork, today: date, batch: int = 100) -> int:
    """Resumes, from its expected end, each suspension that has reached it; returns how many."""
    async with uow:
        due = await repo.suspensions_due(uow.session, today, limit=batch)
        for recipient_id in due:
            before = await repo.get_recipient(uow.session, recipient_id, lock=True)
            assert before is not None
            change = status.end_of_suspension(before)
            await apply_change(uow, before, change, status.SUSPENSION_EXPIRY)
        await uow.commit()
    return len(due)
