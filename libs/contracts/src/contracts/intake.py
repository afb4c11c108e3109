"""Events intake publishes on ``intake.applications.v1`` (steps 1-2: application, registration).

Names and ID numbers stay in intake; events carry the ``person_id`` intake assigned.
"""

from __future__ import annotations

import uuid
from typing import ClassVar, Literal, Self

from pydantic import Field, model_validator

from contracts import topics
from contracts.enums import Channel, RecipientCategory, ServiceCategory, SpecialCondition
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
from contracts.reasons import WithdrawalReason


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


EVENTS = (ApplicationSubmitted, ApplicationRegistered, ApplicationWithdrawn, DiscoveryReported)
