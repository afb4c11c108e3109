"""Events the city's social-assistance system publishes to us on ``assistance.status.v1``.

The city system does not know our ``person_id``; it identifies the person by the resident ID
number. This is the only topic that carries one: intake, the one service allowed to hold ID
numbers, resolves it to a ``person_id`` and forwards only ids and codes (CityStatusResolved).
The Kafka key is the city system's own case id.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar, Literal, Self

from pydantic import Field, model_validator

from contracts import topics
from contracts.enums import RecipientCategory, RecipientStatus
from contracts.envelope import KeyedEvent
from contracts.fields import CountyCode, ReasonZh, TownshipCode, VillageCode
from contracts.resident_id import ResidentIdNumber


class AssistanceStatusReported(KeyedEvent):
    """The city's assistance system reported a person's material-assistance status."""

    TOPIC: ClassVar[str] = topics.ASSISTANCE_STATUS_INBOUND
    KEY_FIELD: ClassVar[str] = "case_id"

    event_type: Literal["assistance.AssistanceStatusReported"] = Field(
        default="assistance.AssistanceStatusReported", description="Event name."
    )
    producer: Literal["assistance"] = Field(
        default="assistance", description="Always assistance (the city's system)."
    )
    case_id: str = Field(
        min_length=1, max_length=64, description="The city system's case id; also the Kafka key."
    )
    id_number: ResidentIdNumber = Field(
        description="Resident ID number (GB 11643) of the person; never forwarded by intake."
    )
    person_id: uuid.UUID | None = Field(
        default=None, description="Our person id, when the city system already holds it."
    )
    status: RecipientStatus = Field(
        description="Status in the city system; active means newly admitted (新纳入)."
    )
    category: RecipientCategory = Field(description="Assistance category in the city system.")
    previous_category: RecipientCategory | None = Field(
        default=None, description="For a category change: the category before."
    )
    effective_date: date = Field(description="Day from which the status applies.")
    reason_code: str = Field(
        min_length=1, max_length=32, description="The city system's own reason code."
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
    def _transfer_has_place(self) -> Self:
        if self.status is RecipientStatus.TRANSFERRED and self.township_code is None:
            raise ValueError("a transfer needs the new township code")
        return self


EVENTS = (AssistanceStatusReported,)
