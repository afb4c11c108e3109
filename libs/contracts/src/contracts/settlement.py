"""Events settlement publishes: the county catalogue and fee standard, and the county's fund
rules, on ``settlement.catalogue.v1``; ledger, statements and spot checks on
``settlement.ledger.v1``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from typing import ClassVar, Literal, Protocol, Self, TypeVar

from pydantic import Field, model_validator

from contracts import topics
from contracts.enums import (
    FeeUnit,
    FundingSource,
    RecipientCategory,
    ServiceCategory,
    ServiceMode,
    SpecialCondition,
)
from contracts.envelope import KeyedEvent, PersonEvent
from contracts.fields import (
    CountyCode,
    DivisionCode,
    Fen,
    ItemCode,
    Period,
    ProviderCode,
    ReasonZh,
    TownshipCode,
    UserId,
    Version,
)
from contracts.kinds import LedgerLineKind, SpotCheckOutcome, StatementPeriod
from contracts.values import FundingTotal, Value


class CatalogueItem(Value):
    """One item of the county's service catalogue with its fee standard (收费标准)."""

    item_code: ItemCode = Field(description="Stable item code.")
    name_zh: str = Field(min_length=1, max_length=50, description="Chinese item name.")
    service_category: ServiceCategory = Field(description="Category of the item.")
    unit: FeeUnit = Field(description="Unit the fee is charged per.")
    fee_fen: Fen = Field(description="Fee per unit in fen (0 for unpaid modes such as charity).")
    is_example: bool = Field(
        description="True while the fee is a demo value, not a county decision."
    )


class CatalogueVersionPublished(KeyedEvent):
    """A county published a version of its service catalogue; it applies from effective_from."""

    TOPIC: ClassVar[str] = topics.SETTLEMENT_CATALOGUE
    KEY_FIELD: ClassVar[str] = "county_code"

    event_type: Literal["settlement.CatalogueVersionPublished"] = Field(
        default="settlement.CatalogueVersionPublished", description="Event name."
    )
    producer: Literal["settlement"] = Field(default="settlement", description="Always settlement.")
    county_code: CountyCode = Field(description="County whose catalogue this is; the Kafka key.")
    version: Version = Field(description="Catalogue version, per county.")
    effective_from: date = Field(description="First day services are priced by this version.")
    items: tuple[CatalogueItem, ...] = Field(min_length=1, description="The whole item list.")
    published_by: UserId = Field(description="County officer who published it.")

    @model_validator(mode="after")
    def _codes_unique(self) -> Self:
        codes = [i.item_code for i in self.items]
        if len(codes) != len(set(codes)):
            raise ValueError("item codes must be unique within a catalogue version")
        return self


#: Who buys a service (服务购买主体): a township (today every statement) or the county.
PurchaserLevel = Literal["township", "county"]


class FundRuleTerms(Value):
    """What one restricted fund may pay for; an empty list places no limit on that dimension."""

    funding_source: FundingSource = Field(description="The fund this rule restricts.")
    recipient_categories: tuple[RecipientCategory, ...] = Field(
        default=(), description="Categories it may pay for; with recipient_conditions: either."
    )
    # A rule's terms, not anyone's data: which special conditions the fund may pay for.
    recipient_conditions: tuple[SpecialCondition, ...] = Field(
        default=(), description="Or recipients with any of these special conditions."
    )
    service_categories: tuple[ServiceCategory, ...] = Field(
        default=(), description="Service categories it may pay for."
    )
    modes: tuple[ServiceMode, ...] = Field(default=(), description="Service modes it may pay for.")
    purchaser_levels: tuple[PurchaserLevel, ...] = Field(
        default=(), description="Purchaser levels it may pay for: township or county."
    )
    fallback_funding_source: FundingSource | None = Field(
        default=None,
        description="Pays what this fund may not (one hop); none: held for the county.",
    )


class FundRulesPublished(KeyedEvent):
    """A county published a version of its fund rules (专款专用); it applies from effective_from."""

    TOPIC: ClassVar[str] = topics.SETTLEMENT_CATALOGUE
    KEY_FIELD: ClassVar[str] = "county_code"

    event_type: Literal["settlement.FundRulesPublished"] = Field(
        default="settlement.FundRulesPublished", description="Event name."
    )
    producer: Literal["settlement"] = Field(default="settlement", description="Always settlement.")
    county_code: CountyCode = Field(description="County whose rules these are; the Kafka key.")
    version: Version = Field(description="Fund rules version, per county.")
    effective_from: date = Field(description="First service day judged by this version.")
    funds: tuple[FundRuleTerms, ...] = Field(
        default=(), description="The restricted funds; a fund not listed is unrestricted."
    )

    @model_validator(mode="after")
    def _funds_unique(self) -> Self:
        funds = [f.funding_source for f in self.funds]
        if len(funds) != len(set(funds)):
            raise ValueError("a fund appears at most once in a fund rules version")
        return self


class Dated(Protocol):
    """Anything that holds a catalogue version: a number and the first day it applies."""

    @property
    def version(self) -> int: ...
    @property
    def effective_from(self) -> date: ...


VersionT = TypeVar("VersionT", bound=Dated)


def version_in_force(versions: Iterable[VersionT], on: date) -> VersionT | None:
    """The catalogue version that prices ``on``: the latest to have started, then the highest.

    The one rule every read copy of the catalogue uses (intake, review, dispatch, archive and
    settlement itself). A new version never starts before the latest one, so the latest to
    have started is also the highest-numbered; ordering by both keeps a replayed history safe.
    """
    started = [v for v in versions if v.effective_from <= on]
    return max(started, key=lambda v: (v.effective_from, v.version), default=None)


class LedgerEvent(PersonEvent):
    """Base of ledger lines and spot checks: about one person's services."""

    TOPIC: ClassVar[str] = topics.SETTLEMENT_LEDGER

    producer: Literal["settlement"] = Field(default="settlement", description="Always settlement.")


class LedgerLinePosted(LedgerEvent):
    """A line was posted to a provider's ledger: a charge, a reversal or an adjustment."""

    event_type: Literal["settlement.LedgerLinePosted"] = Field(
        default="settlement.LedgerLinePosted", description="Event name."
    )
    line_id: uuid.UUID = Field(description="The ledger line.")
    kind: LedgerLineKind = Field(description="Charge, reversal or adjustment.")
    recipient_id: uuid.UUID = Field(description="The recipient served.")
    provider_id: uuid.UUID = Field(description="The provider paid.")
    township_code: TownshipCode = Field(description="Township/street that pays.")
    period: Period = Field(description="Settlement period the line falls in (YYYY-MM or YYYY).")
    item_code: ItemCode = Field(description="Catalogue item.")
    funding_source: FundingSource = Field(description="The fund charged.")
    unit: FeeUnit = Field(description="Unit of the quantity.")
    quantity: int = Field(description="Units; negative on a reversal.")
    unit_fee_fen: Fen = Field(description="Fee per unit in fen, from the catalogue version.")
    amount_fen: int = Field(description="Amount in fen; negative on a reversal.")
    catalogue_version: Version = Field(description="Catalogue version that priced the line.")
    service_date: date | None = Field(default=None, description="Day of the service, if one.")
    record_id: uuid.UUID | None = Field(default=None, description="Service record billed, if one.")
    order_id: uuid.UUID | None = Field(default=None, description="Order billed, if one.")
    reverses_line_id: uuid.UUID | None = Field(
        default=None, description="For a reversal: the line it cancels."
    )
    cause_event_id: uuid.UUID | None = Field(
        default=None, description="event_id that caused it, e.g. a RecipientStatusChanged."
    )
    reason_zh: ReasonZh | None = Field(default=None, description="Short Chinese note, if any.")

    @model_validator(mode="after")
    def _amount_adds_up(self) -> Self:
        priced = self.kind is not LedgerLineKind.ADJUSTMENT
        if priced and self.amount_fen != self.quantity * self.unit_fee_fen:
            raise ValueError("amount_fen must equal quantity * unit_fee_fen")
        if self.kind is LedgerLineKind.CHARGE and self.quantity < 0:
            raise ValueError("a charge has a positive quantity")
        if self.kind is LedgerLineKind.REVERSAL and (
            self.reverses_line_id is None or self.quantity > 0
        ):
            raise ValueError("a reversal names the line it reverses and has a negative quantity")
        return self


class SpotCheckSampled(LedgerEvent):
    """A service record was drawn for the county's spot check (at least 30% a year)."""

    event_type: Literal["settlement.SpotCheckSampled"] = Field(
        default="settlement.SpotCheckSampled", description="Event name."
    )
    spot_check_id: uuid.UUID = Field(description="The spot check of this record.")
    record_id: uuid.UUID = Field(description="The service record to check.")
    provider_id: uuid.UUID = Field(description="The provider that gave the service.")
    county_code: CountyCode = Field(description="County doing the check.")
    year: int = Field(ge=2023, le=2100, description="Year whose services the sample is drawn from.")


class SpotCheckRecorded(LedgerEvent):
    """The result of a spot check was recorded."""

    event_type: Literal["settlement.SpotCheckRecorded"] = Field(
        default="settlement.SpotCheckRecorded", description="Event name."
    )
    spot_check_id: uuid.UUID = Field(description="The spot check.")
    record_id: uuid.UUID = Field(description="The service record checked.")
    outcome: SpotCheckOutcome = Field(description="What the check found.")
    checked_by: UserId = Field(description="Officer who checked.")
    checked_on: date = Field(description="Day of the check.")
    disallowed_fen: Fen = Field(default=0, description="Amount in fen no longer payable.")


class StatementEvent(KeyedEvent):
    """Base of a settlement statement's events; keyed by ``statement_id``."""

    TOPIC: ClassVar[str] = topics.SETTLEMENT_LEDGER
    KEY_FIELD: ClassVar[str] = "statement_id"

    producer: Literal["settlement"] = Field(default="settlement", description="Always settlement.")
    statement_id: uuid.UUID = Field(description="The statement; also the Kafka key.")
    version: Version = Field(description="Version of the statement after this event.")
    provider_id: uuid.UUID = Field(description="The provider paid.")
    provider_code: ProviderCode = Field(description="The provider's code.")
    township_code: TownshipCode = Field(description="Township/street that pays.")
    period_kind: StatementPeriod = Field(description="Monthly, or annual (neighbour subsidies).")
    period: Period = Field(description="YYYY-MM for monthly, YYYY for annual.")


class StatementIssued(StatementEvent):
    """The township issued a provider's statement for a period."""

    event_type: Literal["settlement.StatementIssued"] = Field(
        default="settlement.StatementIssued", description="Event name."
    )
    total_fen: int = Field(description="Total payable in fen.")
    line_count: int = Field(ge=0, description="Number of ledger lines included.")
    by_funding_source: tuple[FundingTotal, ...] = Field(
        default=(), description="The total split by fund; the parts add up to total_fen."
    )

    @model_validator(mode="after")
    def _parts_add_up(self) -> Self:
        if (
            self.by_funding_source
            and sum(p.amount_fen for p in self.by_funding_source) != self.total_fen
        ):
            raise ValueError("by_funding_source must add up to total_fen")
        return self


class StatementConfirmed(StatementEvent):
    """The provider and the township confirmed the statement."""

    event_type: Literal["settlement.StatementConfirmed"] = Field(
        default="settlement.StatementConfirmed", description="Event name."
    )
    total_fen: int = Field(description="Total confirmed in fen.")
    confirmed_by: UserId = Field(description="Township officer who confirmed.")


class StatementPaid(StatementEvent):
    """The township paid the statement."""

    event_type: Literal["settlement.StatementPaid"] = Field(
        default="settlement.StatementPaid", description="Event name."
    )
    amount_fen: Fen = Field(description="Amount paid in fen.")
    paid_on: date = Field(description="Day of payment.")
    payment_reference: str = Field(
        min_length=1, max_length=64, description="Voucher number of the payment (not an account)."
    )
    batch_id: uuid.UUID | None = Field(
        default=None, description="The payment batch whose bank return confirmed it, if any."
    )


class StatementHeld(StatementEvent):
    """Confirming would take a fund past its yearly budget: held for the county's approval."""

    event_type: Literal["settlement.StatementHeld"] = Field(
        default="settlement.StatementHeld", description="Event name."
    )
    division_code: DivisionCode = Field(description="County or township whose budget binds.")
    funding_source: FundingSource = Field(description="The fund that would go over budget.")
    budget_fen: Fen = Field(description="The fund's yearly budget in fen.")
    committed_fen: int = Field(description="Already committed from the fund this year, in fen.")
    statement_fen: int = Field(description="What this statement would add, in fen.")


class StatementCarried(StatementEvent):
    """A negative statement is carried into the same provider's and purchaser's next period."""

    event_type: Literal["settlement.StatementCarried"] = Field(
        default="settlement.StatementCarried", description="Event name."
    )
    amount_fen: int = Field(le=-1, description="The negative total carried, in fen.")
    into_period: Period = Field(description="The period whose statement takes it.")
    confirmed_by: UserId = Field(description="Township officer who confirmed the carry.")


class PaymentFailed(StatementEvent):
    """The bank returned the statement's payment as failed; it goes into the next batch."""

    event_type: Literal["settlement.PaymentFailed"] = Field(
        default="settlement.PaymentFailed", description="Event name."
    )
    batch_id: uuid.UUID = Field(description="The payment batch the bank returned.")
    amount_fen: Fen = Field(description="Amount that was not paid, in fen.")
    bank_reason_zh: ReasonZh = Field(description="The bank's reason, as the bank gave it.")


class PaymentReversed(StatementEvent):
    """A payment was reversed by one officer and approved by another; it awaits payment again."""

    event_type: Literal["settlement.PaymentReversed"] = Field(
        default="settlement.PaymentReversed", description="Event name."
    )
    amount_fen: Fen = Field(description="Amount of the payment reversed, in fen.")
    payment_reference: str = Field(
        min_length=1, max_length=64, description="Voucher number of the payment reversed."
    )
    requested_by: UserId = Field(description="Officer who asked for the reversal.")
    approved_by: UserId = Field(description="A second person who approved it.")


class FundBudgetThresholdReached(KeyedEvent):
    """A fund's committed spending crossed a warning threshold its county set (e.g. 80%)."""

    TOPIC: ClassVar[str] = topics.SETTLEMENT_LEDGER
    KEY_FIELD: ClassVar[str] = "division_code"

    event_type: Literal["settlement.FundBudgetThresholdReached"] = Field(
        default="settlement.FundBudgetThresholdReached", description="Event name."
    )
    producer: Literal["settlement"] = Field(default="settlement", description="Always settlement.")
    division_code: DivisionCode = Field(description="County or township; the Kafka key.")
    year: int = Field(ge=2023, le=2100, description="Budget year.")
    funding_source: FundingSource = Field(description="The fund.")
    threshold_percent: int = Field(ge=1, le=100, description="The threshold crossed, in percent.")
    budget_fen: Fen = Field(description="The fund's yearly budget in fen.")
    committed_fen: int = Field(description="Committed from the fund this year, in fen.")


CATALOGUE_EVENTS = (CatalogueVersionPublished, FundRulesPublished)
LEDGER_EVENTS = (
    LedgerLinePosted,
    StatementIssued,
    StatementConfirmed,
    StatementPaid,
    StatementHeld,
    StatementCarried,
    PaymentFailed,
    PaymentReversed,
    FundBudgetThresholdReached,
    SpotCheckSampled,
    SpotCheckRecorded,
)
EVENTS = CATALOGUE_EVENTS + LEDGER_EVENTS
