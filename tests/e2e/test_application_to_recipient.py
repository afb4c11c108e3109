"""Issue 2's first proof and issue 3's path, through the six running service processes."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from contracts import topics
from contracts.review import RecipientApproved
from devstack.journeys.application import (
    Case,
    approved,
    catalogue_loaded,
    register,
    submit,
    survey_task,
)
from devstack.journeys.db import fetch, wait_until
from devstack.journeys.kafka import TopicReader, produce_raw
from devstack.journeys.metrics import metric
from devstack.journeys.metrics import metrics_text as read_metrics
from devstack.journeys.traces import services_in, spans_of
from devstack.stack import Stack

pytestmark = pytest.mark.e2e
CONSUMERS_OF_INTAKE = ("survey", "review", "archive")


async def processed(stack: Stack, service: str, event_id: str) -> int:
    rows = await fetch(
        stack.database_url(service),
        "select count(*) as n from processed_event where event_id = $1::uuid",
        event_id,
    )
    return int(rows[0]["n"])


SURVEY_READS = {"topic": topics.INTAKE_APPLICATIONS, "group": "survey"}


async def metrics_text(stack: Stack, service: str) -> str:
    async with httpx.AsyncClient(base_url=stack.service_url(service), timeout=10) as client:
        return await read_metrics(client)


async def spans_cover(stack: Stack, trace_id: str, kind: str, services: set[str]) -> bool:
    return services <= services_in(spans_of(stack.sink_file, trace_id), kind)


async def test_one_event_reaches_every_subscriber_once_in_one_trace(e2e_stack: Stack) -> None:
    await catalogue_loaded(e2e_stack, "intake")
    case = Case(e2e_stack)
    submitted = await submit(case)
    assert submitted.status_code == 201, submitted.text
    registered = await register(case)
    assert registered.status_code == 200, registered.text

    async with TopicReader(e2e_stack.kafka_access(), topics.INTAKE_APPLICATIONS) as reader:
        record = await reader.wait_for_raw(
            lambda r: (
                case.application_id.encode() in r.value and b"ApplicationRegistered" in r.value
            )
        )
    event_id = dict(record.headers)["x-event-id"].decode()
    for service in CONSUMERS_OF_INTAKE:
        await wait_until(lambda s=service: processed(e2e_stack, s, event_id))

    # One trace from intake's HTTP span to every consumer's span (spans arrive in batches).
    await wait_until(
        lambda: spans_cover(e2e_stack, case.trace_id, "CONSUMER", set(CONSUMERS_OF_INTAKE))
    )
    assert "intake" in services_in(spans_of(e2e_stack.sink_file, case.trace_id), "SERVER")

    # The same record delivered again changes nothing anywhere.
    await produce_raw(
        e2e_stack.kafka_access(),
        topics.INTAKE_APPLICATIONS,
        record.value,
        key=record.key,
        headers=list(record.headers),
    )
    # A malformed record lands in the dead-letter topic; the next good one still flows.
    marker = f"e2e-garbage-{case.trace_id}".encode()
    await produce_raw(
        e2e_stack.kafka_access(), topics.INTAKE_APPLICATIONS, b"{" + marker, key=record.key
    )
    following = Case(e2e_stack)
    submitted = await submit(following)
    assert submitted.status_code == 201, submitted.text
    assert (await register(following)).status_code == 200
    await survey_task(following)

    async with TopicReader(e2e_stack.kafka_access(), topics.dlq(topics.INTAKE_APPLICATIONS)) as dlq:
        for service in CONSUMERS_OF_INTAKE:
            letter = await dlq.wait_for_raw(
                lambda r, s=service: (
                    marker in r.value and dict(r.headers)["x-dlq-consumer-group"] == s.encode()
                )
            )
            assert dict(letter.headers)["x-dlq-error"].startswith(b"unparseable")
    for service in CONSUMERS_OF_INTAKE:
        assert await processed(e2e_stack, service, event_id) == 1
    tasks = await fetch(
        e2e_stack.database_url("survey"),
        "select count(*) as n from survey_task where application_id = $1::uuid",
        case.application_id,
    )
    assert tasks[0]["n"] == 1

    # What county IT sees at /metrics: the duplicate, the dead letter, nothing left unsent.
    async def survey_counts() -> dict[str, float] | None:
        text = await metrics_text(e2e_stack, "survey")
        counts = {
            outcome: metric(text, "civic_kafka_messages_total", **SURVEY_READS, outcome=outcome)
            for outcome in ("applied", "duplicate", "dead_lettered")
        }
        return counts if all(counts.values()) else None  # type: ignore[return-value]

    counts: dict[str, float] = await wait_until(survey_counts)
    assert counts["applied"] >= 2 and counts["dead_lettered"] >= 1
    intake_metrics = await metrics_text(e2e_stack, "intake")
    assert 'route="/applications",status="201"' in intake_metrics

    async def outbox_drained() -> bool:
        text = await metrics_text(e2e_stack, "intake")
        return metric(text, "civic_outbox_pending_events") == 0

    assert await wait_until(outbox_drained)


async def test_a_wechat_application_becomes_an_approved_recipient_in_one_trace(
    e2e_stack: Stack,
) -> None:
    await catalogue_loaded(e2e_stack, "intake")
    await catalogue_loaded(e2e_stack, "review")
    case = Case(e2e_stack)
    recipient_id = await approved(case)

    async with TopicReader(e2e_stack.kafka_access(), topics.REVIEW_DECISIONS) as reader:
        decision = await reader.wait_for(
            lambda e: (
                isinstance(e, RecipientApproved) and str(e.application_id) == case.application_id
            )
        )
    assert isinstance(decision, RecipientApproved)
    assert str(decision.recipient_id) == recipient_id
    assert decision.version == 1 and decision.village_code == "341702100201"
    assert [i.item_code for i in decision.approved_items] == ["LC-03", "CL-01"]
    assert "*" in decision.display_name and case.id_number not in decision.model_dump_json()

    # The applicant's app sees the decision.
    token = case.token("applicant_app", user=f"wx-{case.trace_id[:8]}")

    async def shows_approved() -> bool:
        got = await case.api.call(
            "intake", "GET", f"/applications/{case.application_id}", token=token
        )
        return got.json()["status"]["code"] == "approved"

    await wait_until(shows_approved)
    # One trace: every service's HTTP span and the consumer spans that carried the path.
    expected_servers = {"intake", "survey", "review"}
    expected_consumers = {"survey", "review", "intake"}
    await wait_until(lambda: spans_cover(e2e_stack, case.trace_id, "SERVER", expected_servers))
    await wait_until(lambda: spans_cover(e2e_stack, case.trace_id, "CONSUMER", expected_consumers))
    await asyncio.sleep(0)
