"""What following a recipient's status reads and writes, in the domain's terms.

``StatusStore`` is the port the status-change use case (``handlers/status``) and order
changes (``handlers/changes``) talk to; ``SqlStatusStore`` is it on the unit of work's
session, and the unit tests bring an in-memory one (``tests/unit/fakes.py``).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, Protocol

from civic.uow import UnitOfWork
from contracts.enums import RecipientCategory, RecipientStatus
from contracts.reasons import StatusChangeReason
from dispatch.domain.orders import Order, OrderStatus
from dispatch.domain.status import Area, OrderView, StatusChange, ended_on
from dispatch.repository import changes, orders, recipients, service_changes


class StatusStore(Protocol):
    """The recipient's status log and orders, order changes and the acknowledgements due."""

    async def lock(self, recipient_id: uuid.UUID) -> None:
        """Serialises the approval and the status changes of one recipient."""

    async def held_version(self, recipient_id: uuid.UUID) -> int | None:
        """The status version held, or None before the recipient's approval."""

    async def log(
        self, change: StatusChange, *, person_id: uuid.UUID, previous: RecipientStatus
    ) -> bool:
        """Keeps a status change once; False if this version was received before."""

    async def waiting(self, recipient_id: uuid.UUID) -> list[StatusChange]:
        """Logged changes not yet applied (they came before the approval), oldest first."""

    async def record(self, change: StatusChange) -> None:
        """Writes the new status (and area, category, end of aid) on the recipient."""

    async def mark_applied(self, recipient_id: uuid.UUID, version: int) -> None:
        """Notes that a logged change took effect."""

    async def has_pending(self, recipient_id: uuid.UUID) -> bool:
        """Whether items added while the recipient was suspended wait to be placed."""

    async def orders_of(self, recipient_id: uuid.UUID) -> list[OrderView]:
        """The recipient's orders, locked in id order for the change that follows."""

    async def order(self, order_id: uuid.UUID) -> Order:
        """One order, as stored."""

    async def change_order(self, order_id: uuid.UUID, values: dict[str, Any]) -> Order:
        """Changes an order, bumps its version, and returns it as it now stands."""

    async def expect_acknowledgement(self, values: dict[str, Any]) -> None:
        """Keeps a change told to a provider, who must acknowledge it by a deadline."""


class SqlStatusStore:
    """``StatusStore`` on the unit of work's session."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def lock(self, recipient_id: uuid.UUID) -> None:
        """Serialises the approval and the status changes of one recipient."""
        await recipients.lock(self._uow.session, recipient_id)

    async def held_version(self, recipient_id: uuid.UUID) -> int | None:
        """The status version held, or None before the recipient's approval."""
        held = await recipients.get(self._uow.session, recipient_id)
        return None if held is None else held.version

    async def log(
        self, change: StatusChange, *, person_id: uuid.UUID, previous: RecipientStatus
    ) -> bool:
        """Keeps a status change once; False if this version was received before."""
        row = _log_row(change) | {"person_id": person_id, "previous_status": previous.value}
        return await recipients.log_change(self._uow.session, row)

    async def waiting(self, recipient_id: uuid.UUID) -> list[StatusChange]:
        """Logged changes not yet applied (they came before the approval), oldest first."""
        rows = await recipients.waiting_changes(self._uow.session, recipient_id)
        return [change_of_row(row) for row in rows]

    async def record(self, change: StatusChange) -> None:
        """Writes the new status (and area, category, end of aid) on the recipient."""
        await recipients.change(self._uow.session, change.recipient_id, _recipient_row(change))

    async def mark_applied(self, recipient_id: uuid.UUID, version: int) -> None:
        """Notes that a logged change took effect."""
        await recipients.mark_applied(self._uow.session, recipient_id, version)

    async def has_pending(self, recipient_id: uuid.UUID) -> bool:
        """Whether items added while the recipient was suspended wait to be placed."""
        return bool(await service_changes.pending_of(self._uow.session, recipient_id))

    async def orders_of(self, recipient_id: uuid.UUID) -> list[OrderView]:
        """The recipient's orders, locked in id order for the change that follows."""
        rows = await orders.of_recipient(self._uow.session, recipient_id)
        return [order_view(row) for row in rows]

    async def order(self, order_id: uuid.UUID) -> Order:
        """One order, as stored."""
        found = await orders.get(self._uow.session, order_id)
        assert found is not None, order_id
        return found

    async def change_order(self, order_id: uuid.UUID, values: dict[str, Any]) -> Order:
        """Changes an order, bumps its version, and returns it as it now stands."""
        return await orders.change(self._uow.session, order_id, values)

    async def expect_acknowledgement(self, values: dict[str, Any]) -> None:
        """Keeps a change told to a provider, who must acknowledge it by a deadline."""
        await changes.expect(self._uow.session, values)


def order_view(order: Order) -> OrderView:
    """The status rule's view of an order row."""
    paused_from = order.paused_from
    return OrderView(
        order.order_id, order.status, OrderStatus(paused_from) if paused_from else None
    )


def change_of_row(row: Mapping[Any, Any]) -> StatusChange:
    """The domain's status change from a row of the log of changes."""
    area = None
    if row["new_village_code"]:
        area = Area(row["new_county_code"], row["new_township_code"], row["new_village_code"])
    category = row["new_category"]
    return StatusChange(
        recipient_id=row["recipient_id"],
        version=row["version"],
        status=RecipientStatus(row["status"]),
        effective_date=row["effective_date"],
        reason_code=StatusChangeReason(row["reason_code"]),
        cause_event_id=row["cause_event_id"],
        expected_end=row["expected_end"],
        new_area=area,
        new_category=RecipientCategory(category) if category else None,
    )


def _log_row(change: StatusChange) -> dict[str, Any]:
    area = change.new_area
    return {
        "recipient_id": change.recipient_id,
        "version": change.version,
        "status": change.status.value,
        "effective_date": change.effective_date,
        "reason_code": change.reason_code.value,
        "expected_end": change.expected_end,
        "new_county_code": area.county_code if area else None,
        "new_township_code": area.township_code if area else None,
        "new_village_code": area.village_code if area else None,
        "new_category": change.new_category.value if change.new_category else None,
        "cause_event_id": change.cause_event_id,
    }


def _recipient_row(change: StatusChange) -> dict[str, Any]:
    values: dict[str, Any] = {
        "version": change.version,
        "status": change.status.value,
        "status_effective_date": change.effective_date,
        "status_reason_code": change.reason_code.value,
        "expected_end": change.expected_end,
    }
    if (ended := ended_on(change)) is not None:
        values["ended_on"] = ended
    if (area := change.new_area) is not None:
        values |= {
            "county_code": area.county_code,
            "township_code": area.township_code,
            "village_code": area.village_code,
        }
    if change.new_category is not None:
        values["category"] = change.new_category.value
    return values
