"""Service records (服务开展情况记录): each is checked and counts, or is refused with a reason.

A record on a paused or ended order, or dated on or after the day the recipient's aid
ended, is refused. The orders are share-locked first, so a status change committing at
the same moment is either seen or had not happened yet when the record was judged.

A record names a worker of the provider's own register (``domain.workers``): an
unregistered worker, or an untrained one for an item that needs training, is refused like
any other check (the exact code in the provider's answer; ``other`` and the Chinese reason
on the bus, until the contract knows the two codes).

A record is kept with its outcome under the provider's own ``record_id``, so a retried
upload — one record or a day's batch — gets the first answer and publishes nothing twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from civic import clock
from civic.audit import saw
from civic.errors import NotFound
from civic.uow import UnitOfWork
from contracts.dispatch.services import RecordCheck, ServiceDelivered, ServiceRecordRefused
from contracts.enums import ServiceCategory
from dispatch.domain.orders import Order, OrderStatus
from dispatch.domain.plans import flag_of
from dispatch.domain.records import OrderTerms, Report, check_record, published_as
from dispatch.domain.workers import Check, check_of
from dispatch.handlers import Timing
from dispatch.handlers.refused import kept_if_refused
from dispatch.repository import orders, plans, providers, recipients, services, workers


@dataclass(frozen=True)
class Reported:
    """A record as the provider sent it."""

    report: Report
    order_id: uuid.UUID
    quantity: int
    location: str | None
    evidence_document_ids: tuple[uuid.UUID, ...]
    via: str  # "http" or "kafka"


@dataclass(frozen=True)
class Outcome:
    """Whether a record counts, and if not, why."""

    record_id: uuid.UUID
    check: Check | None

    @property
    def accepted(self) -> bool:
        """True when the record counts."""
        return self.check is None

    @property
    def reason_zh(self) -> str | None:
        """Chinese reason of a refusal."""
        return None if self.check is None else self.check.label_zh


async def report_services(
    batch: Sequence[Reported], *, provider_code: str, uow: UnitOfWork, timing: Timing
) -> list[Outcome]:
    """Judges each record on its own and publishes ServiceDelivered or ServiceRecordRefused."""
    async with uow:
        return await kept_if_refused(uow, lambda: _report(batch, provider_code, uow, timing))


async def _report(
    batch: Sequence[Reported], provider_code: str, uow: UnitOfWork, timing: Timing
) -> list[Outcome]:
    reporter = await providers.by_code(uow.session, provider_code)
    if reporter is None:
        raise NotFound("未登记的服务供给主体", code="provider_not_found")
    # A status change being applied to these orders is seen whole, or not yet at all.
    held = await orders.hold(uow.session, [r.order_id for r in batch])
    saw(*held)  # outcomes name records only: the read audit names whose orders they are under
    outcomes = [await _judge(r, reporter.provider_id, uow=uow, timing=timing) for r in batch]
    await uow.commit()
    return outcomes


async def _judge(
    reported: Reported, reporter_id: uuid.UUID, *, uow: UnitOfWork, timing: Timing
) -> Outcome:
    report = reported.report
    # Under the worker's lock a concurrent retry of the same record finds the first one.
    await services.lock_worker(uow.session, report.provider_code, report.worker_ref)
    held = await services.record(uow.session, report.record_id)
    if held is not None:  # a retry: the first answer stands
        if held.provider_code != report.provider_code:
            return Outcome(report.record_id, RecordCheck.RECORD_ID_TAKEN)
        return Outcome(report.record_id, check_of(held.check_code) if held.check_code else None)
    order = await orders.get(uow.session, reported.order_id)
    busy = await services.worker_busy(
        uow.session, report.provider_code, report.worker_ref, report.started_at, report.ended_at
    )
    ended = await recipients.ended_on(uow.session, order.recipient_id) if order else None
    worker = await workers.get(uow.session, reporter_id, report.worker_ref)
    check = check_record(
        _terms(order, ended),
        report,
        now=clock.now(),
        skew=timing.record_clock_skew,
        overlaps=busy,
        worker=worker,
    )
    flag = await _flag(uow, order, report) if check is None and order is not None else None
    await services.add_record(uow.session, _columns(reported, check) | {"flag": flag})
    if order is not None:
        uow.emit(_announcement(order, reported, check, reporter_id))
    return Outcome(report.record_id, check)


async def _flag(uow: UnitOfWork, order: Order, report: Report) -> str | None:
    """``plan_unagreed`` for a service counted under an order whose plan is not agreed, when
    the county's rule flags it past its grace (issue 20; the published event is unchanged)."""
    rule = await plans.latest_rule(uow.session, order.county_code)
    if rule is None or not rule.flag_unagreed:
        return None
    agreed = await plans.agreed_for_order(uow.session, order.order_id)
    return flag_of(
        rule, agreed=agreed, order_start=order.start_date, service_date=report.service_date
    )


def _terms(order: Order | None, recipient_ended_on: date | None) -> OrderTerms:
    if order is None:
        return OrderTerms(None, OrderStatus.CANCELLED, "", clock.today(), None)
    return OrderTerms(
        order.provider_code,
        OrderStatus(order.status),
        order.item_code,
        order.start_date,
        order.end_date,
        recipient_ended_on,
        order.active_until,
        ServiceCategory(order.service_category),
    )


def _columns(reported: Reported, check: Check | None) -> dict[str, Any]:
    r = reported.report
    return {
        "record_id": r.record_id,
        "order_id": reported.order_id,
        "provider_code": r.provider_code,
        "worker_ref": r.worker_ref,
        "item_code": r.item_code,
        "quantity": reported.quantity,
        "service_date": r.service_date,
        "started_at": r.started_at,
        "ended_at": r.ended_at,
        "recipient_confirmed": r.recipient_confirmed,
        "confirmation_ref": r.confirmation_ref,
        "location": reported.location,
        "evidence_document_ids": list(reported.evidence_document_ids),
        "outcome": "delivered" if check is None else "refused",
        "check_code": check and check.value,
        "received_via": reported.via,
    }


def _announcement(
    order: Order, reported: Reported, check: Check | None, reporter_id: uuid.UUID
) -> ServiceDelivered | ServiceRecordRefused:
    r = reported.report
    # The reporter is named: on another provider's order it is not the order's provider.
    common: dict[str, Any] = {
        "person_id": order.person_id,
        "record_id": r.record_id,
        "order_id": order.order_id,
        "provider_id": reporter_id,
        "provider_code": r.provider_code,
    }
    if check is not None:
        reason_code, check_code = published_as(check)
        return ServiceRecordRefused(
            **common, reason_code=reason_code, reason_zh=check.label_zh, check_code=check_code
        )
    return _delivered(order, reported, common)


def _delivered(order: Order, reported: Reported, common: dict[str, Any]) -> ServiceDelivered:
    r = reported.report
    return ServiceDelivered(
        **common,
        recipient_id=order.recipient_id,
        item_code=order.item_code,
        service_category=order.service_category,
        mode=order.mode,
        funding_source=order.funding_source,
        unit=order.unit,
        quantity=reported.quantity,
        service_date=r.service_date,
        county_code=order.county_code,
        township_code=order.township_code,
        village_code=order.village_code,
        worker_ref=r.worker_ref,
        started_at=r.started_at,
        ended_at=r.ended_at,
    )
