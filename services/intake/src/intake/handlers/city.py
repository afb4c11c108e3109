"""The city system's status reports: resolve the ID number, tell review, note admissions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from civic.uow import UnitOfWork
from contracts.inbound import StatusReport
from intake.domain import city
from intake.domain.rules import InvalidApplication
from intake.repository import IntakeRecords


@dataclass(frozen=True)
class Receipt:
    """What intake did with one report: its reference, our person, and whether it was a repeat."""

    external_reference: str
    person_id: uuid.UUID
    repeated: bool


async def resolve_city_status(
    report: StatusReport, *, id_number: str, uow: UnitOfWork, records: IntakeRecords
) -> Receipt:
    """Publishes CityStatusResolved once per external reference; notes a new admission."""
    # ``id_number`` was opened (Kafka) or received (HTTP) at the edge; only the person
    # registry keeps it, sealed.
    if problems := city.check_report(report):
        raise InvalidApplication(problems)
    ref = city.external_reference(report)
    async with uow:
        await records.lock(f"city-report:{ref}")
        if (known := await records.reported_person(ref)) is not None:
            return Receipt(ref, known, repeated=True)
        person_id = await records.resolve_person(id_number, city.UNKNOWN_NAME)
        event = city.resolved(report, person_id=person_id)
        await records.record_report(
            report, external_reference=ref, person_id=person_id, resolved_event_id=event.event_id
        )
        if city.is_admission(report) and not await records.has_application(person_id):
            await records.record_admission(report, external_reference=ref, person_id=person_id)
        uow.emit(event)
        await uow.commit()
    return Receipt(ref, person_id, repeated=False)
