"""Complaints and inspection visits in a person's file: every step of a complaint is filed; a
visit naming no one (a provider's premises) belongs in no file."""

from __future__ import annotations

import uuid

import pytest

from archive.domain.history import person_of, summary
from archive.handlers import events as event_handlers
from contracts.samples import sample
from contracts.supervision import (
    ComplaintEscalated,
    ComplaintOpened,
    ComplaintResolved,
    InspectionRecorded,
)

from .fakes import FakeArchive, FakeUnitOfWork, use_fake_repositories

pytestmark = pytest.mark.unit


@pytest.fixture
def archive(monkeypatch: pytest.MonkeyPatch) -> FakeArchive:
    use_fake_repositories(monkeypatch)
    return FakeArchive()


async def test_archive_files_every_step_of_a_complaint(archive: FakeArchive) -> None:
    person = uuid.uuid4()
    steps = [
        sample(cls, person_id=person, subject_key=str(person), version=version)
        for version, cls in enumerate((ComplaintOpened, ComplaintEscalated, ComplaintResolved), 1)
    ]
    for step in steps:
        await event_handlers.note_event(step, uow=FakeUnitOfWork(archive))
    assert [archive.history.get(step.event_id) for step in steps] == steps
    assert {person_of(step) for step in steps} == {person}


async def test_archive_files_a_visit_to_a_person_but_not_one_to_a_provider(
    archive: FakeArchive,
) -> None:
    person = uuid.uuid4()
    at_home = sample(InspectionRecorded, person_id=person, outcome="not_delivered")
    at_provider = sample(InspectionRecorded, person_id=None, provider_id=uuid.uuid4())
    for visit in (at_home, at_provider):
        await event_handlers.note_event(visit, uow=FakeUnitOfWork(archive))
    assert at_home.event_id in archive.history
    assert at_provider.event_id not in archive.history
    assert person_of(at_home) == person  # not the inspection id the event is keyed by


def test_archive_complaint_lines_say_what_and_by_whom() -> None:
    resolved = sample(
        ComplaintResolved, outcome="substantiated", supervision_level="county", overdue=True
    )
    line = summary(resolved)
    assert line.startswith("投诉办结：查证属实（县级，逾期办结）")
    assert "已告知投诉人" in line
