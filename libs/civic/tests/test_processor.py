"""The reliable-consumption rules of MessageProcessor, with a fake unit of work."""

from __future__ import annotations

import asyncio
import json
import uuid
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from civic.background import in_background
from civic.consumer import DeadLetter, Delivery, MessageProcessor, Outcome, TopicConsumer
from contracts import topics
from contracts.intake import ApplicationSubmitted, ApplicationWithdrawn
from contracts.samples import sample
from contracts.survey import SurveyCompleted

pytestmark = pytest.mark.unit


class FakeSession:
    """Keeps the values of each statement a unit of work executes (parking writes one)."""

    def __init__(self) -> None:
        self.statements: list[dict[str, Any]] = []

    async def execute(self, stmt: Any) -> Any:
        self.statements.append(dict(stmt.compile().params))
        return SimpleNamespace(first=lambda: (1,))


class FakeUow:
    """Stands in for UnitOfWork: an in-memory inbox shared across instances."""

    inbox: set[tuple[str, uuid.UUID]]

    def __init__(
        self, inbox: set[tuple[str, uuid.UUID]], effects: list[Any], session: FakeSession
    ) -> None:
        self.inbox, self.effects, self.committed = inbox, effects, False
        self.session = session
        self._staged: list[Any] = []
        self._claims: list[tuple[str, uuid.UUID]] = []

    async def __aenter__(self) -> FakeUow:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._staged, self._claims = [], []

    async def claim_events(self, *, consumer: str, claims: Any) -> set[uuid.UUID]:
        fresh = set()
        for event, *_ in claims:
            key = (consumer, event.event_id)
            if key not in self.inbox and key not in self._claims:
                self._claims.append(key)
                fresh.add(event.event_id)
        return fresh

    def stage(self, effect: Any) -> None:
        self._staged.append(effect)

    async def commit(self) -> None:
        self.inbox.update(self._claims)
        self.effects.extend(self._staged)
        self.committed = True


SESSION = FakeSession()


def make(
    handler: Any, max_attempts: int = 3, session: FakeSession = SESSION
) -> tuple[MessageProcessor, list[Any], list[DeadLetter]]:
    consumer = TopicConsumer(topics.INTAKE_APPLICATIONS, group="test")
    consumer.on(ApplicationSubmitted)(handler)
    inbox: set[tuple[str, uuid.UUID]] = set()
    effects: list[Any] = []
    letters: list[DeadLetter] = []

    async def dead_letter(letter: DeadLetter) -> None:
        letters.append(letter)

    processor = MessageProcessor(
        consumer,
        uow_factory=lambda: FakeUow(inbox, effects, session),  # type: ignore[arg-type,return-value]
        dead_letter=dead_letter,
        max_attempts=max_attempts,
        backoff_s=0,
    )
    return processor, effects, letters


def delivery(value: bytes) -> Delivery:
    return Delivery(topics.INTAKE_APPLICATIONS, 0, 7, b"k", value, {"traceparent": "x"})


async def record(event: Any, uow: Any) -> None:
    uow.stage(event.event_id)


async def test_an_event_is_applied_once_even_when_delivered_twice() -> None:
    processor, effects, _ = make(record)
    event = sample(ApplicationSubmitted)
    assert await processor.process(delivery(event.to_json_bytes())) is Outcome.APPLIED
    assert await processor.process(delivery(event.to_json_bytes())) is Outcome.DUPLICATE
    assert effects == [event.event_id]


async def test_an_unparseable_message_is_dead_lettered_at_once() -> None:
    processor, effects, letters = make(record)
    assert await processor.process(delivery(b"{not json")) is Outcome.DEAD_LETTERED
    assert effects == []
    assert letters[0].attempts == 1
    assert letters[0].error.startswith("unparseable")
    assert letters[0].delivery.headers == {"traceparent": "x"}


async def test_an_event_of_a_type_nobody_handles_is_skipped() -> None:
    processor, effects, letters = make(record)
    other = sample(ApplicationWithdrawn)
    assert await processor.process(delivery(other.to_json_bytes())) is Outcome.IGNORED
    assert effects == [] and letters == []


async def test_a_failing_use_case_is_retried_then_dead_lettered_with_the_count() -> None:
    calls = 0

    async def broken(event: Any, uow: Any) -> None:
        nonlocal calls
        calls += 1
        uow.stage("half-done")
        raise ValueError("no such village")

    processor, effects, letters = make(broken, max_attempts=3)
    event = sample(ApplicationSubmitted)
    assert await processor.process(delivery(event.to_json_bytes())) is Outcome.DEAD_LETTERED
    assert calls == 3
    assert effects == []
    assert letters[0].attempts == 3 and "no such village" in letters[0].error


async def test_an_outage_is_waited_out_without_dead_lettering() -> None:
    failures = 4

    async def flaky(event: Any, uow: Any) -> None:
        nonlocal failures
        if failures:
            failures -= 1
            raise OperationalError("select 1", {}, ConnectionRefusedError())
        uow.stage(event.event_id)

    processor, effects, letters = make(flaky, max_attempts=2)
    event = sample(ApplicationSubmitted)
    assert await processor.process(delivery(event.to_json_bytes())) is Outcome.APPLIED
    assert letters == [] and effects == [event.event_id]


def test_a_consumer_refuses_a_handler_for_an_event_of_another_topic() -> None:
    consumer = TopicConsumer(topics.SURVEY_SURVEYS, group="test")
    with pytest.raises(ValueError, match="published on"):
        consumer.on(ApplicationSubmitted)


async def test_an_event_type_newer_than_these_contracts_is_parked_whole_not_ignored() -> None:
    session = FakeSession()
    processor, effects, letters = make(record, session=session)
    newer = sample(ApplicationSubmitted).model_dump(mode="json")
    newer["event_type"] = "intake.SomethingAddedLater"
    raw = json.dumps(newer).encode()

    outcome = await processor.process(delivery(raw))
    assert outcome is Outcome.PARKED and outcome.value == "parked"
    assert letters == [] and effects == []
    [kept] = session.statements
    assert (kept["consumer"], kept["topic"], kept["kafka_partition"], kept["kafka_offset"]) == (
        "test",
        topics.INTAKE_APPLICATIONS,
        0,
        7,
    )
    assert (kept["key"], kept["value"], kept["headers"]) == (b"k", raw, {"traceparent": "x"})
    assert (kept["event_type"], kept["reason"]) == (
        "intake.SomethingAddedLater",
        "unknown_event_type",
    )


async def test_a_message_that_cannot_be_parked_is_dead_lettered_not_dropped() -> None:
    class Broken(FakeSession):
        async def execute(self, stmt: Any) -> Any:
            raise ValueError("no parked_message table")

    processor, _, letters = make(record, session=Broken())
    newer = sample(ApplicationSubmitted).model_dump(mode="json")
    newer["event_type"] = "intake.SomethingAddedLater"
    outcome = await processor.process(delivery(json.dumps(newer).encode()))
    assert outcome is Outcome.DEAD_LETTERED
    assert "unknown_event_type" in letters[0].error and "not parked" in letters[0].error


def signed_only(d: Delivery) -> str | None:
    """An admission check as a signed topic would have one: the header must say "ok"."""
    return None if d.headers.get("x-signature") == "ok" else "no good signature"


async def test_a_record_the_admission_check_refuses_is_dead_lettered_unread() -> None:
    processor, effects, letters = make(record)
    processor.consumer.admit = signed_only
    event = sample(ApplicationSubmitted)
    assert await processor.process(delivery(event.to_json_bytes())) is Outcome.DEAD_LETTERED
    # Refused before parsing: even bytes that are not an event get the refusal as the reason.
    assert await processor.process(delivery(b"{not json")) is Outcome.DEAD_LETTERED
    assert effects == []
    assert [(x.error, x.attempts) for x in letters] == [("refused: no good signature", 1)] * 2
    assert letters[0].delivery.headers == {"traceparent": "x"}


async def test_an_admitted_record_goes_on_as_usual_and_once() -> None:
    processor, effects, letters = make(record)
    processor.consumer.admit = signed_only
    event = sample(ApplicationSubmitted)
    signed = Delivery(
        topics.INTAKE_APPLICATIONS, 0, 8, b"k", event.to_json_bytes(), {"x-signature": "ok"}
    )
    assert await processor.process(signed) is Outcome.APPLIED
    assert await processor.process(signed) is Outcome.DUPLICATE
    assert effects == [event.event_id] and letters == []


async def test_an_admission_check_that_fails_refuses_rather_than_blocking_the_partition() -> None:
    def broken(_: Delivery) -> str | None:
        raise RuntimeError("key file unreadable")

    processor, effects, letters = make(record)
    processor.consumer.admit = broken
    event = sample(ApplicationSubmitted)
    assert await processor.process(delivery(event.to_json_bytes())) is Outcome.DEAD_LETTERED
    assert effects == [] and "key file unreadable" in letters[0].error


async def test_a_background_job_runs_inside_the_block_and_is_cancelled_after() -> None:
    started, stopped = asyncio.Event(), asyncio.Event()

    async def job() -> None:
        try:
            started.set()
            await asyncio.Event().wait()  # a clock that would run for ever
        finally:
            stopped.set()

    async with in_background(job(), name="test-clock"):
        await asyncio.wait_for(started.wait(), timeout=5)
        assert not stopped.is_set()
    # Leaving the block has cancelled the job and waited for it to finish.
    assert stopped.is_set()


def test_one_use_case_can_handle_several_event_types_of_its_topic_and_no_other() -> None:
    consumer = TopicConsumer(topics.INTAKE_APPLICATIONS, group="test")

    @consumer.on(ApplicationSubmitted, ApplicationWithdrawn)
    async def on_application(event: Any, uow: Any) -> None:
        """Both kinds reach the same use case."""

    assert consumer.handlers == {
        "intake.ApplicationSubmitted": on_application,
        "intake.ApplicationWithdrawn": on_application,
    }
    with pytest.raises(ValueError, match="published on survey"):
        consumer.on(ApplicationSubmitted, SurveyCompleted)
    assert len(consumer.handlers) == 2  # a refused registration registers nothing


async def test_a_run_handler_takes_consecutive_events_of_its_type_and_order_holds() -> None:
    calls: list[Any] = []

    async def one(event: Any, uow: Any) -> None:
        calls.append(("one", event.event_type))

    async def run(events: list[Any], uow: Any) -> None:
        calls.append(("run", len(events)))

    processor, _, _ = make(one)
    processor.consumer.on(ApplicationWithdrawn)(one)
    processor.consumer.on_batch(ApplicationSubmitted)(run)
    submitted = [sample(ApplicationSubmitted) for _ in range(4)]
    withdrawn = sample(ApplicationWithdrawn)
    batch = [*submitted[:2], withdrawn, *submitted[2:]]
    outcomes = await processor.process_batch([delivery(e.to_json_bytes()) for e in batch])
    assert outcomes == [Outcome.APPLIED] * 5
    assert calls == [("run", 2), ("one", "intake.ApplicationWithdrawn"), ("run", 2)]
