"""Builders shared by review's tests: one application's events with consistent ids."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from contracts import divisions
from contracts.intake import ApplicationRegistered, ApplicationWithdrawn, CityStatusResolved
from contracts.samples import sample, sample_catalogue
from contracts.settlement import CatalogueVersionPublished
from contracts.survey import (
    CareNeed,
    PreliminaryReviewFailed,
    PreliminaryReviewPassed,
    SurveyCompleted,
)


@dataclass
class Story:
    """One application's events, with the same person, application, survey and village."""

    village_code: str = "341702100201"
    category: str = "dibao"
    conditions: tuple[str, ...] = ()
    registered_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    person_id: uuid.UUID = field(default_factory=uuid.uuid4)
    application_id: uuid.UUID = field(default_factory=uuid.uuid4)
    household_id: uuid.UUID = field(default_factory=uuid.uuid4)
    survey_id: uuid.UUID = field(default_factory=uuid.uuid4)
    #: Set once the case is approved (integration tests' ``admitted``).
    recipient_id: uuid.UUID | None = None

    @property
    def township_code(self) -> str:
        """The village's township."""
        return self.village_code[:9]

    @property
    def county_code(self) -> str:
        """The village's county."""
        return self.village_code[:6]

    def catalogue(self, **options: Any) -> CatalogueVersionPublished:
        """The demo catalogue of the village's county (options as ``sample_catalogue``'s)."""
        return sample_catalogue(self.county_code, **options)

    def _ids(self) -> dict[str, Any]:
        return {"person_id": self.person_id, "application_id": self.application_id}

    def _survey(self, version: int, after: timedelta) -> dict[str, Any]:
        at = self.registered_at + after
        return {**self._ids(), "survey_id": self.survey_id, "version": version, "occurred_at": at}

    def registered(self, **overrides: Any) -> ApplicationRegistered:
        """intake registered the application (version 2)."""
        values = {
            **self._ids(),
            "household_id": self.household_id,
            "version": 2,
            "occurred_at": self.registered_at,
            "category": self.category,
            "special_conditions": self.conditions,
            "requested_item_codes": ("LC-03", "CL-01"),
            "need_categories": ("life_care", "cleaning"),
            "county_code": divisions.county_of(self.village_code),
            "township_code": self.township_code,
            "village_code": self.village_code,
            "household_size": 2,
            "display_name": "张*三",
            "registered_by": "u-window-01",
        }
        return sample(ApplicationRegistered, **{**values, **overrides})

    def completed(self, **overrides: Any) -> SurveyCompleted:
        """The survey team recorded its findings (survey version 2)."""
        values = {
            **self._survey(2, timedelta(days=3)),
            "self_care_level": "moderate",
            "confirmed_conditions": self.conditions,
            "care_needs": (CareNeed(service_category="life_care", item_codes=("LC-03",)),),  # type: ignore[arg-type]
            "lives_alone": True,
            "has_caregiver": False,
            "household_size": 2,
            "identity_verified": True,
        }
        return sample(SurveyCompleted, **{**values, **overrides})

    def passed(self, **overrides: Any) -> PreliminaryReviewPassed:
        """初审 passed (survey version 3) with a recommendation matching the application."""
        values = {
            **self._survey(3, timedelta(days=4)),
            "recommended_category": self.category,
            "recommended_conditions": self.conditions,
            "recommended_item_codes": ("LC-03", "CL-01"),
            "recommended_modes": ("government_purchase",),
        }
        return sample(PreliminaryReviewPassed, **{**values, **overrides})

    def failed(self, **overrides: Any) -> PreliminaryReviewFailed:
        """初审 failed (survey version 3)."""
        values = {
            **self._survey(3, timedelta(days=4)),
            "reason_code": "special_condition_not_confirmed",
            "reason_zh": "未见重病证明",
        }
        return sample(PreliminaryReviewFailed, **{**values, **overrides})

    def withdrawn(self, **overrides: Any) -> ApplicationWithdrawn:
        """The applicant withdrew (application version 3)."""
        values = {
            **self._ids(),
            "version": 3,
            "occurred_at": self.registered_at + timedelta(days=5),
            "reason_code": "applicant_request",
        }
        return sample(ApplicationWithdrawn, **{**values, **overrides})

    def city_report(self, status: str, day: str = "2024-07-01", **more: Any) -> CityStatusResolved:
        """What intake publishes for one city report about the person; a fresh event id every time."""
        case_id = f"CZ-{self.person_id.hex[:8]}"
        values = {
            "person_id": self.person_id,
            "case_id": case_id,
            "external_reference": f"{case_id}:{status}:{day}",
            "status": status,
            "category": "dibao",
            "effective_date": date.fromisoformat(day),
            "city_reason_code": "SW01" if status == "deceased" else "TB01",
            "reason_zh": "市救助系统报告",
            "county_code": self.county_code,
            "township_code": self.township_code,
            "village_code": self.village_code,
        }
        return sample(CityStatusResolved, **{**values, **more})


@pytest.fixture
def story() -> Callable[..., Story]:
    """Builds a Story: ``story(category="dibao_marginal", conditions=("seriously_ill",))``."""
    return Story


@pytest.fixture
def catalogue() -> Callable[..., CatalogueVersionPublished]:
    """Builds a catalogue version of the demo items."""
    return sample_catalogue
