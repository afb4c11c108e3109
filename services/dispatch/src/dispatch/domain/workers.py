"""The providers' worker registers (服务人员名册) and the rule a service record's worker must meet.

Each provider keeps a register of its own staff, by the provider's own ``worker_ref``: their
qualification (e.g. a 养老护理员 certificate), the trainings they took and the day of their
last competence evaluation (能力评价). A service record names a registered worker.

The rule (``worker_check``), checked against the record's service date:

* the worker must be in the provider's register and not have left, else
  ``worker_unregistered``;
* for an item of life care (生活照料) or health care (健康护理) — the categories where an
  untrained hand can hurt — the worker must have completed, on or before the service date, a
  training covering that category, and have a competence evaluation no older than 12 months
  (and not after the service date), else ``worker_untrained``. Cleaning and capability
  building need a registered worker only.

The contract's ``RecordCheck`` cannot gain these two codes in this version: dispatch keeps
them here (``WorkerCheck``), publishes ``RecordRefusalReason.OTHER`` with the Chinese reason,
and answers the provider's HTTP call with the exact code.
"""

from __future__ import annotations

import uuid
from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from contracts.dispatch.services import RecordCheck
from contracts.enums import ServiceCategory
from contracts.labels import ZhEnum, zh_labels

#: Categories whose items need a trained worker with a recent competence evaluation.
TRAINING_REQUIRED: frozenset[ServiceCategory] = frozenset(
    {ServiceCategory.LIFE_CARE, ServiceCategory.HEALTH_CARE}
)
#: How long a competence evaluation stays good (12 months, counted in whole months).
EVALUATION_VALID_MONTHS = 12


@zh_labels(
    {
        "worker_unregistered": "服务人员未在服务供给主体人员名册中登记",
        "worker_untrained": "服务人员未参加该服务事项要求的技能培训或能力评价已过期",
    }
)
class WorkerCheck(ZhEnum):
    """dispatch's own refusal codes for a record's worker (the contract adds them later)."""

    WORKER_UNREGISTERED = "worker_unregistered"
    WORKER_UNTRAINED = "worker_untrained"


#: Any check a record can fail: the contract's, or the worker register's.
Check = RecordCheck | WorkerCheck


def check_of(code: str) -> Check:
    """The check a stored code names."""
    try:
        return WorkerCheck(code)
    except ValueError:
        return RecordCheck(code)


@dataclass(frozen=True)
class Certificate:
    """A worker's qualification (e.g. 养老护理员职业技能等级证书) and its last valid day."""

    name_zh: str
    number: str
    valid_until: date | None


@dataclass(frozen=True)
class Training:
    """A training a worker completed, and the service categories it covers."""

    name_zh: str
    categories: frozenset[ServiceCategory]
    completed_on: date


@dataclass(frozen=True)
class Worker:
    """One entry of a provider's register (no phone, no ID number: staff, named for display)."""

    provider_id: uuid.UUID
    worker_ref: str
    name_zh: str
    qualification: Certificate | None
    trainings: tuple[Training, ...]
    evaluated_on: date | None
    active: bool
    version: int = 1

    def trained_for(self, category: ServiceCategory, on: date) -> bool:
        """True if a training completed by ``on`` covers ``category``."""
        return any(category in t.categories and t.completed_on <= on for t in self.trainings)

    def evaluated_for(self, on: date) -> bool:
        """True if the last competence evaluation was within 12 months before ``on``."""
        if self.evaluated_on is None or self.evaluated_on > on:
            return False
        return _months_later(self.evaluated_on, EVALUATION_VALID_MONTHS) >= on


def _months_later(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has no such day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def worker_check(
    worker: Worker | None, category: ServiceCategory | None, on: date
) -> WorkerCheck | None:
    """Why ``worker`` may not be the one named on a record of ``category`` (None: unknown,
    registration only) on ``on``, or None."""
    if worker is None or not worker.active:
        return WorkerCheck.WORKER_UNREGISTERED
    if category in TRAINING_REQUIRED and not (
        worker.trained_for(category, on) and worker.evaluated_for(on)
    ):
        return WorkerCheck.WORKER_UNTRAINED
    return None


@dataclass(frozen=True)
class NamedOnRecord:
    """Who a service record says served, and when (for a spot check)."""

    record_id: uuid.UUID
    order_id: uuid.UUID
    provider_code: str
    worker_ref: str
    service_date: date


@dataclass(frozen=True)
class Entry:
    """A register entry as the provider sends it (the whole entry: a PUT)."""

    worker_ref: str
    name_zh: str
    qualification: Certificate | None
    trainings: tuple[Training, ...]
    evaluated_on: date | None
    active: bool

    def of(self, provider_id: uuid.UUID, version: int) -> Worker:
        """The worker this entry makes in ``provider_id``'s register, at ``version``."""
        return Worker(
            provider_id,
            self.worker_ref,
            self.name_zh,
            self.qualification,
            self.trainings,
            self.evaluated_on,
            self.active,
            version,
        )


def after_put(held: Worker | None, entry: Entry, provider_id: uuid.UUID) -> Worker | None:
    """The worker after ``entry`` is put over ``held``; None when it changes nothing (a repeat)."""
    if held is None:
        return entry.of(provider_id, 1)
    if entry.of(provider_id, held.version) == held:
        return None
    return entry.of(provider_id, held.version + 1)
