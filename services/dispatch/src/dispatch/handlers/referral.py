"""Referral (转介): where an order comes from and who gets it.

An approved recipient's items arrive from review; each becomes an order placed with the
provider ``domain.referral.choose_provider`` picks, or queued for the township when
nobody is eligible. A decline places the item again with the next provider (``replies``);
an officer may override the choice (``reassign``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from civic import clock
from civic.uow import UnitOfWork
from contracts.dispatch.orders import UnplacedReason
from contracts.enums import FundingSource, RecipientStatus, ServiceCategory, ServiceMode
from contracts.reasons import EscalationKind
from contracts.review import RecipientApproved
from contracts.values import ApprovedItem, Frequency
from dispatch.adapters import order_events
from dispatch.adapters.provider_topic import tell_assigned
from dispatch.domain.orders import Order, OrderStatus
from dispatch.domain.providers import Provider
from dispatch.domain.referral import (
    Chosen,
    Need,
    Unplaced,
    choose_provider,
    needs_medical_institution,
)
from dispatch.handlers import Timing
from dispatch.repository import catalogue, orders, providers, recipients


@dataclass(frozen=True)
class Basis:
    """What every order of one referral (one approved item of one recipient) shares."""

    referral_id: uuid.UUID
    recipient_id: uuid.UUID
    person_id: uuid.UUID
    household_id: uuid.UUID
    display_name: str
    item_code: str
    service_category: ServiceCategory
    mode: ServiceMode
    frequency: Frequency
    funding_source: FundingSource
    county_code: str
    township_code: str
    village_code: str
    start_date: date
    source_event_id: uuid.UUID | None

    @classmethod
    def approved(cls, event: RecipientApproved, item: ApprovedItem, start: date) -> Basis:
        """The basis of one approved item."""
        return cls(
            uuid.uuid4(),
            event.recipient_id,
            event.person_id,
            event.household_id,
            event.display_name,
            item.item_code,
            item.service_category,
            item.mode,
            item.frequency,
            item.funding_source,
            event.county_code,
            event.township_code,
            event.village_code,
            start,
            event.event_id,
        )

    @classmethod
    def of(cls, order: Order) -> Basis:
        """The basis an existing order was placed on."""
        return cls(
            order.referral_id,
            order.recipient_id,
            order.person_id,
            order.household_id,
            order.display_name,
            order.item_code,
            ServiceCategory(order.service_category),
            ServiceMode(order.mode),
            Frequency(times=order.frequency_times, per=order.frequency_per),
            FundingSource(order.funding_source),
            order.county_code,
            order.township_code,
            order.village_code,
            order.start_date,
            order.source_event_id,
        )

    def need(self) -> Need:
        """What referral must find a provider for."""
        on = max(self.start_date, clock.today())
        return Need(
            self.village_code, self.item_code, self.mode, on, self.person_id, self.household_id
        )

    def columns(self) -> dict[str, Any]:
        """The order columns this basis fills."""
        return {
            "referral_id": self.referral_id,
            "recipient_id": self.recipient_id,
            "person_id": self.person_id,
            "household_id": self.household_id,
            "display_name": self.display_name,
            "item_code": self.item_code,
            "service_category": self.service_category.value,
            "mode": self.mode.value,
            "frequency_times": self.frequency.times,
            "frequency_per": self.frequency.per.value,
            "funding_source": self.funding_source.value,
            "county_code": self.county_code,
            "township_code": self.township_code,
            "village_code": self.village_code,
            "start_date": self.start_date,
            "source_event_id": self.source_event_id,
        }


async def refer_recipient(event: RecipientApproved, *, uow: UnitOfWork, timing: Timing) -> None:
    """Places every approved item of a new recipient with a provider (转介)."""
    await recipients.lock(uow.session, event.recipient_id)  # before any status change of it
    if not await recipients.keep_newer(uow.session, _recipient_columns(event)):
        return  # an older or repeated approval: its items were placed already
    start = max(event.effective_date, clock.today())
    for item in event.approved_items:
        await place(Basis.approved(event, item, start), uow=uow, timing=timing)


#: Statuses in which a recipient gets no new order (docs/status-change.md).
NOT_SERVED: frozenset[str] = frozenset(
    {RecipientStatus.STOPPED, RecipientStatus.DECEASED, RecipientStatus.SUSPENDED}
)


async def in_service(uow: UnitOfWork, recipient_id: uuid.UUID) -> bool:
    """Whether the recipient may get a new order; the caller holds the recipient's lock."""
    return await recipients.status_of(uow.session, recipient_id) not in NOT_SERVED


async def place(
    basis: Basis,
    *,
    uow: UnitOfWork,
    timing: Timing,
    replaces: uuid.UUID | None = None,
    order_id: uuid.UUID | None = None,
    prefer: str | None = None,
) -> Order | None:
    """Creates an order for ``basis`` with the chosen provider (``prefer``, the township's
    choice, when it is eligible), or queues it for the township; None, and no order, for a
    recipient stopped, deceased or suspended meanwhile. Callers hold the recipient's lock
    (``recipients.lock``), as a status change does."""
    if not await in_service(uow, basis.recipient_id):
        return None
    new_id = order_id or uuid.uuid4()
    item = (await catalogue.items_on(uow.session, basis.county_code, basis.start_date)).get(
        basis.item_code
    )
    if item is None:
        unplaced = Unplaced(UnplacedReason.ITEM_NOT_IN_CATALOGUE)
        return await _queue(basis, unplaced, uow=uow, replaces=replaces, order_id=new_id)
    choice = await _choose(basis, uow=uow, prefer=prefer)
    if isinstance(choice, Unplaced):
        return await _queue(basis, choice, uow=uow, replaces=replaces, order_id=new_id)
    columns = basis.columns() | {"unit": item.unit.value, "catalogue_version": item.version}
    return await assign(
        columns, choice.provider, uow=uow, timing=timing, replaces=replaces, order_id=new_id
    )


# --- choosing ---------------------------------------------------------------------------


async def need_of(basis: Basis, *, uow: UnitOfWork) -> Need:
    """What referral must find, knowing whether only a medical institution may give it."""
    needed = await recipients.medical_needed(uow.session, basis.recipient_id)
    medical = needs_medical_institution(needed, basis.service_category, basis.mode)
    return replace(basis.need(), medical_only=medical)


async def _choose(basis: Basis, *, uow: UnitOfWork, prefer: str | None) -> Chosen | Unplaced:
    """Runs the rule; capacity is re-counted under the chosen provider's lock before use."""
    need = await need_of(basis, uow=uow)
    candidates = await providers.candidates(
        uow.session,
        county_code=basis.county_code,
        person_id=basis.person_id,
        household_id=basis.household_id,
    )
    excluded = await orders.decliners(uow.session, basis.referral_id)
    preferred = [c for c in candidates if c.provider.code == prefer]
    chosen = choose_provider(need, preferred, excluded=excluded) if preferred else None
    if isinstance(chosen, Chosen):
        load = await providers.lock_and_count(uow.session, chosen.provider.provider_id)
        if load < chosen.provider.capacity:
            return chosen  # the township's choice, eligible and with room
    while True:
        choice = choose_provider(need, candidates, excluded=excluded)
        if isinstance(choice, Unplaced):
            return choice
        load = await providers.lock_and_count(uow.session, choice.provider.provider_id)
        if load < choice.provider.capacity:
            return choice
        # Another referral filled it meanwhile: count it as full and choose again.
        candidates = [
            replace(c, open_orders=load) if c is choice.candidate else c for c in candidates
        ]


# --- writing orders ---------------------------------------------------------------------


async def assign(
    columns: dict[str, Any],
    provider: Provider,
    *,
    uow: UnitOfWork,
    timing: Timing,
    replaces: uuid.UUID | None,
    order_id: uuid.UUID | None = None,
) -> Order:
    """Creates an order at ``provider``, announces it and tells the provider."""
    values = columns | {
        "order_id": order_id or uuid.uuid4(),
        "version": 1,
        "status": OrderStatus.ASSIGNED.value,
        "provider_id": provider.provider_id,
        "provider_code": provider.code,
        "respond_by": clock.now() + timing.order_response,
        "replaces_order_id": replaces,
    }
    await orders.insert(uow.session, values)
    order = await reload(uow, values["order_id"])
    uow.emit(order_events.created(order))
    tell_assigned(uow, order)
    return order


async def _queue(
    basis: Basis,
    unplaced: Unplaced,
    *,
    uow: UnitOfWork,
    replaces: uuid.UUID | None,
    order_id: uuid.UUID,
) -> Order:
    """Keeps an order nobody can take in the township's queue, and says so (and why)."""
    values = basis.columns() | {
        "order_id": order_id,
        "version": 1,
        "status": OrderStatus.QUEUED.value,
        "unplaced_reason": unplaced.reason.value,
        "unplaced_reason_zh": unplaced.reason_zh,
        "escalated_at": clock.now(),
        "escalation_kind": EscalationKind.OTHER.value,
        "replaces_order_id": replaces,
    }
    await orders.insert(uow.session, values)
    order = await reload(uow, values["order_id"])
    uow.emit(order_events.escalated(order, EscalationKind.OTHER))
    return order


async def reload(uow: UnitOfWork, order_id: uuid.UUID) -> Order:
    """The order as just written (with the columns the database filled in)."""
    order = await orders.get(uow.session, order_id)
    assert order is not None
    return order


def _recipient_columns(event: RecipientApproved) -> dict[str, Any]:
    return {
        "recipient_id": event.recipient_id,
        "person_id": event.person_id,
        "household_id": event.household_id,
        "version": event.version,
        "display_name": event.display_name,
        "category": event.category.value,
        "county_code": event.county_code,
        "township_code": event.township_code,
        "village_code": event.village_code,
        "effective_date": event.effective_date,
        "route": event.route.value,
        "temporary_until": event.temporary_until,
        "medical_institution_needed": event.medical_institution_needed,
    }
