"""Issue 16: the big-data mirror cannot be joined to the public board or to any other topic.

After a whole flow (application → survey → approval → orders → a visit), the records written on
``bigdata.events.v1`` hold no id that the village's public board or any other topic shows: not
the person's, nor any application, order, event or other id. Yet one person's mirrored steps,
from all six services, share one pseudonym (and one Kafka key), so the platform still links them.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from civic.bus.access import KafkaAccess
from civic.bus.grants import BIGDATA
from civic.pseudonyms import pseudonyms_in
from contracts import topics
from contracts.bigdata import EventMirrored
from contracts.registry import parse
from devstack.journeys import care
from devstack.journeys.application import Case, catalogue_loaded
from devstack.journeys.db import wait_until
from devstack.services import SERVICES
from devstack.stack import Stack

pytestmark = pytest.mark.e2e

UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(frozen=True)
class Mirror:
    """The mirror topic's partitions and where they ended before the flow began."""

    parts: list[TopicPartition]
    before: dict[TopicPartition, int]


async def partitions(access: KafkaAccess, names: list[str] | None = None) -> list[TopicPartition]:
    """Every partition of ``names`` (default: every topic but Kafka's own)."""
    admin = AIOKafkaAdminClient(**access.aiokafka())
    await admin.start()
    try:
        names = names or [t for t in await admin.list_topics() if not t.startswith("__")]
        described = await admin.describe_topics(names)
    finally:
        await admin.close()
    return [TopicPartition(t["topic"], p["partition"]) for t in described for p in t["partitions"]]


async def records(
    access: KafkaAccess, parts: list[TopicPartition], since: dict[TopicPartition, int] | None = None
) -> list[Any]:
    """The records of ``parts`` from ``since`` (default: the beginning) to their current end."""
    consumer = AIOKafkaConsumer(**access.aiokafka(), enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(parts)
        ends = await consumer.end_offsets(parts)
        starts = since if since is not None else await consumer.beginning_offsets(parts)
        for part in parts:
            consumer.seek(part, starts[part])
        found: list[Any] = []
        while [p for p in parts if await consumer.position(p) < ends[p]]:
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                found.extend(
                    r for r in batch if r.offset < ends[TopicPartition(r.topic, r.partition)]
                )
        return found
    finally:
        await consumer.stop()


async def end_offsets(
    access: KafkaAccess, parts: list[TopicPartition]
) -> dict[TopicPartition, int]:
    """Where each partition ends now."""
    consumer = AIOKafkaConsumer(**access.aiokafka(), enable_auto_commit=False)
    await consumer.start()
    try:
        return dict(await consumer.end_offsets(parts))
    finally:
        await consumer.stop()


def ids_in(found: list[Any]) -> set[str]:
    """Every UUID in the records' keys and values."""
    text = "\n".join(
        f"{r.key or b''!r} {(r.value or b'').decode('utf-8', 'replace')}" for r in found
    )
    return set(UUID_TEXT.findall(text))


async def board_showing(stack: Stack, case: Case) -> str | None:
    """The village's public board, once it lists the person (masked)."""
    async with httpx.AsyncClient(base_url=stack.service_url("archive")) as client:
        page = (await client.get(f"/boards/{case.village}")).text
    return page if case.masked_name in page else None


async def served_recipient(stack: Stack) -> tuple[Case, list[tuple[str, dict[str, Any]]], str]:
    """An approved recipient with two accepted orders and a visit; the board that lists them."""
    await catalogue_loaded(stack, "intake")
    await catalogue_loaded(stack, "review")
    tag = uuid.uuid4().hex[:6]
    case, _, orders = await care.approved_with_two_providers(stack, tag)
    meals, meal_order = orders[0]
    served = await care.report_service(
        case.api, meals, meal_order, minutes_ago=30, worker=f"w-{tag}"
    )
    assert served.status_code == 200 and served.json()["accepted"], served.text
    board: str = await wait_until(lambda: board_showing(stack, case), timeout=60)
    return case, orders, board


async def steps_of(
    platform: KafkaAccess, mirror: Mirror, person: uuid.UUID
) -> list[tuple[EventMirrored, Any]]:
    """The person's mirrored steps, once each of the six services has mirrored one."""

    async def every_service_mirrored() -> list[tuple[EventMirrored, Any]] | None:
        steps = []
        for record in await records(platform, mirror.parts, since=mirror.before):
            event = parse(record.topic, record.value)
            if isinstance(event, EventMirrored) and event.person_id == person:
                steps.append((event, record))
        return steps if {e.producer for e, _ in steps} == set(SERVICES) else None

    found: list[tuple[EventMirrored, Any]] = await wait_until(every_service_mirrored, timeout=90)
    return found


async def ids_outside_the_mirror(stack: Stack, board: str) -> set[str]:
    """Every id on the public board and on every other topic (read as the super user)."""
    admin = stack.kafka_access()
    found = await records(admin, await partitions(admin))
    others = [r for r in found if not r.topic.startswith(topics.BIGDATA_EVENTS)]
    return ids_in(others) | set(UUID_TEXT.findall(board))


async def test_no_id_of_the_board_or_another_topic_is_on_the_mirror_and_one_person_is_one_pseudonym(
    e2e_stack: Stack,
) -> None:
    # Read as the big-data platform does: its own principal, its one topic, from now on.
    platform = e2e_stack.kafka_access(BIGDATA)
    parts = await partitions(e2e_stack.kafka_access(), [topics.BIGDATA_EVENTS])
    mirror = Mirror(parts, await end_offsets(platform, parts))
    case, orders, board = await served_recipient(e2e_stack)
    # The test holds the key the platform never gets, to find the person's steps.
    person = pseudonyms_in(e2e_stack.secrets_dir, "intake")(case.person_id)
    steps = await steps_of(platform, mirror, person)
    assert str(person) != case.person_id
    assert {e.subject_key for e, _ in steps} == {str(person)}  # one person, one pseudonym
    assert {r.key for _, r in steps} == {str(person).encode()}  # ... and one partition

    public = await ids_outside_the_mirror(e2e_stack, board)
    # The scan sees the ids where they are in clear: the person's, and each order's.
    assert {case.person_id, case.application_id, *(o["order_id"] for _, o in orders)} <= public
    mirrored = await records(platform, mirror.parts, since=mirror.before)
    joinable = public & ids_in(mirrored)
    assert not joinable, f"{len(joinable)} ids of other topics or the board are on the mirror"
