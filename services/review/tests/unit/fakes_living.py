"""In-memory stand-ins for the tables of issue 20 (service changes, emergency care), on top
of ``fakes.FakeRegistry``: the recipient registry, the cases, the catalogue copy."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pytest

from contracts.samples import sample_catalogue
from review import repository
from review.domain import events
from review.domain.case import Case, NeedAssessment
from review.domain.decision import Catalogue, Recipient
from review.domain.emergency import Emergency, EmergencyState
from review.domain.service_change import ChangeRequest, ChangeState

from .fakes import COUNTY, FakeRegistry, use_fake_repositories


def demo_catalogue() -> Catalogue:
    """The demo catalogue of the fake county, in force from 2024."""
    return events.catalogue_from(sample_catalogue(COUNTY, effective_from=date(2024, 1, 1)))


@dataclass
class LivingRegistry(FakeRegistry):
    """The registry with cases, change requests, emergencies and the catalogue copy."""

    cases: dict[uuid.UUID, Case] = field(default_factory=dict)
    change_requests: dict[uuid.UUID, ChangeRequest] = field(default_factory=dict)
    emergencies: dict[uuid.UUID, Emergency] = field(default_factory=dict)
    assessments: dict[uuid.UUID, NeedAssessment] = field(default_factory=dict)
    catalogues: list[Catalogue] = field(default_factory=lambda: [demo_catalogue()])

    async def catalogue_versions(self, _: Any, county_code: str) -> list[Catalogue]:
        return [c for c in self.catalogues if c.county_code == county_code]

    async def get_case(self, _: Any, application_id: uuid.UUID, *, lock: bool) -> Case | None:
        return self.cases.get(application_id)

    async def save_case(self, _: Any, case: Case) -> None:
        self.cases[case.application_id] = case

    async def add_change(self, _: Any, req: ChangeRequest) -> None:
        self.change_requests[req.change_id] = req

    async def get_change(
        self, _: Any, change_id: uuid.UUID, lock: bool = False
    ) -> ChangeRequest | None:
        return self.change_requests.get(change_id)

    async def decide_change(self, _: Any, req: ChangeRequest) -> None:
        assert self.change_requests[req.change_id].state is ChangeState.PENDING
        self.change_requests[req.change_id] = req

    async def save_services(self, _: Any, after: Recipient) -> None:
        assert self.by_id[after.recipient_id].services_version == after.services_version - 1
        self.by_id[after.recipient_id] = after

    async def add_recipient(self, _: Any, r: Recipient, *, event_id: uuid.UUID) -> None:
        assert await self.open_recipient_of(None, r.person_id) is None  # the partial unique index
        self.by_id[r.recipient_id] = r

    async def add_assessment(
        self, _: Any, r: Recipient, a: NeedAssessment, *, by: str, at: datetime
    ) -> None:
        self.assessments[r.application_id] = a

    async def add_emergency(self, _: Any, e: Emergency) -> None:
        self.emergencies[e.recipient_id] = e

    async def get_emergency(
        self, _: Any, recipient_id: uuid.UUID, lock: bool = False
    ) -> Emergency | None:
        return self.emergencies.get(recipient_id)

    async def emergency_of_application(
        self, _: Any, application_id: uuid.UUID, lock: bool = False
    ) -> Emergency | None:
        found = [e for e in self.emergencies.values() if e.application_id == application_id]
        return found[0] if found else None

    async def save_emergency(self, _: Any, e: Emergency) -> None:
        assert self.emergencies[e.recipient_id].state is EmergencyState.OPEN
        self.emergencies[e.recipient_id] = e

    async def emergencies_due(self, _: Any, now: datetime, *, limit: int) -> list[uuid.UUID]:
        due = [
            e
            for e in self.emergencies.values()
            if e.state is EmergencyState.OPEN and e.deadline_at <= now
        ]
        return [e.recipient_id for e in sorted(due, key=lambda e: e.deadline_at)][:limit]


LIVING = (
    "catalogue_versions",
    "get_case",
    "save_case",
    "add_change",
    "get_change",
    "decide_change",
    "save_services",
    "add_recipient",
    "add_assessment",
    "add_emergency",
    "get_emergency",
    "emergency_of_application",
    "save_emergency",
    "emergencies_due",
)


def use_living_fakes(monkeypatch: pytest.MonkeyPatch, registry: LivingRegistry) -> None:
    """Points every repository function the use cases of issue 20 call at ``registry``."""
    use_fake_repositories(monkeypatch, registry)
    for name in LIVING:
        monkeypatch.setattr(repository, name, getattr(registry, name))
