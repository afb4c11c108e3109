"""The providers' worker registers: a provider keeps its own; officers read them and, on a spot
check, the worker a service record names. Settlement's evaluations are kept for referral and
shown to the provider they score (that is how they are published to it)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from civic.errors import NotFound
from civic.security import Principal
from civic.uow import UnitOfWork
from contracts.enums import ServiceCategory
from contracts.supervision import ProviderEvaluated
from dispatch.domain.evaluations import Evaluation
from dispatch.domain.providers import RegisteredProvider
from dispatch.domain.workers import Entry, Worker, WorkerCheck, after_put, worker_check
from dispatch.handlers import views
from dispatch.handlers.providers import provider_seen_by
from dispatch.repository import evaluations, providers, workers


@dataclass(frozen=True)
class Kept:
    """A register entry after a PUT, and whether the PUT changed it."""

    worker: Worker
    changed: bool


@dataclass(frozen=True)
class RecordWorker:
    """For a spot check: the worker a record names, and whether the register lets them now."""

    record_id: uuid.UUID
    provider_code: str
    worker_ref: str
    worker: Worker | None
    check: WorkerCheck | None


async def keep_worker(entry: Entry, *, provider_code: str, uow: UnitOfWork) -> Kept:
    """Adds or replaces a worker in the provider's register; a repeated PUT changes nothing."""
    async with uow:
        owner = await _provider(uow, provider_code)
        held = await workers.get(uow.session, owner.provider_id, entry.worker_ref, for_update=True)
        after = after_put(held, entry, owner.provider_id)
        if after is None:
            assert held is not None
            return Kept(held, changed=False)
        if held is None:
            await workers.insert(uow.session, after)
        else:
            await workers.replace(uow.session, after)
        await uow.commit()
        return Kept(after, changed=True)


async def own_workers(
    *, provider_code: str, active_only: bool, uow: UnitOfWork, page: int, size: int
) -> tuple[Sequence[Worker], int]:
    """A page of the provider's own register."""
    async with uow:
        owner = await _provider(uow, provider_code)
        return await workers.of_provider(
            uow.session, owner.provider_id, active_only=active_only, page=page, size=size
        )


async def register_seen_by(
    *, code: str, officer: Principal, active_only: bool, uow: UnitOfWork, page: int, size: int
) -> tuple[Sequence[Worker], int]:
    """A page of the register of a provider in the officer's county."""
    async with uow:
        owner = await provider_seen_by(code=code, division=officer.division, uow=uow)
        return await workers.of_provider(
            uow.session, owner.provider_id, active_only=active_only, page=page, size=size
        )


async def record_worker(
    *, record_id: uuid.UUID, officer: Principal, uow: UnitOfWork
) -> RecordWorker:
    """The register entry of the worker a record inside the officer's jurisdiction names."""
    async with uow:
        named = await workers.named_on_record(uow.session, record_id)
        if named is None:
            raise NotFound("未找到该服务记录", code="record_not_found")
        order = await views.officer_order(order_id=named.order_id, officer=officer, uow=uow)
        owner = await _provider(uow, named.provider_code)
        worker = await workers.get(uow.session, owner.provider_id, named.worker_ref)
    check = worker_check(worker, ServiceCategory(order.service_category), named.service_date)
    return RecordWorker(record_id, named.provider_code, named.worker_ref, worker, check)


async def keep_evaluation(event: ProviderEvaluated, *, uow: UnitOfWork) -> bool:
    """Keeps a provider's evaluation unless one as new is held for its period; True if kept."""
    evaluation = evaluation_of(event)
    async with uow:
        held = await evaluations.held(uow.session, event.provider_id, event.period)
        if not evaluation.supersedes(held):
            return False  # a redelivery, or an older scoring of the period
        await evaluations.keep(uow.session, evaluation, replacing=held is not None)
        await uow.commit()
        return True


async def own_evaluations(
    *, provider_code: str, uow: UnitOfWork, page: int, size: int
) -> tuple[Sequence[Evaluation], int]:
    """A page of the provider's own evaluations, latest period first."""
    async with uow:
        owner = await _provider(uow, provider_code)
        return await evaluations.of_provider(uow.session, owner.provider_id, page=page, size=size)


def evaluation_of(event: ProviderEvaluated) -> Evaluation:
    """What dispatch keeps of an evaluation."""
    return Evaluation(
        provider_id=event.provider_id,
        provider_code=event.provider_code,
        county_code=event.county_code,
        period=event.period,
        rule_version=event.rule_version,
        score=event.score,
        referral_threshold=event.referral_threshold,
        records_billed=event.records_billed,
        records_reversed=event.records_reversed,
        complaints_substantiated=event.complaints_substantiated,
        checks_failed=event.checks_failed,
        evaluated_at=event.occurred_at,
    )


async def _provider(uow: UnitOfWork, code: str) -> RegisteredProvider:
    owner = await providers.by_code(uow.session, code)
    if owner is None:
        raise NotFound("未登记的服务供给主体", code="provider_not_found")
    return owner
