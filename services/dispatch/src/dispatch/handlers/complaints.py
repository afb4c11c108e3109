"""Complaints (投诉): filed from the hotline, the app, a village or a provider; noted,
answered by the provider, resolved by an officer; escalated when nobody answers in time."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from civic import clock
from civic.audit import saw
from civic.idempotency import Answer, Retry, remember, replayed
from civic.security import Principal, ensure_jurisdiction
from civic.uow import UnitOfWork
from contracts.supervision import ComplaintCategory, ComplaintSource
from dispatch.adapters import complaint_events
from dispatch.domain import complaints as rules
from dispatch.domain.complaint_filing import Filing, source_of, subject_of
from dispatch.domain.complaints import (
    Complaint,
    ComplaintFile,
    ComplaintNotFound,
    ComplaintStatus,
    Note,
    NoteKind,
    Resolution,
    Subject,
    Words,
)
from dispatch.repository import complaints as repo

BATCH = 100


async def open_complaint(
    filing: Filing,
    *,
    caller: Principal,
    uow: UnitOfWork,
    hour: timedelta,
    idempotency_key: str | None = None,
) -> Complaint:
    """Takes a complaint in: checks what it names, gives the township its deadline, tells
    the provider named; a retry with the same Idempotency-Key changes nothing."""
    retry = Retry.of(
        idempotency_key, route="dispatch.complaints", user_id=caller.user_id, body=filing
    )
    async with uow:
        if (first := await replayed(retry, uow)) is not None:
            return await _complaint(uow, uuid.UUID(first.body["complaint_id"]))
        subject = subject_of(filing, await repo.named(uow.session, filing))
        source = source_of(caller.roles)
        _ensure_may_file(caller, source, subject)
        found = rules.opened(
            subject,
            complaint_id=uuid.uuid4(),
            category=filing.category,
            source=source,
            opened_by=caller.user_id,
            now=clock.now(),
            hour=hour,
        )
        words = Words(filing.description_zh, filing.complainant_name, filing.complainant_phone)
        await repo.insert(uow.session, found, words)
        uow.emit(complaint_events.opened(found))
        complaint_events.tell_provider(uow, found)
        await remember(retry, uow, Answer(201, {"complaint_id": str(found.complaint_id)}))
        await uow.commit()
    return found


def _ensure_may_file(caller: Principal, source: ComplaintSource, subject: Subject) -> None:
    """Staff file for people in their jurisdiction, a provider about its own orders."""
    if source is ComplaintSource.PROVIDER_REPORT:
        if subject.order_id is None or subject.provider_code != caller.provider_code:
            raise rules.ComplaintForbidden(
                "not_own_order", "服务供给主体只能就本机构承接的服务订单自报投诉"
            )
    elif source is not ComplaintSource.APP:
        ensure_jurisdiction(caller, subject.village_code)


async def _complaint(uow: UnitOfWork, complaint_id: uuid.UUID, *, lock: bool = False) -> Complaint:
    found = await repo.get(uow.session, complaint_id, for_update=lock)
    if found is None:
        raise ComplaintNotFound("complaint_not_found", "未找到该投诉")
    return found


async def _officers(uow: UnitOfWork, complaint_id: uuid.UUID, officer: Principal) -> Complaint:
    """A complaint inside the officer's jurisdiction, locked for the step that follows."""
    found = await _complaint(uow, complaint_id, lock=True)
    ensure_jurisdiction(officer, found.village_code)
    saw(found.person_id)
    return found


async def add_note(
    complaint_id: uuid.UUID, text_zh: str, *, officer: Principal, uow: UnitOfWork
) -> Note:
    """Adds an officer's investigation note to an open complaint (kept sealed)."""
    async with uow:
        # The township still investigates on the ground after the county took the complaint.
        found = await _officers(uow, complaint_id, officer)
        rules.ensure_open(found)
        note = Note(uuid.uuid4(), NoteKind.INVESTIGATION, officer.user_id, text_zh, clock.now())
        await repo.add_note(uow.session, complaint_id, note)
        await uow.commit()
    return note


async def respond_as_provider(
    complaint_id: uuid.UUID, text_zh: str, *, provider: Principal, uow: UnitOfWork
) -> Note:
    """Adds the provider's own account to an open complaint that names it."""
    async with uow:
        found = await _complaint(uow, complaint_id, lock=True)
        rules.ensure_names_provider(found, provider.provider_code or "")
        rules.ensure_open(found)
        note = Note(
            uuid.uuid4(), NoteKind.PROVIDER_RESPONSE, provider.user_id, text_zh, clock.now()
        )
        await repo.add_note(uow.session, complaint_id, note)
        await uow.commit()
    return note


async def resolve_complaint(
    complaint_id: uuid.UUID, resolution: Resolution, *, officer: Principal, uow: UnitOfWork
) -> Complaint:
    """Records the finding and that the complainant was told; ComplaintResolved names the
    record, so a substantiated complaint sends it to settlement's reversal path."""
    async with uow:
        found = await _officers(uow, complaint_id, officer)
        level = rules.level_of(officer.roles, found)
        now = clock.now()
        done = rules.resolved(
            found,
            resolution,
            level=level,
            resolved_by=officer.user_id,
            now=now,
            today=clock.today(),
        )
        await repo.save(uow.session, done, note_zh=resolution.note_zh)
        uow.emit(complaint_events.resolved(done))
        await uow.commit()
    return done


async def escalate_overdue_complaints(*, uow: UnitOfWork, now: datetime, hour: timedelta) -> int:
    """Sends complaints the township did not answer in time to the county; returns how many."""
    async with uow:
        overdue = await repo.awaiting_township(uow.session, now, BATCH)
        for found in overdue:
            up = rules.escalated(found, now=now, hour=hour)
            await repo.save(uow.session, up)
            uow.emit(complaint_events.escalated(up))
        await uow.commit()
        return len(overdue)


async def complaint_queue(
    *,
    officer: Principal,
    status: ComplaintStatus | None,
    category: ComplaintCategory | None,
    overdue: bool | None,
    uow: UnitOfWork,
    page: int,
    size: int,
) -> tuple[Sequence[Complaint], int]:
    """The complaints of the officer's township or county, most urgent first."""
    division = rules.queue_division(officer.division)
    async with uow:
        return await repo.listed(
            uow.session,
            division=division,
            status=status,
            category=category,
            overdue=overdue,
            now=clock.now(),
            page=page,
            size=size,
        )


async def complaint_file(
    complaint_id: uuid.UUID, *, officer: Principal, uow: UnitOfWork
) -> ComplaintFile:
    """One complaint with its words and notes, opened: a read of personal data (audited)."""
    async with uow:
        found = await _complaint(uow, complaint_id)
        ensure_jurisdiction(officer, found.village_code)
        saw(found.person_id)
        words = await repo.words(uow.session, complaint_id)
        return ComplaintFile(found, words, await repo.notes(uow.session, complaint_id))
