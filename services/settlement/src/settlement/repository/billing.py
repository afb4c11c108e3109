"""The store the billing path talks to: records, read copies, prices and the ledger.

``BillingStore`` is what the billing use cases (``handlers/billing``, ``handlers/recipients``,
``handlers/readmodels``) need from the database; ``SqlBillingStore`` is it on the unit of
work's session, and ``tests/unit/fakes.py`` keeps it in memory so the rules run without
PostgreSQL.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from civic.uow import UnitOfWork
from settlement.domain.billing import Price
from settlement.domain.fund_rules import FundRuleVersion, Resolution
from settlement.domain.postings import PostedLine
from settlement.domain.reasons import BillingStatus, NotBillableReason
from settlement.domain.records import RecordSelection, ServiceRecord
from settlement.domain.timelines import OrderTimeline, RecipientTimeline
from settlement.repository import catalogue, fund_rules, ledger, locks, readmodels
from settlement.repository.fund_rules import HoldNote

#: A price asked for: county, item, day.
PriceKey = tuple[str, str, date]
#: A statement: township, provider, month.
StatementKey = tuple[str, uuid.UUID, str]
#: Where a record stands for payment: record, status, reason code, when it was judged.
BillingMark = tuple[uuid.UUID, BillingStatus, str | None, datetime]


class BillingStore(Protocol):
    """What pricing a person's services reads and writes."""

    async def hold_person(self, person_id: uuid.UUID) -> None:
        """Serialises the pricing of one person's services until the transaction ends."""

    async def hold_people(self, person_ids: Iterable[uuid.UUID]) -> None:
        """``hold_person`` for many people at once (in one order, so holders never deadlock)."""

    async def add_records(self, rows: list[dict[str, Any]]) -> set[uuid.UUID]:
        """Keeps service records; returns the ids that were not known."""

    async def find_records(self, which: RecordSelection) -> list[ServiceRecord]:
        """The selected records, held against a concurrent re-check."""

    async def prices(self, keys: Iterable[PriceKey]) -> dict[PriceKey, Price]:
        """For each (county, item, day): the version in force and the item's unit and fee."""

    async def recipient_timelines(
        self, ids: Iterable[uuid.UUID]
    ) -> dict[uuid.UUID, RecipientTimeline]:
        """Status timelines of the recipients whose approval is known."""

    async def order_timelines(self, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, OrderTimeline]:
        """Timelines of the orders whose creation is known."""

    async def posted(self, record_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[PostedLine]]:
        """The monthly lines already posted for each record."""

    async def disallowed(
        self, record_ids: Iterable[uuid.UUID]
    ) -> dict[uuid.UUID, NotBillableReason]:
        """The records no longer payable after a finding, and why."""

    async def closed_periods(
        self, pairs: Iterable[tuple[str, uuid.UUID]], since: str
    ) -> set[StatementKey]:
        """(township, provider, month) of the closed statements from ``since`` on."""

    async def hold_periods_open(self, periods: Iterable[StatementKey]) -> None:
        """Keeps these statement months from being confirmed until the transaction ends."""

    async def append(self, rows: list[dict[str, Any]]) -> set[uuid.UUID]:
        """Appends ledger lines; returns the ids of those appended (not already there)."""

    async def set_billing(self, marks: Sequence[BillingMark]) -> None:
        """Where each record stands for payment, and why."""

    async def add_recipient(self, values: dict[str, Any]) -> bool:
        """Keeps an approved recipient; False if known."""

    async def add_status(self, values: dict[str, Any]) -> bool:
        """Keeps a status version; False if that version was known (a repeat)."""

    async def add_items(self, values: dict[str, Any]) -> bool:
        """Keeps a version of the recipient's items; False if it or a newer one was known."""

    async def fund_rules(self, county_codes: Iterable[str]) -> dict[str, list[FundRuleVersion]]:
        """Every fund rule version of the counties that have any, newest first."""

    async def fund_resolutions(
        self, record_ids: Iterable[uuid.UUID]
    ) -> dict[uuid.UUID, Resolution]:
        """The county's decisions on held records."""

    async def note_fund_holds(self, notes: Sequence[HoldNote]) -> None:
        """Why each record is held by the fund rules now."""


class SqlBillingStore:
    """``BillingStore`` on the unit of work's session (the transaction the handler opened)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def hold_person(self, person_id: uuid.UUID) -> None:
        """An advisory lock on the person."""
        await locks.lock(self._uow.session, "person", person_id)

    async def hold_people(self, person_ids: Iterable[uuid.UUID]) -> None:
        """Advisory locks on the people, taken in one sorted order."""
        await locks.lock_all(self._uow.session, "person", person_ids)

    async def add_records(self, rows: list[dict[str, Any]]) -> set[uuid.UUID]:
        """See ``repository.ledger.add_records``."""
        return await ledger.add_records(self._uow.session, rows)

    async def find_records(self, which: RecordSelection) -> list[ServiceRecord]:
        """See ``repository.ledger.find_records``."""
        return await ledger.find_records(self._uow.session, which)

    async def prices(self, keys: Iterable[PriceKey]) -> dict[PriceKey, Price]:
        """See ``repository.catalogue.prices``."""
        return await catalogue.prices(self._uow.session, keys)

    async def recipient_timelines(
        self, ids: Iterable[uuid.UUID]
    ) -> dict[uuid.UUID, RecipientTimeline]:
        """See ``repository.readmodels.recipient_timelines``."""
        return await readmodels.recipient_timelines(self._uow.session, ids)

    async def order_timelines(self, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, OrderTimeline]:
        """See ``repository.readmodels.order_timelines``."""
        return await readmodels.order_timelines(self._uow.session, ids)

    async def posted(self, record_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[PostedLine]]:
        """See ``repository.ledger.posted``."""
        return await ledger.posted(self._uow.session, record_ids)

    async def disallowed(
        self, record_ids: Iterable[uuid.UUID]
    ) -> dict[uuid.UUID, NotBillableReason]:
        """See ``repository.ledger.disallowed``."""
        return await ledger.disallowed(self._uow.session, record_ids)

    async def closed_periods(
        self, pairs: Iterable[tuple[str, uuid.UUID]], since: str
    ) -> set[StatementKey]:
        """See ``repository.ledger.closed_periods``."""
        return await ledger.closed_periods(self._uow.session, pairs, since)

    async def hold_periods_open(self, periods: Iterable[StatementKey]) -> None:
        """Shared locks; confirming takes one exclusively, so it waits for these lines."""
        await locks.lock_all(self._uow.session, "statement", periods, shared=True)

    async def append(self, rows: list[dict[str, Any]]) -> set[uuid.UUID]:
        """See ``repository.ledger.append``."""
        return await ledger.append(self._uow.session, rows)

    async def set_billing(self, marks: Sequence[BillingMark]) -> None:
        """See ``repository.ledger.set_billing``."""
        await ledger.set_billing(self._uow.session, marks)

    async def add_recipient(self, values: dict[str, Any]) -> bool:
        """See ``repository.readmodels.add_recipient``."""
        return await readmodels.add_recipient(self._uow.session, values)

    async def add_status(self, values: dict[str, Any]) -> bool:
        """See ``repository.readmodels.add_status``."""
        return await readmodels.add_status(self._uow.session, values)

    async def add_items(self, values: dict[str, Any]) -> bool:
        """See ``repository.readmodels.add_items``."""
        return await readmodels.add_items(self._uow.session, values)

    async def fund_rules(self, county_codes: Iterable[str]) -> dict[str, list[FundRuleVersion]]:
        """See ``repository.fund_rules.versions``."""
        return await fund_rules.versions(self._uow.session, county_codes)

    async def fund_resolutions(
        self, record_ids: Iterable[uuid.UUID]
    ) -> dict[uuid.UUID, Resolution]:
        """See ``repository.fund_rules.resolutions``."""
        return await fund_rules.resolutions(self._uow.session, record_ids)

    async def note_fund_holds(self, notes: Sequence[HoldNote]) -> None:
        """See ``repository.fund_rules.note_holds``."""
        await fund_rules.note_holds(self._uow.session, notes)
