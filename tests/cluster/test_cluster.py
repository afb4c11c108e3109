"""Beyond one machine: a node of a three-node Kafka cluster and one of the two instances of
dispatch, settlement and archive are SIGKILLed while status changes flow through the balancer.

Afterwards every change review accepted has its effect once in every database and on every
provider's topic (``devstack.faults.count_effects`` counts effects a double application
would double), no dead letter appeared, and once the node is back no partition is
under-replicated.
"""

from __future__ import annotations

import asyncio

import pytest

from devstack.faults import Recipient, change, count_effects, dead_letter_count
from devstack.journeys.db import wait_until
from devstack.stack import Stack

pytestmark = pytest.mark.e2e
KILLED = ("dispatch", "settlement", "archive")
ROUNDS = 3  # accepted status changes per person


async def _changes(people: list[Recipient], rounds: int) -> None:
    """``rounds`` accepted status changes per person, people in parallel; a change refused
    while something recovers (a 503) is sent again until review takes it."""

    async def one(person: Recipient) -> None:
        for _ in range(rounds):
            await wait_until(lambda: change(person), timeout=180, every=0.5)

    await asyncio.gather(*(one(person) for person in people))


async def _crash_mid_flow(stack: Stack, people: list[Recipient]) -> None:
    """Kills node 2 and the second instance of each of ``KILLED`` once changes are flowing."""
    before = sum(len(person.accepted) for person in people)
    await wait_until(lambda: _accepted_more(people, before, 2), timeout=120, every=0.1)
    await asyncio.to_thread(stack.kafka.node(2).kill_hard)
    for name in KILLED:
        await asyncio.to_thread(stack.instances(name)[1].kill_hard)


async def _accepted_more(people: list[Recipient], before: int, more: int) -> bool:
    return sum(len(person.accepted) for person in people) >= before + more


async def test_a_broker_and_an_instance_of_three_services_die_mid_flow(
    e2e_stack: Stack, population: list[Recipient]
) -> None:
    """Nothing lost, nothing applied twice, nothing dead-lettered; replicas catch up."""
    dead = await dead_letter_count(e2e_stack)
    await asyncio.gather(_changes(population, ROUNDS), _crash_mid_flow(e2e_stack, population))
    # The surviving node pair kept min.insync.replicas=2: every change was accepted while
    # node 2 was down. Bring it back before counting: the counts read every partition.
    await asyncio.to_thread(e2e_stack.kafka.node(2).start)
    await asyncio.to_thread(e2e_stack.kafka.node(2).wait_ready, 120.0)

    effects = await count_effects(e2e_stack, population, dead)
    assert sum(len(person.accepted) for person in population) >= ROUNDS * len(population)
    assert (effects.lost, effects.dead_letters) == (0, 0), effects
    for name in KILLED:
        assert not e2e_stack.instances(name)[1].alive()  # the survivors did the work

    async def in_sync() -> bool:
        return not await asyncio.to_thread(e2e_stack.kafka.under_replicated)

    await wait_until(in_sync, timeout=180, every=1.0)
