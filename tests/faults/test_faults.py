"""Faults injected into the running stack: a consumer crash, a broker crash and a database
outage. After each, every accepted application reaches survey exactly once and the stack is
ready again without anyone restarting a service by hand.

Fault model: processes are SIGKILLed or stopped; the host keeps its page cache, so a broker
crash loses nothing it acknowledged. Host power loss is not covered (one broker, RF 1)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from devstack.journeys.application import Case, catalogue_loaded, register, submit, survey_task
from devstack.journeys.db import fetch, wait_until
from devstack.stack import Stack

pytestmark = pytest.mark.e2e
SERVICES = ("intake", "survey", "review", "dispatch", "settlement", "archive")


async def readiness(stack: Stack, service: str) -> tuple[int, dict[str, str]]:
    async with httpx.AsyncClient(timeout=10) as client:
        got = await client.get(f"{stack.service_url(service)}/readyz")
    return got.status_code, got.json()["checks"]


async def all_ready(stack: Stack) -> bool:
    return all([(await readiness(stack, s))[0] == 200 for s in SERVICES])


async def tasks_per_application(stack: Stack, cases: list[Case]) -> dict[str, int]:
    rows = await fetch(
        stack.database_url("survey"),
        "select application_id::text as app, count(*) as n from survey_task"
        " where application_id::text = any($1::text[]) group by application_id",
        [c.application_id for c in cases],
    )
    return {r["app"]: int(r["n"]) for r in rows}


async def unsent_in_intake(stack: Stack) -> int:
    rows = await fetch(
        stack.database_url("intake"),
        "select count(*) as n from outbox_message where published_at is null",
    )
    return int(rows[0]["n"])


async def apply(case: Case) -> None:
    """The WeChat app submits and the township registers: intake's part of the path."""
    submitted = await submit(case)
    assert submitted.status_code == 201, submitted.text
    registered = await register(case)
    assert registered.status_code == 200, registered.text


async def each_reached_survey_once(stack: Stack, cases: list[Case]) -> None:
    for case in cases:
        await survey_task(case)
    counts = await tasks_per_application(stack, cases)
    assert counts == {c.application_id: 1 for c in cases}


async def test_a_crashed_consumer_resumes_where_it_stopped_and_applies_each_event_once(
    e2e_stack: Stack,
) -> None:
    await catalogue_loaded(e2e_stack, "intake")
    survey = e2e_stack.service("survey")
    before, during = [Case(e2e_stack) for _ in range(3)], [Case(e2e_stack) for _ in range(3)]
    for case in before:
        await apply(case)
    # Killed while those events are in flight: some may be applied but not yet committed.
    await asyncio.to_thread(survey.kill_hard)
    for case in during:
        await apply(case)
    await asyncio.to_thread(survey.start)
    await asyncio.to_thread(survey.wait_ready, 60.0)
    await each_reached_survey_once(e2e_stack, before + during)


async def test_a_broker_crash_loses_nothing_accepted_and_nobody_restarts_a_service(
    e2e_stack: Stack,
) -> None:
    await catalogue_loaded(e2e_stack, "intake")
    in_flight, while_down = Case(e2e_stack), Case(e2e_stack)
    await apply(in_flight)
    await asyncio.to_thread(e2e_stack.kafka.kill_hard)

    # Intake keeps accepting: the event waits in its outbox. It stays ready (its database
    # answers: a load balancer must keep it), and reports the broker away.
    await apply(while_down)

    async def kafka_reported_away() -> bool:
        status, checks = await readiness(e2e_stack, "intake")
        return (status, checks["kafka"], checks["database"]) == (200, "unavailable", "ok")

    await wait_until(kafka_reported_away, timeout=30)
    assert await unsent_in_intake(e2e_stack) >= 1

    await asyncio.to_thread(e2e_stack.kafka.start)
    await asyncio.to_thread(e2e_stack.kafka.wait_ready, 60.0)
    await wait_until(lambda: all_ready(e2e_stack), timeout=60)
    await each_reached_survey_once(e2e_stack, [in_flight, while_down])
    await wait_until(lambda: _none_unsent(e2e_stack), timeout=30)
    after = Case(e2e_stack)  # the consumers took up new work too, not only the backlog
    await apply(after)
    await each_reached_survey_once(e2e_stack, [after])


async def _none_unsent(stack: Stack) -> bool:
    return await unsent_in_intake(stack) == 0


async def test_a_database_outage_is_a_clear_503_and_the_stack_recovers_by_itself(
    e2e_stack: Stack,
) -> None:
    await catalogue_loaded(e2e_stack, "intake")
    in_flight, refused = Case(e2e_stack), Case(e2e_stack)
    await apply(in_flight)
    await asyncio.to_thread(e2e_stack.postgres.stop)
    try:
        response = await submit(refused)
        assert response.status_code == 503, response.text
        problem = response.json()
        assert problem["code"] == "database_unavailable" and "稍后" in problem["title"]
        assert response.headers["retry-after"].isdigit()
        status, checks = await readiness(e2e_stack, "survey")
        assert (status, checks["database"]) == (503, "unavailable")
    finally:
        await asyncio.to_thread(e2e_stack.postgres.start)

    await wait_until(lambda: all_ready(e2e_stack), timeout=60)
    await each_reached_survey_once(e2e_stack, [in_flight])
    # The app retries the refused submission with its same Idempotency-Key: one application.
    await apply(refused)
    await each_reached_survey_once(e2e_stack, [refused])
    rows = await fetch(
        e2e_stack.database_url("intake"),
        "select count(*) as n from application where person_id ="
        " (select person_id from application where application_id = $1::uuid)",
        refused.application_id,
    )
    assert rows[0]["n"] == 1
