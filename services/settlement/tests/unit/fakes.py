"""In-memory stand-ins for settlement's billing store: rules in milliseconds.

The fake store keeps service records, status versions, orders, prices and ledger lines in
dictionaries. Tests pair it with civic's shared ``civic.testing.FakeUnitOfWork``; unlike
PostgreSQL the store does not undo writes on a rollback, so a test reads ``uow.committed`` and
``uow.events`` to see what a use case kept.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import fields, replace
from datetime import date, datetime
from typing import Any

from contracts.enums import FeeUnit, RecipientStatus
from contracts.kinds import LedgerLineKind
from settlement.domain.billing import Price
from settlement.domain.fund_rules import FundRuleVersion, Resolution
from settlement.domain.postings import PostedLine
from settlement.domain.reasons import BillingStatus, NotBillableReason
from settlement.domain.records import RecordSelection, ServiceRecord
from settlement.domain.timelines import ItemsStep, OrderTimeline, RecipientTimeline, StatusStep
from settlement.repository.fund_rules import HoldNote

_RECORD_FIELDS = tuple(field.name for field in fields(ServiceRecord))


class FakeBillingStore:
    """``repository.billing.BillingStore`` in dictionaries."""

    def __init__(self) -> None:
        self.records: dict[uuid.UUID, ServiceRecord] = {}
        self.covers_until: dict[uuid.UUID, date] = {}
        self.approved: set[uuid.UUID] = set()
        self.statuses: dict[tuple[uuid.UUID, int], StatusStep] = {}
        self.items: dict[tuple[uuid.UUID, int], ItemsStep] = {}
        self.orders: dict[uuid.UUID, OrderTimeline] = {}
        self.fees: dict[str, tuple[FeeUnit, int]] = {}
        self.lines: list[dict[str, Any]] = []
        self.failed_checks: set[uuid.UUID] = set()
        self.closed: set[str] = set()
        self.held_people: list[uuid.UUID] = []
        self.categories: dict[uuid.UUID, tuple[str | None, frozenset[str]]] = {}
        self.rule_versions: dict[str, list[FundRuleVersion]] = {}
        self.resolutions: dict[uuid.UUID, Resolution] = {}
        self.holds: dict[uuid.UUID, HoldNote] = {}

    async def hold_person(self, person_id: uuid.UUID) -> None:
        """Nothing races in memory; the hold is noted for tests."""
        self.held_people.append(person_id)

    async def hold_people(self, person_ids: Iterable[uuid.UUID]) -> None:
        """Noted in sorted order, as the database takes them."""
        self.held_people.extend(sorted(set(person_ids), key=str))

    async def add_records(self, rows: list[dict[str, Any]]) -> set[uuid.UUID]:
        """Keeps each record once (its id is the key); returns the new ids."""
        new = set()
        for values in rows:
            if values["record_id"] in self.records:
                continue
            fields = {name: values[name] for name in _RECORD_FIELDS if name in values}
            record = ServiceRecord(**fields)
            self.records[record.record_id] = record
            self.covers_until[record.record_id] = values["covers_until"]
            new.add(record.record_id)
        return new

    async def find_records(self, which: RecordSelection) -> list[ServiceRecord]:
        """The selected records, by service date."""
        found = [record for record in self.records.values() if _selected(self, record, which)]
        return sorted(found, key=lambda record: (record.service_date, record.record_id))

    async def prices(self, keys: Iterable[tuple[str, str, date]]) -> dict[Any, Price]:
        """Version 1 prices every day; an item without a fee is not in the catalogue."""
        found = {}
        for key in keys:
            item_code = key[1]
            if item_code not in self.fees:
                found[key] = Price(1)
            else:
                found[key] = Price(1, *self.fees[item_code])
        return found

    async def recipient_timelines(
        self, ids: Iterable[uuid.UUID]
    ) -> dict[uuid.UUID, RecipientTimeline]:
        """Timelines of the approved recipients among ``ids``."""
        return {
            recipient_id: RecipientTimeline(
                tuple(step for key, step in self.statuses.items() if key[0] == recipient_id),
                tuple(step for key, step in self.items.items() if key[0] == recipient_id),
                *self.categories.get(recipient_id, (None, frozenset())),
            )
            for recipient_id in set(ids) & self.approved
        }

    async def order_timelines(self, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, OrderTimeline]:
        """Timelines of the known orders among ``ids``."""
        return {order_id: self.orders[order_id] for order_id in ids if order_id in self.orders}

    async def posted(self, record_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[PostedLine]]:
        """The lines appended so far, per record."""
        wanted = set(record_ids)
        posted: dict[uuid.UUID, list[PostedLine]] = {}
        for line in self.lines:
            if line["record_id"] in wanted:
                posted.setdefault(line["record_id"], []).append(_posted(line))
        return posted

    async def disallowed(
        self, record_ids: Iterable[uuid.UUID]
    ) -> dict[uuid.UUID, NotBillableReason]:
        """The records a spot check failed."""
        failed = set(record_ids) & self.failed_checks
        return dict.fromkeys(failed, NotBillableReason.SPOT_CHECK_FAILED)

    async def closed_periods(
        self, pairs: Iterable[tuple[str, uuid.UUID]], since: str
    ) -> set[tuple[str, uuid.UUID, str]]:
        """Closed months from ``since`` on (the same months for every provider and township)."""
        return {(*pair, period) for pair in pairs for period in self.closed if period >= since}

    async def hold_periods_open(self, periods: Iterable[tuple[str, uuid.UUID, str]]) -> None:
        """Nothing races in memory."""

    async def append(self, rows: list[dict[str, Any]]) -> set[uuid.UUID]:
        """Appends lines once per (source, kind), as the ledger's unique key does."""
        appended = set()
        for values in rows:
            key = (values["source_id"], values["kind"])
            if any((line["source_id"], line["kind"]) == key for line in self.lines):
                continue
            self.lines.append(values)
            appended.add(values["line_id"])
        return appended

    async def set_billing(
        self, marks: Sequence[tuple[uuid.UUID, BillingStatus, str | None, datetime]]
    ) -> None:
        """Where each record stands for payment."""
        for record_id, status, reason, _ in marks:
            record = self.records[record_id]
            self.records[record_id] = replace(
                record, billing_status=status.value, reason_code=reason
            )

    async def add_recipient(self, values: dict[str, Any]) -> bool:
        """Notes an approved recipient."""
        known = values["recipient_id"] in self.approved
        self.approved.add(values["recipient_id"])
        if not known and values.get("category") is not None:
            conditions = frozenset(values.get("special_conditions") or ())
            self.categories[values["recipient_id"]] = (values["category"], conditions)
        return not known

    async def add_status(self, values: dict[str, Any]) -> bool:
        """Keeps a status version once."""
        key = (values["recipient_id"], values["version"])
        if key in self.statuses:
            return False
        status, category = RecipientStatus(values["status"]), values.get("new_category")
        step = StatusStep(values["version"], values["effective_date"], status, category)
        self.statuses[key] = step
        return True

    async def add_items(self, values: dict[str, Any]) -> bool:
        """Keeps a version of a recipient's items unless it or a newer one is known."""
        recipient_id, version = values["recipient_id"], values["services_version"]
        if any(key[0] == recipient_id and key[1] >= version for key in self.items):
            return False
        funds = {item["item_code"]: item["funding_source"] for item in values["items"]}
        self.items[(recipient_id, version)] = ItemsStep(version, values["effective_date"], funds)
        return True

    async def fund_rules(self, county_codes: Iterable[str]) -> dict[str, list[FundRuleVersion]]:
        """The versions a test published, newest first, of the counties asked."""
        wanted = set(county_codes) & self.rule_versions.keys()
        return {
            county: sorted(self.rule_versions[county], key=lambda v: -v.version)
            for county in wanted
        }

    async def fund_resolutions(
        self, record_ids: Iterable[uuid.UUID]
    ) -> dict[uuid.UUID, Resolution]:
        """The decisions a test made."""
        wanted = set(record_ids)
        return {rid: r for rid, r in self.resolutions.items() if rid in wanted}

    async def note_fund_holds(self, notes: Sequence[HoldNote]) -> None:
        """Why each record is held, by record."""
        self.holds.update((note[0], note) for note in notes)


def _selected(store: FakeBillingStore, record: ServiceRecord, which: RecordSelection) -> bool:
    checks = [
        which.record_id in (None, record.record_id),
        not which.record_ids or record.record_id in which.record_ids,
        which.recipient_id in (None, record.recipient_id),
        which.order_id in (None, record.order_id),
        not which.pending_only or record.billing_status == BillingStatus.PENDING.value,
        which.covering_from is None or store.covers_until[record.record_id] >= which.covering_from,
    ]
    return all(checks)


def _posted(line: dict[str, Any]) -> PostedLine:
    return PostedLine(
        line["line_id"],
        LedgerLineKind(line["kind"]),
        line["quantity"],
        line["unit_fee_fen"],
        line["amount_fen"],
        line["catalogue_version"],
        line["reverses_line_id"],
        line["funding_source"],
    )
