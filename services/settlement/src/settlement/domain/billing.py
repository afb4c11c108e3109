"""What a delivered service is worth, by the fee in force on its day and who was active then.

Money is integer fen. A per-day item covers ``quantity`` days from the service date and is
paid for the days the recipient and the order were active; a per-month item covers its
calendar month and is prorated by active days, rounded down (public money is never
over-paid by rounding).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from contracts.enums import FeeUnit, ServiceMode
from settlement.domain import fund_rules
from settlement.domain.fund_rules import FundRuleVersion, HoldDecision, LineFacts, Resolution
from settlement.domain.months import days_in, first_day, month_of
from settlement.domain.reasons import NotBillableReason
from settlement.domain.timelines import OrderTimeline, RecipientTimeline


@dataclass(frozen=True)
class Service:
    """The facts of one delivered service that decide its price."""

    provider_id: uuid.UUID
    mode: ServiceMode
    unit: FeeUnit
    quantity: int
    service_date: date
    ordered: bool = True  # False for a village's neighbour-aid record (no order behind it)
    item_code: str | None = None  # a change of the recipient's items may withdraw it
    funding_source: str | None = None  # the fund the record names
    service_category: str | None = None  # what a fund's rule may limit


@dataclass(frozen=True)
class FundControl:
    """The county's fund rules in force on the service day, and its resolution of a hold."""

    version: FundRuleVersion | None = None
    resolution: Resolution | None = None


#: No rules (a county without any, or a line they do not touch): every fund is unrestricted.
UNRESTRICTED = FundControl()


@dataclass(frozen=True)
class Price:
    """The catalogue's answer for an item on a day: the version, and the item if listed."""

    catalogue_version: int | None
    unit: FeeUnit | None = None
    fee_fen: int | None = None


@dataclass(frozen=True)
class Entitlement:
    """What the service is worth now; ``reason`` is set when nothing is payable."""

    reason: NotBillableReason | None
    quantity: int = 0
    unit_fee_fen: int = 0
    catalogue_version: int | None = None
    amount_fen: int = 0
    note_zh: str | None = None
    #: The fund its lines are paid from: the item's fund that day by the latest change of the
    #: recipient's items, else the fund the record names.
    funding_source: str | None = None

    @property
    def billable(self) -> bool:
        """True when the service is payable."""
        return self.reason is None

    @property
    def full_fen(self) -> int:
        """Quantity times the unit fee, before any prorating."""
        return self.quantity * self.unit_fee_fen


def covered_days(service: Service) -> list[date]:
    """The days a service stands for: its day, ``quantity`` days, or its calendar month."""
    if service.unit is FeeUnit.DAY:
        return [service.service_date + timedelta(days=i) for i in range(service.quantity)]
    if service.unit is FeeUnit.MONTH:
        month = month_of(service.service_date)
        start = first_day(month)
        return [start + timedelta(days=i) for i in range(days_in(month))]
    return [service.service_date]


def covers_until(service: Service) -> date:
    """The last day a service stands for (a later status change may affect it)."""
    return covered_days(service)[-1]


def _price_reason(service: Service, price: Price) -> NotBillableReason | None:
    if price.catalogue_version is None:
        return NotBillableReason.NO_CATALOGUE
    if price.fee_fen is None:
        return NotBillableReason.ITEM_NOT_IN_CATALOGUE
    if price.unit is not service.unit:
        return NotBillableReason.UNIT_MISMATCH
    if price.fee_fen == 0:
        return NotBillableReason.NO_FEE
    return None


def _gate(
    service: Service,
    recipient: RecipientTimeline | None,
    order: OrderTimeline | None,
    disallowed: NotBillableReason | bool | None,
) -> NotBillableReason | None:
    if isinstance(disallowed, NotBillableReason):
        return disallowed  # a failed inspection, a substantiated complaint
    if disallowed:
        return NotBillableReason.SPOT_CHECK_FAILED
    if service.mode is ServiceMode.CHARITY_REFERRAL:
        return NotBillableReason.UNPAID_MODE
    if recipient is None:
        return NotBillableReason.AWAITING_RECIPIENT
    if order is None:
        # A village's record of a neighbour's help has no order; only the recipient counts.
        neighbour = service.mode is ServiceMode.NEIGHBOUR_MUTUAL_AID and not service.ordered
        return None if neighbour else NotBillableReason.AWAITING_ORDER
    if order.provider_id != service.provider_id:
        return NotBillableReason.PROVIDER_MISMATCH
    return None


def blocked_on(
    recipient: RecipientTimeline, order: OrderTimeline, day: date, item_code: str | None = None
) -> NotBillableReason | None:
    """Why a service on ``day`` is not payable (the recipient first, their items, then the
    order)."""
    withdrawn = None if item_code is None else recipient.item_blocked_on(item_code, day)
    return recipient.blocked_on(day) or withdrawn or order.blocked_on(day)


def entitle(
    service: Service,
    *,
    recipient: RecipientTimeline | None,
    order: OrderTimeline | None,
    price: Price,
    disallowed: NotBillableReason | bool | None = False,
    funds: FundControl = UNRESTRICTED,
) -> Entitlement:
    """Prices one service by the fee in force on its day, for the days it was payable, from
    the fund the county's rules let pay it."""
    reason = _gate(service, recipient, order, disallowed)
    if reason is not None:
        return Entitlement(reason)
    assert recipient is not None  # _gate checked it
    if service.mode is ServiceMode.NEIGHBOUR_MUTUAL_AID:
        # Counted for the township's yearly subsidy when it was given on an active day.
        on_day = recipient.blocked_on(service.service_date)
        if on_day is None and order is not None:
            on_day = order.blocked_on(service.service_date)
        return Entitlement(on_day or NotBillableReason.NEIGHBOUR_SUBSIDY)
    assert order is not None
    reason = _price_reason(service, price)
    if reason is not None:
        return Entitlement(reason)
    assert price.fee_fen is not None
    days, item = covered_days(service), service.item_code
    active = [d for d in days if blocked_on(recipient, order, d, item) is None]
    if not active:
        # The service day itself is among the covered days, so it names the reason.
        return Entitlement(blocked_on(recipient, order, service.service_date, item))
    fund = (item and recipient.fund_on(item, service.service_date)) or service.funding_source
    paying = _paying_fund(service, recipient, fund, funds)
    if isinstance(paying, Entitlement):
        return paying
    priced = Entitlement(
        None, service.quantity, price.fee_fen, price.catalogue_version, funding_source=paying
    )
    if service.unit is FeeUnit.DAY and len(active) < len(days):
        note = f"按在册天数计 {len(active)}/{len(days)} 天"
        return _with(priced, quantity=len(active), amount=len(active) * price.fee_fen, note=note)
    if service.unit is FeeUnit.MONTH and len(active) < len(days):
        amount = priced.full_fen * len(active) // len(days)
        return _with(priced, amount=amount, note=f"按在册天数折算 {len(active)}/{len(days)} 天")
    return _with(priced, amount=priced.full_fen)


def _with(
    e: Entitlement, *, amount: int, quantity: int | None = None, note: str | None = None
) -> Entitlement:
    q = e.quantity if quantity is None else quantity
    return Entitlement(None, q, e.unit_fee_fen, e.catalogue_version, amount, note, e.funding_source)


def _paying_fund(
    service: Service, recipient: RecipientTimeline, fund: str | None, control: FundControl
) -> str | Entitlement | None:
    """The fund that pays (the county's assignment first), or why none may (专款专用)."""
    resolution = control.resolution
    if resolution is not None and resolution.decision is HoldDecision.REFUSE:
        return Entitlement(
            NotBillableReason.FUND_REFUSED, note_zh=resolution.note_zh, funding_source=fund
        )
    # The county may name the fund: it pays if the rules let it (no fallback then).
    named = None if resolution is None else resolution.funding_source
    fund = named or fund
    if fund is None or control.version is None:
        return fund
    facts = LineFacts(
        recipient.category_on(service.service_date),
        recipient.special_conditions,
        service.service_category,
        service.mode.value,
    )
    if named is not None:
        why = fund_rules.may_pay(control.version, named, facts)
        choice = fund_rules.FundChoice(None, why) if why else fund_rules.FundChoice(named)
    else:
        choice = fund_rules.choose(control.version, fund, facts)
    if choice.held:
        return Entitlement(
            NotBillableReason.FUND_RESTRICTED, note_zh=choice.why_zh, funding_source=fund
        )
    return choice.funding_source
