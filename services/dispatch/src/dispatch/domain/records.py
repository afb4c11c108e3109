"""Whether a provider's service record counts (服务开展情况记录): the checks, in order."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from contracts import calendar
from contracts.dispatch.services import RecordCheck
from contracts.enums import ServiceCategory
from contracts.reasons import RecordRefusalReason
from dispatch.domain.orders import OrderStatus
from dispatch.domain.workers import Check, Worker, WorkerCheck, worker_check

#: The coarse reason published beside each exact check.
REASON_OF: dict[RecordCheck, RecordRefusalReason] = {
    RecordCheck.ORDER_UNKNOWN: RecordRefusalReason.OTHER,
    RecordCheck.ORDER_NOT_ACTIVE: RecordRefusalReason.ORDER_NOT_ACTIVE,
    RecordCheck.ITEM_NOT_IN_ORDER: RecordRefusalReason.ITEM_NOT_IN_ORDER,
    RecordCheck.OUTSIDE_ORDER_PERIOD: RecordRefusalReason.OUTSIDE_ORDER_PERIOD,
    RecordCheck.TIME_IN_FUTURE: RecordRefusalReason.OTHER,
    RecordCheck.DATE_MISMATCH: RecordRefusalReason.OTHER,
    RecordCheck.WORKER_OVERLAP: RecordRefusalReason.DUPLICATE_RECORD,
    RecordCheck.MISSING_CONFIRMATION: RecordRefusalReason.MISSING_EVIDENCE,
    RecordCheck.RECORD_ID_TAKEN: RecordRefusalReason.DUPLICATE_RECORD,
    RecordCheck.ORDER_PAUSED: RecordRefusalReason.ORDER_NOT_ACTIVE,
    RecordCheck.ORDER_CANCELLED: RecordRefusalReason.ORDER_NOT_ACTIVE,
    RecordCheck.RECIPIENT_ENDED: RecordRefusalReason.RECIPIENT_NOT_ACTIVE,
}


def published_as(check: Check) -> tuple[RecordRefusalReason, RecordCheck | None]:
    """(reason_code, check_code) on the wire: the register's checks are not in the contract
    yet, so they go as ``other`` with no check code (their Chinese reason says which)."""
    if isinstance(check, WorkerCheck):
        return RecordRefusalReason.OTHER, None
    return REASON_OF[check], check


#: The exact check of an order that is not accepted, by its status.
_NOT_ACTIVE: dict[OrderStatus, RecordCheck] = {
    OrderStatus.PAUSED: RecordCheck.ORDER_PAUSED,
    OrderStatus.CANCELLED: RecordCheck.ORDER_CANCELLED,
}


@dataclass(frozen=True)
class OrderTerms:
    """What a record is checked against: the order as it stands."""

    provider_code: str | None
    status: OrderStatus
    item_code: str
    start_date: date
    end_date: date | None
    recipient_ended_on: date | None = None  # stopped or deceased from this day
    active_until: date | None = None  # paused or ended by a status change from this day
    service_category: ServiceCategory | None = None  # of the item: decides training needs


@dataclass(frozen=True)
class Report:
    """A provider's report of one service."""

    record_id: uuid.UUID
    provider_code: str
    item_code: str
    service_date: date
    started_at: datetime
    ended_at: datetime
    worker_ref: str
    recipient_confirmed: bool
    confirmation_ref: str | None
    evidence_count: int


def _before_the_change(terms: OrderTerms, report: Report) -> bool:
    """A service done while the order was still accepted, reported after a status change."""
    return terms.active_until is not None and report.service_date < terms.active_until


def check_record(
    terms: OrderTerms,
    report: Report,
    *,
    now: datetime,
    skew: timedelta,
    overlaps: bool,
    worker: Worker | None,
) -> Check | None:
    """The first check ``report`` fails against ``terms`` and the provider's register entry
    for the worker it names (``worker``, None when there is none), or None when it counts."""
    if terms.provider_code != report.provider_code:
        return RecordCheck.ORDER_UNKNOWN
    if terms.recipient_ended_on is not None and report.service_date >= terms.recipient_ended_on:
        return RecordCheck.RECIPIENT_ENDED
    if terms.status is not OrderStatus.ACCEPTED and not _before_the_change(terms, report):
        return _NOT_ACTIVE.get(terms.status, RecordCheck.ORDER_NOT_ACTIVE)
    if report.item_code != terms.item_code:
        return RecordCheck.ITEM_NOT_IN_ORDER
    if report.started_at > now + skew or report.ended_at > now + skew:
        return RecordCheck.TIME_IN_FUTURE
    if calendar.day_of(report.started_at) != report.service_date:
        return RecordCheck.DATE_MISMATCH
    if report.service_date < terms.start_date or (
        terms.end_date is not None and report.service_date > terms.end_date
    ):
        return RecordCheck.OUTSIDE_ORDER_PERIOD
    if not report.recipient_confirmed or not (report.confirmation_ref or report.evidence_count):
        return RecordCheck.MISSING_CONFIRMATION
    if (problem := worker_check(worker, terms.service_category, report.service_date)) is not None:
        return problem
    if overlaps:
        return RecordCheck.WORKER_OVERLAP
    return None


@dataclass(frozen=True)
class PlannedForOrder:
    """One item a provider's plan holds for an order, with the plan it belongs to."""

    plan_id: uuid.UUID
    version: int
    provider_code: str
    starts_on: date
    ends_on: date | None
    summary_zh: str | None
    item_code: str
    frequency_times: int
    frequency_per: str
    submitted_at: datetime


@dataclass(frozen=True)
class ReportedRecord:
    """A service record as first received: who reported it and whether it counted."""

    record_id: uuid.UUID
    provider_code: str
    outcome: str
    check_code: str | None
