"""In-memory stand-ins for dispatch's status store: handler rules in milliseconds.

The fake store keeps recipients' status versions, the log of changes and orders in
dictionaries. Tests pair it with civic's shared ``civic.testing.FakeUnitOfWork`` (its
``outbox`` keeps each committed event with its topic); unlike PostgreSQL the store does not
undo writes on a rollback, so a test reads ``uow.committed`` and ``uow.events`` to see what a
use case kept.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from contracts.enums import RecipientStatus, ServiceCategory
from dispatch.domain.orders import Order, OrderStatus
from dispatch.domain.records import OrderTerms, Report
from dispatch.domain.status import OrderView, StatusChange
from dispatch.domain.workers import Certificate, Training, Worker
from dispatch.repository.status import order_view

#: An accepted order of provider care-a for LC-01 (life care), from 1 June 2026 on.
ACCEPTED_TERMS = OrderTerms(
    "care-a",
    OrderStatus.ACCEPTED,
    "LC-01",
    date(2026, 6, 1),
    None,
    service_category=ServiceCategory.LIFE_CARE,
)

#: Worker w1 of care-a: trained for every category in 2025, evaluated in January 2026.
TRAINED_WORKER = Worker(
    provider_id=uuid.UUID(int=1),
    worker_ref="w1",
    name_zh="李护理员",
    qualification=Certificate("养老护理员职业技能等级证书", "YL-0001", date(2028, 1, 1)),
    trainings=(Training("养老护理员岗前培训", frozenset(ServiceCategory), date(2025, 3, 1)),),
    evaluated_on=date(2026, 1, 15),
    active=True,
)


def proper_report(now: datetime) -> Report:
    """A confirmed LC-01 visit by care-a that ended an hour before ``now``, on its day."""
    return Report(
        record_id=uuid.uuid4(),
        provider_code="care-a",
        item_code="LC-01",
        service_date=now.date(),
        started_at=now - timedelta(hours=2),
        ended_at=now - timedelta(hours=1),
        worker_ref="w1",
        recipient_confirmed=True,
        confirmation_ref="sig-1",
        evidence_count=0,
    )


class FakeStatusStore:
    """``repository.status.StatusStore`` in dictionaries."""

    def __init__(self) -> None:
        self.versions: dict[uuid.UUID, int] = {}
        self.statuses: dict[uuid.UUID, RecipientStatus] = {}
        self.log_of_changes: dict[tuple[uuid.UUID, int], StatusChange] = {}
        self.applied: set[tuple[uuid.UUID, int]] = set()
        self.orders: dict[uuid.UUID, Order] = {}
        self.expected_acknowledgements: list[dict[str, Any]] = []

    def approve(self, recipient_id: uuid.UUID, version: int = 1) -> None:
        """A recipient as the approval stored it."""
        self.versions[recipient_id] = version
        self.statuses[recipient_id] = RecipientStatus.ACTIVE

    def add_order(
        self, recipient_id: uuid.UUID, status: OrderStatus, provider_code: str | None = "p001"
    ) -> uuid.UUID:
        """An order of the recipient (at a provider unless ``provider_code`` is None)."""
        order_id = uuid.uuid4()
        self.orders[order_id] = order(order_id, recipient_id, status, provider_code)
        return order_id

    async def lock(self, recipient_id: uuid.UUID) -> None:
        """Nothing races in memory."""

    async def held_version(self, recipient_id: uuid.UUID) -> int | None:
        """The status version held, or None before the approval."""
        return self.versions.get(recipient_id)

    async def log(
        self, change: StatusChange, *, person_id: uuid.UUID, previous: RecipientStatus
    ) -> bool:
        """Keeps a change once (the log's primary key is recipient and version)."""
        key = (change.recipient_id, change.version)
        if key in self.log_of_changes:
            return False
        self.log_of_changes[key] = change
        return True

    async def waiting(self, recipient_id: uuid.UUID) -> list[StatusChange]:
        """Logged changes not yet applied, oldest first."""
        keys = sorted(k for k in self.log_of_changes if k[0] == recipient_id)
        return [self.log_of_changes[k] for k in keys if k not in self.applied]

    async def record(self, change: StatusChange) -> None:
        """The recipient's new status and version."""
        self.versions[change.recipient_id] = change.version
        self.statuses[change.recipient_id] = change.status

    async def mark_applied(self, recipient_id: uuid.UUID, version: int) -> None:
        """Notes that a logged change took effect."""
        self.applied.add((recipient_id, version))

    async def has_pending(self, recipient_id: uuid.UUID) -> bool:
        """No item waits for a suspension to end here (issue 20's own tests cover them)."""
        return False

    async def orders_of(self, recipient_id: uuid.UUID) -> list[OrderView]:
        """The recipient's orders, in id order."""
        mine = [o for o in self.orders.values() if o.recipient_id == recipient_id]
        return [order_view(o) for o in sorted(mine, key=lambda o: o.order_id)]

    async def order(self, order_id: uuid.UUID) -> Order:
        """One order."""
        return self.orders[order_id]

    async def change_order(self, order_id: uuid.UUID, values: dict[str, Any]) -> Order:
        """Changes an order and bumps its version."""
        held = self.orders[order_id]
        if "status" in values:
            values = values | {"status": OrderStatus(values["status"])}
        self.orders[order_id] = replace(held, **values, version=held.version + 1)
        return self.orders[order_id]

    async def expect_acknowledgement(self, values: dict[str, Any]) -> None:
        """Keeps the acknowledgement a provider owes."""
        self.expected_acknowledgements.append(values)


def order(
    order_id: uuid.UUID, recipient_id: uuid.UUID, status: OrderStatus, provider_code: str | None
) -> Order:
    """An order of one weekly home-care item, as the approval placed it."""
    placed = datetime(2026, 11, 1, tzinfo=UTC)
    return Order(
        order_id=order_id,
        referral_id=uuid.uuid4(),
        version=1,
        status=status,
        recipient_id=recipient_id,
        person_id=uuid.uuid5(uuid.NAMESPACE_OID, str(recipient_id)),
        household_id=uuid.uuid4(),
        display_name="张*",
        provider_id=uuid.uuid4() if provider_code else None,
        provider_code=provider_code,
        item_code="HC01",
        service_category="home_care",
        mode="home_visit",
        frequency_times=1,
        frequency_per="week",
        funding_source="special_hardship",
        unit="visit",
        catalogue_version=1,
        county_code="341702",
        township_code="341702008",
        village_code="341702008201",
        start_date=date(2026, 11, 1),
        end_date=None,
        respond_by=None,
        escalated_at=None,
        escalation_kind=None,
        unplaced_reason=None,
        replaces_order_id=None,
        decline_reason_code=None,
        decline_reason_zh=None,
        admission_date=None,
        paired_member_ref=None,
        assigned_by=None,
        assignment_note_zh=None,
        source_event_id=None,
        updated_at=placed,
        paused_from=None,
        change_reason_code=None,
        change_effective_date=None,
        active_until=None,
        created_at=placed,
    )
