"""Faults while status changes flow: after each, every change review accepted has its effect
in dispatch (and on every provider's topic), settlement and archive exactly once and in
order, no dead letter appeared, every outbox drained, and no service needed a hand.

Counts are effects that a double application would double (notices on provider topics,
records on archive's topic), beside rows, and the consumers' own count of duplicates.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from devstack import procs
from devstack.faults import Recipient, change, count_effects, dead_letter_count
from devstack.journeys.db import fetch, wait_until
from devstack.proxy import FaultProxy
from devstack.stack import Stack

pytestmark = pytest.mark.e2e
QUICK = {"CONSUMER_RETRY_BACKOFF_S": "0.05"}
PARTITION_S = 30.0


async def flow(people: list[Recipient], rounds: int, during: Callable[[], Awaitable[Any]]) -> None:
    """``rounds`` accepted status changes per person (people in parallel) while ``during``
    runs; a change refused during the fault (a 503) is sent again until review takes it."""

    async def one(person: Recipient) -> None:
        for _ in range(rounds):
            await wait_until(lambda: change(person), timeout=120, every=0.5)

    await asyncio.gather(during(), *(one(p) for p in people))


async def all_ready(stack: Stack, names: tuple[str, ...]) -> bool:
    import httpx

    async with httpx.AsyncClient(timeout=5) as client:
        answers = [await client.get(f"{stack.service_url(n)}/readyz") for n in names]
    return all(a.status_code == 200 for a in answers)


async def settle(stack: Stack, people: list[Recipient], dead: int, fault: str, table: Any) -> None:
    effects = await count_effects(stack, people, dead)
    table(fault, effects)
    assert (effects.lost, effects.dead_letters) == (0, 0)


async def test_postgresql_crashes_and_recovers_while_changes_flow(
    e2e_stack: Stack, population: list[Recipient], fault_table: Any
) -> None:
    dead = await dead_letter_count(e2e_stack)

    async def crash() -> None:
        await asyncio.sleep(0.5)  # changes are in flight
        await asyncio.to_thread(e2e_stack.postgres.kill_hard)
        await asyncio.to_thread(e2e_stack.postgres.start)

    await flow(population, 3, crash)
    await settle(e2e_stack, population, dead, "PostgreSQL SIGKILLed, crash recovery", fault_table)


async def test_a_service_cut_off_from_kafka_for_30_s_catches_up(
    e2e_stack: Stack, population: list[Recipient], kafka_proxy: FaultProxy, fault_table: Any
) -> None:
    dead = await dead_letter_count(e2e_stack)
    through_proxy = {**QUICK, "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{kafka_proxy.port}"}
    await asyncio.to_thread(e2e_stack.stop_services, ["dispatch"])
    await asyncio.to_thread(e2e_stack.start_services, ["dispatch"], through_proxy)
    try:

        async def partition() -> None:
            kafka_proxy.hang()
            await asyncio.sleep(PARTITION_S)
            kafka_proxy.heal()

        await flow(population, 2, partition)
        await settle(e2e_stack, population, dead, "dispatch ↔ Kafka partitioned 30 s", fault_table)
    finally:
        await asyncio.to_thread(e2e_stack.stop_services, ["dispatch"])
        await asyncio.to_thread(e2e_stack.start_services, ["dispatch"], QUICK)


async def test_a_service_cut_off_from_postgresql_for_30_s_catches_up(
    e2e_stack: Stack, population: list[Recipient], fault_table: Any
) -> None:
    dead = await dead_letter_count(e2e_stack)
    proxy = await FaultProxy(e2e_stack.ports.postgres).start()
    url = e2e_stack.postgres.service_url("settlement").replace(
        f":{e2e_stack.ports.postgres}/", f":{proxy.port}/"
    )
    await asyncio.to_thread(e2e_stack.stop_services, ["settlement"])
    await asyncio.to_thread(
        e2e_stack.start_services, ["settlement"], {**QUICK, "DATABASE_URL": url}
    )
    try:

        async def partition() -> None:
            proxy.hang()
            await asyncio.sleep(PARTITION_S)
            proxy.heal()

        await flow(population, 2, partition)
        await settle(
            e2e_stack, population, dead, "settlement ↔ PostgreSQL partitioned 30 s", fault_table
        )
    finally:
        await asyncio.to_thread(e2e_stack.stop_services, ["settlement"])
        await proxy.stop()
        await asyncio.to_thread(e2e_stack.start_services, ["settlement"], QUICK)


async def test_a_poison_outbox_row_is_parked_and_the_rows_behind_it_flow(
    e2e_stack: Stack, population: list[Recipient], fault_table: Any
) -> None:
    dead = await dead_letter_count(e2e_stack)
    review = e2e_stack.database_url("review")
    await fetch(
        review,
        "insert into outbox_message (event_id, event_type, topic, key, payload)"
        " values (gen_random_uuid(), 'review.RecipientStatusChanged', $1, 'poison', $2)",
        "review.recipient-status.v1",
        "x" * 2_000_000,  # larger than any Kafka message may be
    )

    async def parked() -> bool:
        rows = await fetch(
            review, "select count(*) as n from outbox_message where parked_at is not null"
        )
        return bool(rows[0]["n"])

    await flow(population, 2, lambda: wait_until(parked, timeout=60))
    await settle(e2e_stack, population, dead, "poison outbox row (2 MB) in review", fault_table)
    await fetch(review, "delete from outbox_message where key = 'poison'")


async def test_two_instances_one_killed_mid_flow_lose_nothing(
    e2e_stack: Stack, population: list[Recipient], fault_table: Any
) -> None:
    dead = await dead_letter_count(e2e_stack)
    twins = [
        e2e_stack.second_instance(name, procs.free_port(), QUICK)
        for name in ("dispatch", "settlement")
    ]
    for twin in twins:
        await asyncio.to_thread(twin.start)
    for twin in twins:
        await asyncio.to_thread(twin.wait_ready, 90.0)
    try:

        async def kill_one_of_each() -> None:
            await asyncio.sleep(1.0)
            for twin in twins:
                await asyncio.to_thread(twin.kill_hard)

        await flow(population, 3, kill_one_of_each)
        await settle(
            e2e_stack,
            population,
            dead,
            "2 × dispatch, 2 × settlement; one of each SIGKILLed",
            fault_table,
        )
    finally:
        for twin in twins:
            await asyncio.to_thread(twin.stop)


async def test_sigterm_under_load_leaves_nothing_half_done(
    e2e_stack: Stack, population: list[Recipient], fault_table: Any
) -> None:
    dead = await dead_letter_count(e2e_stack)

    async def rolling_restart() -> None:
        await asyncio.sleep(0.5)
        for name in ("dispatch", "archive"):
            await asyncio.to_thread(e2e_stack.stop_services, [name])  # SIGTERM, drains
            await asyncio.to_thread(e2e_stack.start_services, [name], QUICK)

    await flow(population, 3, rolling_restart)
    await settle(
        e2e_stack, population, dead, "SIGTERM to dispatch and archive under load", fault_table
    )


async def test_a_service_restarted_while_kafka_is_down_starts_and_catches_up(
    e2e_stack: Stack, population: list[Recipient], fault_table: Any
) -> None:
    dead = await dead_letter_count(e2e_stack)
    await asyncio.to_thread(e2e_stack.kafka.kill_hard)
    try:
        await asyncio.to_thread(e2e_stack.stop_services, ["archive"])
        # It starts and is ready (its database answers) with no broker at all.
        await asyncio.to_thread(e2e_stack.start_services, ["archive"], QUICK)

        async def nothing() -> None:
            return None

        await flow(population, 1, nothing)  # review takes the changes into its outbox
    finally:
        await asyncio.to_thread(e2e_stack.kafka.start)
        await asyncio.to_thread(e2e_stack.kafka.wait_ready, 60.0)
    names = ("intake", "survey", "review", "dispatch", "settlement", "archive")
    await wait_until(lambda: all_ready(e2e_stack, names), timeout=60)
    await settle(e2e_stack, population, dead, "archive restarted while Kafka was down", fault_table)
