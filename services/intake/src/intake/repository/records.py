"""Everything the use cases read and write, on a unit of work's open transaction.

Handlers reach SQL only through an ``IntakeRecords``; tests hand them an in-memory one.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from civic import idempotency
from civic.idempotency import Answer, Retry
from civic.notify.model import Outgoing
from civic.uow import UnitOfWork
from contracts.inbound import StatusReport
from contracts.settlement import CatalogueVersionPublished
from intake.domain.checks import OpenApplication, Registered
from intake.domain.city import Admission
from intake.domain.model import Application, Catalogue, ListQuery, PersonDetails, Summary
from intake.repository import applications, catalogue, city, listing, messages, persons


class IntakeRecords:
    """intake's tables and stored answers, read and written in ``uow``'s transaction."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    @property
    def _session(self) -> AsyncSession:
        # Read at each call: the session exists only while the unit of work is open.
        return self._uow.session

    async def lock(self, key: str) -> None:
        """Serialises transactions on one key until commit."""
        await persons.lock_key(self._session, key)

    async def replayed(self, retry: Retry | None) -> Answer | None:
        """The first answer to this Idempotency-Key (civic's rule); locks the key."""
        return await idempotency.replayed(retry, self._uow)

    async def remember(self, retry: Retry | None, answer: Answer) -> None:
        """Stores the answer under the key, with the effect."""
        await idempotency.remember(retry, self._uow, answer)

    async def load(
        self, application_id: uuid.UUID, *, for_update: bool = False
    ) -> Application | None:
        """The application with its people and timeline; optionally locked."""
        return await applications.load(self._session, application_id, for_update=for_update)

    async def insert_application(
        self,
        app: Application,
        *,
        member_person_ids: Sequence[uuid.UUID],
        consent_given_at: datetime | None,
    ) -> None:
        """Stores a new application, its members and its first step."""
        await applications.insert_application(
            self._session,
            app,
            member_person_ids=member_person_ids,
            consent_given_at=consent_given_at,
        )

    async def insert_discovery(self, app: Application, *, situation_zh: str | None) -> None:
        """Stores the coordinator's report behind a discovery application."""
        await applications.insert_discovery(self._session, app, situation_zh=situation_zh)

    async def save_change(self, app: Application, *, registered_by: str | None = None) -> None:
        """Writes a changed application and its new timeline step."""
        await applications.save_change(self._session, app, registered_by=registered_by)

    async def enqueue_messages(self, outgoing: list[Outgoing], *, now: datetime) -> int:
        """Adds messages with the change that causes them (one per cause); how many were new."""
        return await messages.enqueue(self._session, outgoing, now=now)

    async def page(self, query: ListQuery) -> tuple[list[Summary], int]:
        """One page of applications inside the query's division, newest first, and the total."""
        return await listing.page(self._session, query)

    async def catalogue_versions(self, county_code: str) -> list[Catalogue]:
        """Every catalogue version received for a county."""
        return await catalogue.catalogue_versions(self._session, county_code)

    async def store_catalogue(self, event: CatalogueVersionPublished) -> bool:
        """Keeps a catalogue version; False when it was already held."""
        return await catalogue.store_catalogue(self._session, event)

    async def find_or_add_person(self, id_number: str, name: str) -> Registered:
        """The person of an ID number as registered, or added with ``name``; locks the person."""
        return await persons.find_or_add_person(self._session, id_number, name)

    async def rename_person(self, person_id: uuid.UUID, name: str) -> None:
        """Gives a registered person the name staff verified."""
        await persons.rename_person(self._session, person_id, name)

    async def resolve_person(self, id_number: str, unknown_name: str) -> uuid.UUID:
        """The person_id of an ID number; a new person gets ``unknown_name``."""
        return await persons.resolve_person(self._session, id_number, unknown_name)

    async def set_household(self, person_ids: Sequence[uuid.UUID], household_id: uuid.UUID) -> None:
        """Records the household the people now belong to."""
        await persons.set_household(self._session, person_ids, household_id)

    async def open_application_of(self, person_id: uuid.UUID) -> OpenApplication | None:
        """The person's open application that is not held as a duplicate, if any."""
        return await persons.open_application_of(self._session, person_id)

    async def has_application(self, person_id: uuid.UUID) -> bool:
        """Whether the person has any application, in any status."""
        return await city.has_application(self._session, person_id)

    async def reported_person(self, external_reference: str) -> uuid.UUID | None:
        """The person of a city report already received under this reference."""
        return await city.reported_person(self._session, external_reference)

    async def record_report(
        self,
        report: StatusReport,
        *,
        external_reference: str,
        person_id: uuid.UUID,
        resolved_event_id: uuid.UUID,
    ) -> None:
        """Keeps a received city report (codes and our person_id)."""
        await city.record_report(
            self._session,
            report,
            external_reference=external_reference,
            person_id=person_id,
            resolved_event_id=resolved_event_id,
        )

    async def record_admission(
        self, report: StatusReport, *, external_reference: str, person_id: uuid.UUID
    ) -> None:
        """Puts a newly admitted person on the monthly follow-up's list."""
        await city.record_admission(
            self._session, report, external_reference=external_reference, person_id=person_id
        )

    async def awaiting_follow_up(self, *, before: date, month: str) -> list[Admission]:
        """Each admitted person still without an application or a follow-up this month."""
        return await city.awaiting_follow_up(self._session, before=before, month=month)

    async def person_details(self, person_id: uuid.UUID) -> tuple[PersonDetails, uuid.UUID | None]:
        """The person as an applicant, and their household."""
        return await city.person_details(self._session, person_id)

    async def add_follow_up(
        self, person_id: uuid.UUID, month: str, application_id: uuid.UUID
    ) -> None:
        """Records the month's follow-up of a person."""
        await city.add_follow_up(self._session, person_id, month, application_id)
