"""The city system's status reports: resolve the ID number, tell review, note admissions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from civic.uow import UnitOfWork
from contracts.inbound import AssistanceStatusReported
from intake.domain import city
from intake.domain.rules import InvalidApplication
from intake.handlers.common import as_problems, publish
from intake.repository import city as reports
from intake.repository import persons


@dataclass(frozen=True)
class Receipt:
    """What intake did with one report: its reference, our person, and whether it was a repeat."""

    external_reference: str
    person_id: uuid.UUID
    repeated: bool


async def resolve_city_status(report: AssistanceStatusReported, *, uow: UnitOfWork) -> Receipt:
    """Publishes CityStatusResolved once per external reference; notes a new admission."""
    with as_problems():
        if problems := city.check_report(report):
            raise InvalidApplication(problems)
    ref = city.external_reference(report)
    await persons.lock_key(uow.session, f"city-report:{ref}")
    if (known := await reports.reported_person(uow.session, ref)) is not None:
        return Receipt(ref, known, repeated=True)
    person_id = await persons.resolve_person(uow.session, report.id_number, city.UNKNOWN_NAME)
    event = city.resolved(report, person_id=person_id)
    await reports.record_report(
        uow.session,
        report,
        external_reference=ref,
        person_id=person_id,
        resolved_event_id=event.event_id,
    )
    if city.is_admission(report) and not await reports.has_application(uow.session, person_id):
        await reports.record_admission(
            uow.session, report, external_reference=ref, person_id=person_id
        )
    publish(uow, event)
    return Receipt(ref, person_id, repeated=False)


async def receive_city_status(report: AssistanceStatusReported, *, uow: UnitOfWork) -> Receipt:
    """The same over HTTP, in a unit of work of its own."""
    async with uow:
        receipt = await resolve_city_status(report, uow=uow)
        await uow.commit()
    return receipt
