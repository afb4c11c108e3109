"""In-memory stand-ins for intake's tables: handler rules in milliseconds.

The fake records keep people, applications, catalogues, city reports and stored answers in
dictionaries. Tests pair them with civic's shared ``civic.testing.FakeUnitOfWork``; unlike
PostgreSQL the records do not undo writes on a rollback, so a test reads ``uow.committed`` and
``uow.events`` to see what a use case kept.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from civic.idempotency import Answer, Retry
from civic.notify.model import Outgoing
from civic.testing import FakeAnswers
from contracts.inbound import StatusReport
from contracts.settlement import CatalogueVersionPublished
from intake.domain.checks import OpenApplication, Registered
from intake.domain.city import Admission
from intake.domain.model import (
    Application,
    Catalogue,
    CatalogueEntry,
    ListQuery,
    PersonDetails,
    Summary,
)
from intake.domain.status import OPEN_STATUSES
from intake.repository import IntakeRecords


@dataclass(frozen=True)
class Person:
    """A row of the person registry."""

    person_id: uuid.UUID
    name: str
    household_id: uuid.UUID | None = None


class FakeIntakeRecords(IntakeRecords):
    """intake's tables in dictionaries, with the same answers as the SQL records."""

    def __init__(self) -> None:
        self.people: dict[str, Person] = {}  # by ID number
        self.applications: dict[uuid.UUID, Application] = {}
        self.discoveries: dict[uuid.UUID, str | None] = {}
        self.catalogues: list[Catalogue] = []
        self.reports: dict[str, uuid.UUID] = {}
        self.admissions: dict[uuid.UUID, Admission] = {}
        self.follow_ups: dict[tuple[uuid.UUID, str], uuid.UUID] = {}
        self.answers = FakeAnswers()
        self.locked: list[str] = []
        self.enqueued: list[Outgoing] = []  # every message asked for, kept or not
        self.messages: dict[str, Outgoing] = {}  # by dedupe key, as the unique key keeps them

    async def lock(self, key: str) -> None:
        """Notes the key (one task at a time: nothing to wait for)."""
        self.locked.append(key)

    async def replayed(self, retry: Retry | None) -> Answer | None:
        """The first answer to the key; 409 if the key came with a different request."""
        return self.answers.replayed(retry)

    async def remember(self, retry: Retry | None, answer: Answer) -> None:
        """Keeps the answer under the key, as jsonb gives it back."""
        self.answers.remember(retry, answer)

    async def load(
        self, application_id: uuid.UUID, *, for_update: bool = False
    ) -> Application | None:
        """The stored application, if any."""
        return self.applications.get(application_id)

    async def insert_application(
        self,
        app: Application,
        *,
        member_person_ids: Sequence[uuid.UUID],
        consent_given_at: datetime | None,
    ) -> None:
        """Stores the application (its id is the primary key)."""
        assert app.application_id not in self.applications, "the primary key would refuse this"
        self.applications[app.application_id] = app

    async def insert_discovery(self, app: Application, *, situation_zh: str | None) -> None:
        """Keeps the coordinator's situation under the application."""
        self.discoveries[app.application_id] = situation_zh

    async def save_change(self, app: Application, *, registered_by: str | None = None) -> None:
        """Replaces the stored application."""
        self.applications[app.application_id] = app

    async def enqueue_messages(self, outgoing: list[Outgoing], *, now: datetime) -> int:
        """Keeps each message unless one of the same cause is held (the dedupe key)."""
        self.enqueued.extend(outgoing)
        new = [m for m in outgoing if m.dedupe_key not in self.messages]
        self.messages.update({m.dedupe_key: m for m in new})
        return len(new)

    async def page(self, query: ListQuery) -> tuple[list[Summary], int]:
        """Applications under the query's division, newest first, one page."""
        found = sorted(
            (
                app
                for app in self.applications.values()
                if app.village_code.startswith(query.division)
                and query.status in (None, app.status)
                and query.village_code in (None, app.village_code)
                and query.needs_verification in (None, app.needs_verification)
            ),
            key=lambda app: app.submitted_at,
            reverse=True,
        )
        start = (query.number - 1) * query.size
        chosen = found[start : start + query.size]
        return [_summary(app) for app in chosen], len(found)

    async def catalogue_versions(self, county_code: str) -> list[Catalogue]:
        """Every version held for the county."""
        return [c for c in self.catalogues if c.county_code == county_code]

    async def store_catalogue(self, event: CatalogueVersionPublished) -> bool:
        """Keeps a version unless (county, version) is held."""
        if any(
            (c.county_code, c.version) == (event.county_code, event.version)
            for c in self.catalogues
        ):
            return False
        entries = {
            item.item_code: CatalogueEntry(item.item_code, item.name_zh, item.service_category)
            for item in event.items
        }
        self.catalogues.append(
            Catalogue(event.county_code, event.version, event.effective_from, entries)
        )
        return True

    async def find_or_add_person(self, id_number: str, name: str) -> Registered:
        """The person of an ID number as held, or added with ``name``."""
        known = self.people.get(id_number)
        person = known or Person(uuid.uuid4(), name)
        self.people[id_number] = person
        return Registered(person.person_id, person.name, person.household_id, known is None)

    async def rename_person(self, person_id: uuid.UUID, name: str) -> None:
        """Renames the person."""
        for id_number, person in self.people.items():
            if person.person_id == person_id:
                self.people[id_number] = replace(person, name=name)

    async def resolve_person(self, id_number: str, unknown_name: str) -> uuid.UUID:
        """The person of an ID number; a new one gets ``unknown_name``."""
        if id_number not in self.people:
            self.people[id_number] = Person(uuid.uuid4(), unknown_name)
        return self.people[id_number].person_id

    async def set_household(self, person_ids: Sequence[uuid.UUID], household_id: uuid.UUID) -> None:
        """Moves the people into the household."""
        for id_number, person in self.people.items():
            if person.person_id in person_ids:
                self.people[id_number] = replace(person, household_id=household_id)

    async def open_application_of(self, person_id: uuid.UUID) -> OpenApplication | None:
        """The person's open application that is not held, if any."""
        return next(
            (
                OpenApplication(app.application_id, app.village_code)
                for app in self.applications.values()
                if app.person_id == person_id
                and app.status in OPEN_STATUSES
                and app.duplicate_of is None
            ),
            None,
        )

    async def has_application(self, person_id: uuid.UUID) -> bool:
        """Whether the person has any application."""
        return any(app.person_id == person_id for app in self.applications.values())

    async def reported_person(self, external_reference: str) -> uuid.UUID | None:
        """The person of a report held under this reference."""
        return self.reports.get(external_reference)

    async def record_report(
        self,
        report: StatusReport,
        *,
        external_reference: str,
        person_id: uuid.UUID,
        resolved_event_id: uuid.UUID,
    ) -> None:
        """Keeps the reference (its unique key)."""
        assert external_reference not in self.reports, "the unique key would refuse this"
        self.reports[external_reference] = person_id

    async def record_admission(
        self, report: StatusReport, *, external_reference: str, person_id: uuid.UUID
    ) -> None:
        """Puts the person on the follow-up's list."""
        self.admissions[person_id] = Admission.of(report, person_id)

    async def awaiting_follow_up(self, *, before: date, month: str) -> list[Admission]:
        """Admitted before ``before``, with no application and no follow-up this month."""
        return [
            admission
            for admission in self.admissions.values()
            if admission.effective_date < before
            and (admission.person_id, month) not in self.follow_ups
            and not await self.has_application(admission.person_id)
        ]

    async def person_details(self, person_id: uuid.UUID) -> tuple[PersonDetails, uuid.UUID | None]:
        """The person as an applicant, and their household."""
        id_number, person = next(
            (number, person)
            for number, person in self.people.items()
            if person.person_id == person_id
        )
        return PersonDetails(person.name, id_number), person.household_id

    async def add_follow_up(
        self, person_id: uuid.UUID, month: str, application_id: uuid.UUID
    ) -> None:
        """Records the month's follow-up (its key refuses a second one)."""
        assert (person_id, month) not in self.follow_ups, "the primary key would refuse this"
        self.follow_ups[(person_id, month)] = application_id


def _summary(app: Application) -> Summary:
    return Summary(
        application_id=app.application_id,
        status=app.status,
        channel=app.channel,
        category=app.category,
        need_categories=app.need_categories,
        village_code=app.village_code,
        applicant_name=app.applicant.name,
        id_number=app.applicant.id_number,
        submitted_at=app.submitted_at,
        needs_verification=app.needs_verification,
    )
