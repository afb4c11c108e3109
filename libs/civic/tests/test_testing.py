"""The shared fake unit of work behaves as civic's: joinable, publishes only what commits."""

from __future__ import annotations

import pytest

from civic.testing import FakeUnitOfWork, Published
from contracts import topics
from contracts.envelope import Event
from contracts.review import RecipientApproved, RecipientStatusChanged
from contracts.samples import sample

pytestmark = pytest.mark.unit


async def test_an_inner_commit_waits_for_the_outermost_block() -> None:
    uow, stop = FakeUnitOfWork(), sample(RecipientStatusChanged)
    async with uow:
        async with uow:  # a handler joining the consumer's block
            uow.emit(stop)
            await uow.commit()
        assert not uow.committed and uow.events == []
        assert [row["event_id"] for row in uow.emitted] == [stop.event_id]
        await uow.commit()
    assert uow.committed and uow.commits == 1 and not uow.rolled_back
    assert uow.outbox == [Published(stop, RecipientStatusChanged.TOPIC)]
    assert uow.published(RecipientStatusChanged) == [stop]
    assert uow.published(RecipientApproved) == []


async def test_a_block_left_without_commit_rolls_back_and_publishes_nothing() -> None:
    uow = FakeUnitOfWork()

    async def refused_use_case() -> None:
        async with uow:
            uow.emit(sample(RecipientStatusChanged))
            raise RuntimeError("refused")

    with pytest.raises(RuntimeError):
        await refused_use_case()
    assert uow.rolled_back and not uow.committed and uow.events == [] and uow.emitted == []


async def test_a_new_block_starts_clean_and_keeps_earlier_commits() -> None:
    uow, first, second = FakeUnitOfWork(), sample(RecipientApproved), sample(RecipientApproved)
    async with uow:
        uow.emit(first, topic=topics.BIGDATA_EVENTS)
        await uow.commit()
    async with uow:
        uow.emit(second)
    assert uow.events == [first] and uow.outbox[0].topic == topics.BIGDATA_EVENTS
    assert uow.rolled_back and uow.commits == 1


def test_an_event_without_a_topic_is_refused_as_civic_does() -> None:
    with pytest.raises(ValueError, match="no topic"):
        FakeUnitOfWork().emit(sample(Event))


def test_the_session_is_what_the_test_hands_in() -> None:
    tables: dict[str, list[str]] = {"files": []}
    assert FakeUnitOfWork(session=tables).session is tables
