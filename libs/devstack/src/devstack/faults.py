"""The fault suite's bookkeeping: status changes sent while something breaks, and every
effect they must have counted afterwards in each service (never rows a unique key caps).

For each recipient the suite knows the status changes review accepted (HTTP 200, a new
status version each). After the fault it checks, for each such change:
* dispatch: one change row per version, and on each provider's own topic exactly one notice
  per order per change, with the order's versions increasing (a change applied twice would
  send a second notice);
* settlement: the version in its status history;
* archive: exactly one ``FileStatusRecorded`` per change on ``archive.files.v1`` (a change
  applied twice would record twice), in increasing status versions per person;
and that no dead letter appeared and every outbox drained.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import TopicPartition

from civic.bus.access import KafkaAccess
from contracts import topics
from contracts.archive import FileStatusRecorded
from contracts.dispatch.provider_topic import OrderPaused, OrderResumed
from contracts.registry import ContractError, parse
from devstack.journeys import care
from devstack.journeys.application import Case
from devstack.journeys.db import fetch, wait_until
from devstack.stack import Stack

SERVICES = ("intake", "survey", "review", "dispatch", "settlement", "archive")


@dataclass
class Recipient:
    """One approved recipient with two accepted orders, and the changes accepted for it."""

    case: Case
    recipient_id: str
    orders: list[tuple[str, dict[str, Any]]]
    accepted: list[int] = field(default_factory=list)  # status versions review committed
    last_version: int | None = None  # the status version last seen at review


async def approve(stack: Stack, count: int) -> list[Recipient]:
    """``count`` recipients, each with a meals and a cleaning order accepted by providers."""
    found = []
    for _ in range(count):
        case, recipient_id, orders = await care.approved_with_two_providers(
            stack, uuid.uuid4().hex[:6]
        )
        found.append(Recipient(case, recipient_id, orders))
    return found


async def change(recipient: Recipient) -> bool:
    """Sends the recipient's next status change (suspend, resume, ...); True if accepted."""
    officer = recipient.case.token("township_officer", recipient.case.township, "fault-officer")
    got = await recipient.case.api.call(
        "review", "GET", f"/recipients/{recipient.recipient_id}", token=officer
    )
    if got.status_code != 200:
        return False  # e.g. 503 while the database recovers: nothing was accepted
    if _note_committed(recipient, int(got.json()["status_version"])):
        return True  # the last change was committed though its answer was lost: this round's
    status = "resumed" if got.json()["status"] == "suspended" else "suspended"
    body = {
        "status": status,
        "effective_date": got.json()["status_effective_date"],
        "reason_code": "assistance_suspended" if status == "suspended" else "assistance_resumed",
        "reason_zh": "故障测试",
    }
    answer = await care.change_status(recipient.case, recipient.recipient_id, body)
    if answer.status_code == 200:
        _note_committed(recipient, int(answer.json()["status_version"]))
        return True
    return False


def _note_committed(recipient: Recipient, version: int) -> bool:
    """Counts every status version review committed since the last one seen, including one
    whose answer was lost (a timeout while the database or the machine was slow): review
    accepted it, so its effects are owed. True if there was any."""
    last, recipient.last_version = recipient.last_version, max(version, recipient.last_version or 0)
    if last is None or version <= last:
        return False
    recipient.accepted.extend(range(last + 1, version + 1))
    return True


@dataclass
class Effects:
    """What one fault's changes did, per service."""

    requests: int
    dispatch_rows: int
    provider_notices: int
    settlement_rows: int
    archive_records: int
    duplicates_seen: int
    resent_copies: int
    lost: int
    dead_letters: int

    def since(self, earlier: Effects) -> Effects:
        """What was added after ``earlier`` (the checks themselves are cumulative)."""
        return Effects(
            requests=self.requests - earlier.requests,
            dispatch_rows=self.dispatch_rows - earlier.dispatch_rows,
            provider_notices=self.provider_notices - earlier.provider_notices,
            settlement_rows=self.settlement_rows - earlier.settlement_rows,
            archive_records=self.archive_records - earlier.archive_records,
            duplicates_seen=self.duplicates_seen,
            resent_copies=self.resent_copies - earlier.resent_copies,
            lost=self.lost,
            dead_letters=self.dead_letters,
        )

    def row(self, fault: str) -> str:
        """One line of the fault table (Markdown)."""
        return (
            f"| {fault} | {self.requests} | {self.dispatch_rows} / {self.provider_notices} | "
            f"{self.settlement_rows} | {self.archive_records} | {self.duplicates_seen} | "
            f"{self.resent_copies} | {self.lost} | {self.dead_letters} |"
        )


async def _read_all(access: KafkaAccess, topic_names: list[str]) -> list[Any]:
    """Every record of the topics, from the beginning to their end now."""
    parts = await _partitions(access, topic_names)
    if not parts:
        return []
    consumer = AIOKafkaConsumer(**access.aiokafka(), group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        records = []
        while [tp for tp in parts if await consumer.position(tp) < ends[tp]]:
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                records.extend(batch)
        return records
    finally:
        await consumer.stop()


async def _partitions(access: KafkaAccess, topic_names: list[str]) -> list[TopicPartition]:
    admin = AIOKafkaAdminClient(**access.aiokafka())
    await admin.start()
    try:
        described = await admin.describe_topics(topic_names)
    finally:
        await admin.close()
    return [
        TopicPartition(t["topic"], p["partition"])
        for t in described
        if t.get("error_code") == 0
        for p in t.get("partitions", [])
    ]


def _events(records: list[Any]) -> list[Any]:
    out = []
    for record in records:
        try:
            out.append(parse(record.topic, record.value))
        except ContractError:
            continue
    return out


async def dead_letter_count(stack: Stack) -> int:
    """Every letter on every platform dead-letter topic."""
    return len(
        await _read_all(stack.kafka_access(), [topics.dlq(t) for t in topics.PLATFORM_TOPICS])
    )


async def count_effects(stack: Stack, people: list[Recipient], dead_before: int) -> Effects:
    """Counts every effect of the accepted changes; asserts each exactly once and in order."""
    await wait_until(lambda: _drained(stack), timeout=120)
    for person in people:  # a change committed at the very end, its answer lost
        rows = await fetch(
            stack.database_url("review"),
            "select max(version) as v from recipient_status_history where recipient_id = $1",
            uuid.UUID(person.recipient_id),
        )
        _note_committed(person, int(rows[0]["v"]))
    wanted = {(p.recipient_id, v) for p in people for v in p.accepted}
    ids = [p.recipient_id for p in people]

    async def arrived() -> tuple[set[Any], set[Any]] | None:
        dispatch = set(await _versions(stack, "dispatch", "recipient_status_change", ids))
        settlement = set(await _versions(stack, "settlement", "recipient_status", ids))
        done = wanted <= dispatch and wanted <= settlement
        return (dispatch, settlement) if done and await _archive_complete(stack, people) else None

    try:
        dispatch, settlement = await wait_until(arrived, timeout=120)
    except TimeoutError:  # lost somewhere: count what arrived, and fail below
        dispatch = set(await _versions(stack, "dispatch", "recipient_status_change", ids))
        settlement = set(await _versions(stack, "settlement", "recipient_status", ids))
    lost = len(wanted - dispatch) + len(wanted - settlement)
    assert not lost, f"lost: dispatch {wanted - dispatch}, settlement {wanted - settlement}"
    notices, notice_copies = await _provider_notices(stack, people)
    recorded, record_copies = await _archive_records(stack, people)
    return Effects(
        requests=len(wanted),
        dispatch_rows=len(wanted & dispatch),
        provider_notices=notices,
        settlement_rows=len(wanted & settlement),
        archive_records=recorded,
        duplicates_seen=await _duplicates(stack),
        resent_copies=notice_copies + record_copies,
        lost=lost,
        dead_letters=await dead_letter_count(stack) - dead_before,
    )


async def _archive_complete(stack: Stack, people: list[Recipient]) -> bool:
    try:
        await _archive_records(stack, people)
    except AssertionError:
        return False
    return True


async def _drained(stack: Stack) -> bool:
    for service in SERVICES:
        rows = await fetch(
            stack.database_url(service),
            "select count(*) as n from outbox_message"
            " where published_at is null and parked_at is null",
        )
        if rows[0]["n"]:
            return False
    return True


async def _versions(stack: Stack, service: str, table: str, ids: list[str]) -> list[Any]:
    rows = await fetch(
        stack.database_url(service),
        f"select recipient_id::text as r, version from {table} where recipient_id::text = any($1)",
        ids,
    )
    return [(r["r"], r["version"]) for r in rows]


def _first_copies(events: list[Any]) -> tuple[list[Any], int]:
    """Each event once (by event id, first copy), and how many repeated copies there were.

    A relay that published a row and crashed before marking it sends the row again with
    the same event id: that is delivery at least once, which consumers absorb. A change
    applied twice would carry a new event id, and is counted as an effect."""
    seen: set[Any] = set()
    unique = []
    for event in events:
        if event.event_id not in seen:
            seen.add(event.event_id)
            unique.append(event)
    return unique, len(events) - len(unique)


async def _provider_notices(stack: Stack, people: list[Recipient]) -> tuple[int, int]:
    """Exactly one pause or resumption per order per accepted change, versions increasing."""
    codes = sorted({code for p in people for code, _ in p.orders})
    order_topics = [topics.provider_orders(c) for c in codes]
    records = await _read_all(stack.kafka_access(), order_topics)
    notices = [e for e in _events(records) if isinstance(e, OrderPaused | OrderResumed)]
    unique, copies = _first_copies(notices)
    per_order: dict[str, list[int]] = defaultdict(list)
    for e in unique:
        per_order[str(e.order_id)].append(e.version)
    total = 0
    for person in people:
        for _, order in person.orders:
            seen = per_order[order["order_id"]]
            assert len(seen) == len(person.accepted), (order["order_id"], seen, person.accepted)
            assert seen == sorted(set(seen)), seen  # increasing, each version once
            total += len(seen)
    return total, copies


async def _archive_records(stack: Stack, people: list[Recipient]) -> tuple[int, int]:
    """Exactly one FileStatusRecorded per accepted change, in increasing status versions."""
    records = await _read_all(stack.kafka_access(), [topics.ARCHIVE_FILES])
    mine = {p.recipient_id: p for p in people}
    recorded = [
        e
        for e in _events(records)
        if isinstance(e, FileStatusRecorded) and str(e.recipient_id) in mine
    ]
    unique, copies = _first_copies(recorded)
    per_person: dict[str, list[int]] = defaultdict(list)
    for e in unique:
        per_person[str(e.recipient_id)].append(e.status_version)
    for rid, person in mine.items():
        seen = per_person[rid]
        assert Counter(seen) == Counter(person.accepted), (
            f"archive recorded status versions {seen} of {rid}; review accepted {person.accepted}"
        )
        assert seen == sorted(seen), f"archive recorded {rid}'s versions out of order: {seen}"
    return sum(len(v) for v in per_person.values()), copies


async def _duplicates(stack: Stack) -> int:
    """Redeliveries the consumers absorbed (since each process last started)."""
    total = 0.0
    for service in SERVICES:
        async with httpx.AsyncClient(base_url=stack.service_url(service), timeout=10) as client:
            text = (await client.get("/metrics")).text
        for line in text.splitlines():
            if line.startswith("civic_kafka_messages_total{") and 'outcome="duplicate"' in line:
                total += float(line.rsplit(" ", 1)[1])
    return int(total)
