"""The recipient registry: reading it, and each recipient's status (动态管理)."""

from __future__ import annotations

import uuid
from datetime import date

from civic.errors import NotFound
from civic.idempotency import remember_response, request_fingerprint, stored_response
from civic.security import Principal, ensure_jurisdiction
from civic.uow import UnitOfWork
from contracts.enums import StatusSource
from review import repository as repo
from review.domain import events, status
from review.domain.access import RecipientQuery
from review.domain.decision import Recipient
from review.domain.status import ChangeOrigin, StatusChange
from review.handlers.common import jurisdiction_scope, refusals


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


class _Retry:
    """The Idempotency-Key of one officer's change to one recipient."""

    def __init__(self, recipient_id: uuid.UUID, change: StatusChange, key: str) -> None:
        self.scope = f"review.recipient-status:{recipient_id}"
        self.key = key
        self.fingerprint = request_fingerprint(change.model_dump(mode="json"))

    async def replayed(self, uow: UnitOfWork) -> Recipient | None:
        """The first answer to this key, if there was one."""
        stored = await stored_response(
            uow.session, scope=self.scope, key=self.key, fingerprint=self.fingerprint
        )
        return None if stored is None else Recipient.model_validate(stored[1])

    async def remember(self, uow: UnitOfWork, answer: Recipient) -> None:
        """Stores the answer in the transaction of the change."""
        await remember_response(
            uow.session,
            scope=self.scope,
            key=self.key,
            fingerprint=self.fingerprint,
            status_code=200,
            response=answer.model_dump(mode="json"),
        )


async def change_status(
    recipient_id: uuid.UUID,
    change: StatusChange,
    *,
    uow: UnitOfWork,
    officer: Principal,
    idempotency_key: str | None,
) -> Recipient:
    """An officer's change: recipient, history and RecipientStatusChanged in one commit."""
    retry = _Retry(recipient_id, change, idempotency_key) if idempotency_key else None
    async with uow:
        before = await repo.get_recipient(uow.session, recipient_id, lock=True)
        if before is None:
            raise NotFound("未找到该服务对象", code="recipient_not_found")
        ensure_jurisdiction(officer, before.village_code)
        if retry and (first := await retry.replayed(uow)) is not None:
            return first
        origin = ChangeOrigin(source=StatusSource.REVIEW_OFFICER, decided_by=officer.user_id)
        with refusals():
            after = await apply_change(uow, before, change, origin)
        if retry:
            await retry.remember(uow, after)
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
