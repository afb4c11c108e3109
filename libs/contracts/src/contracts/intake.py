"""Events intake publishes on ``intake.applications.v1`` (steps 1-2: application, registration).

Names and ID numbers stay in intake; events carry the ``person_id`` intake assigned.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar, Literal, Self

from pydantic import Field, model_validator

from contracts import topics
from contracts.enums import (
    Channel,
    RecipientCategory,
    RecipientStatus,
    SelfCareLevel,
    ServiceCategory,
    SpecialCondition,
)
from contracts.envelope import PersonEvent
from contracts.fields import (
    CountyCode,
    ItemCode,
    MaskedName,
    ReasonZh,
    TownshipCode,
    UserId,
    Version,
    VillageCode,
    check_division_chain,
)
from contracts.privacy import looks_like_id_number, looks_like_phone
from contracts.reasons import WithdrawalReason
from contracts.values import ApprovedItem


class IntakeEvent(PersonEvent):
    """Base of intake's events."""

    TOPIC: ClassVar[str] = topics.INTAKE_APPLICATIONS

    producer: Literal["intake"] = Field(default="intake", description="Always intake.")


class _ApplicationFacts(IntakeEvent):
    """What downstream needs to know about an application; no name, no ID number."""

    application_id: uuid.UUID = Field(description="The application.")
    household_id: uuid.UUID = Field(description="The household (户) the person belongs to.")
    version: Version = Field(description="Version of the application; increases on every change.")
    channel: Channel = Field(description="How the application arrived.")
    category: RecipientCategory = Field(description="Assistance category claimed.")
    special_conditions: tuple[SpecialCondition, ...] = Field(
        default=(),
        description="Special conditions claimed (needed for the conditional categories).",
    )
    requested_item_codes: tuple[ItemCode, ...] = Field(
        default=(), description="Catalogue items asked for."
    )
    need_categories: tuple[ServiceCategory, ...] = Field(
        min_length=1, description="Service categories the need is classified under."
    )
    county_code: CountyCode = Field(description="County-level division of residence.")
    township_code: TownshipCode = Field(description="Township/street of residence.")
    village_code: VillageCode = Field(description="Village/community of residence.")
    household_size: int = Field(ge=1, le=50, description="Number of people in the household.")

    @model_validator(mode="after")
    def _divisions_nest(self) -> Self:
        check_division_chain(self.county_code, self.township_code, self.village_code)
        return self


class ApplicationSubmitted(_ApplicationFacts):
    """An application for service aid was submitted (or opened from a coordinator's discovery)."""

    event_type: Literal["intake.ApplicationSubmitted"] = Field(
        default="intake.ApplicationSubmitted", description="Event name."
    )


class ApplicationRegistered(_ApplicationFacts):
    """The township accepted and registered an application, classified by need (受理登记)."""

    event_type: Literal["intake.ApplicationRegistered"] = Field(
        default="intake.ApplicationRegistered", description="Event name."
    )
    registered_by: UserId = Field(description="Township officer who registered it.")
    display_name: MaskedName = Field(
        description="Masked name for lists and publicity (e.g. 张*三); never the full name."
    )


class ApplicationWithdrawn(IntakeEvent):
    """An application was withdrawn before a decision."""

    event_type: Literal["intake.ApplicationWithdrawn"] = Field(
        default="intake.ApplicationWithdrawn", description="Event name."
    )
    application_id: uuid.UUID = Field(description="The application.")
    version: Version = Field(description="Version of the application after the withdrawal.")
    reason_code: WithdrawalReason = Field(description="Why it was withdrawn.")
    reason_zh: ReasonZh | None = Field(default=None, description="Short Chinese note, if any.")


class DiscoveryReported(IntakeEvent):
    """A village coordinator reported a person's need (主动发现); intake opened an application."""

    event_type: Literal["intake.DiscoveryReported"] = Field(
        default="intake.DiscoveryReported", description="Event name."
    )
    discovery_id: uuid.UUID = Field(description="The discovery report.")
    application_id: uuid.UUID = Field(
        description="Application opened for it; an ApplicationSubmitted with the same id follows."
    )
    reported_by: UserId = Field(description="Coordinator (协理员) who reported it.")
    category: RecipientCategory = Field(description="Assistance category the person is in.")
    special_conditions: tuple[SpecialCondition, ...] = Field(
        default=(), description="Special conditions observed."
    )
    need_categories: tuple[ServiceCategory, ...] = Field(
        min_length=1, description="Service categories needed."
    )
    county_code: CountyCode = Field(description="County-level division of residence.")
    township_code: TownshipCode = Field(description="Township/street of residence.")
    village_code: VillageCode = Field(description="Village/community of residence.")

    @model_validator(mode="after")
    def _divisions_nest(self) -> Self:
        check_division_chain(self.county_code, self.township_code, self.village_code)
        return self


class CityStatusResolved(IntakeEvent):
    """The city system's status report, its ID number resolved to our person_id (ids, codes)."""

    event_type: Literal["intake.CityStatusResolved"] = Field(
        default="intake.CityStatusResolved", description="Event name."
    )
    case_id: str = Field(min_length=1, max_length=64, description="The city system's case id.")
    external_reference: str = Field(
        min_length=1,
        max_length=100,
        description="`case_id:status:effective_date`; the same report sent twice has the same one.",
    )
    status: RecipientStatus = Field(
        description="Status in the city system; active means newly admitted (新纳入)."
    )
    category: RecipientCategory = Field(description="Assistance category in the city system.")
    previous_category: RecipientCategory | None = Field(
        default=None, description="For a category change: the category before."
    )
    effective_date: date = Field(description="Day from which the status applies.")
    city_reason_code: str = Field(
        min_length=1,
        max_length=32,
        description="The city system's own reason code, verbatim (not one of our reason codes).",
    )
    reason_zh: ReasonZh | None = Field(default=None, description="Short Chinese reason, if any.")
    county_code: CountyCode = Field(description="County-level division of residence.")
    township_code: TownshipCode | None = Field(
        default=None, description="Township/street of residence, if known."
    )
    village_code: VillageCode | None = Field(
        default=None, description="Village/community of residence, if known."
    )

    @model_validator(mode="after")
    def _no_personal_numbers_and_divisions_nest(self) -> Self:
        for text in (self.case_id, self.external_reference, self.city_reason_code, self.reason_zh):
            if text and (looks_like_id_number(text) or looks_like_phone(text)):
                raise ValueError("an ID or phone number must not travel in this event")
        check_division_chain(self.county_code, self.township_code, self.village_code)
        return self


class RecipientImported(IntakeEvent):
    """County IT loaded an existing recipient from the city system's roll at go-live (存量导入)."""

    # Review approves it as it approves a surveyed case (RecipientApproved with route
    # "import"), so files, service numbers, orders and boards follow the normal flow.

    event_type: Literal["intake.RecipientImported"] = Field(
        default="intake.RecipientImported", description="Event name."
    )
    application_id: uuid.UUID = Field(description="The application opened for the imported row.")
    household_id: uuid.UUID = Field(description="The household (户) the person belongs to.")
    import_id: uuid.UUID = Field(description="The import run that loaded the row.")
    category: RecipientCategory = Field(description="Assistance category on the existing roll.")
    special_conditions: tuple[SpecialCondition, ...] = Field(
        default=(), description="Special conditions on the roll."
    )
    self_care_level: SelfCareLevel | None = Field(
        default=None, description="Self-care level on the roll, if assessed."
    )
    approved_items: tuple[ApprovedItem, ...] = Field(
        min_length=1, description="Items the person already receives."
    )
    effective_date: date = Field(description="First day the services are given on this platform.")
    county_code: CountyCode = Field(description="County-level division of residence.")
    township_code: TownshipCode = Field(description="Township/street: the purchaser that pays.")
    village_code: VillageCode = Field(description="Village/community of residence.")
    household_size: int = Field(ge=1, le=50, description="Number of people in the household.")
    display_name: MaskedName = Field(description="Masked name for publicity (e.g. 张*三).")
    imported_by: UserId = Field(description="County IT user who ran the import.")

    @model_validator(mode="after")
    def _divisions_nest(self) -> Self:
        check_division_chain(self.county_code, self.township_code, self.village_code)
        return self


EVENTS = (
    ApplicationSubmitted,
    ApplicationRegistered,
    ApplicationWithdrawn,
    DiscoveryReported,
    CityStatusResolved,
    RecipientImported,
)
