"""Events the city's social-assistance system publishes to us on ``assistance.status.v2``.

The city system does not know our ``person_id``; it identifies the person by the resident ID
number. No topic carries one in clear (issue 16): the city seals it to intake's inbound
public key, bound to the report's event id, and only intake can open it. Intake, the one
service allowed to hold ID numbers, opens it as it reads the report, resolves it to a
``person_id`` and forwards only ids and codes (CityStatusResolved). The Kafka key is the city
system's own case id. ``assistance.status.v1`` carried the number in clear and is retired.

How to seal (the city's side; ``devstack.journeys.city.seal_id_number`` is a worked example):
HPKE (RFC 9180) base mode, single shot, suite DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 /
AES-128-GCM, to intake's inbound public key, plaintext the 18 characters of the ID number in
UTF-8, ``info`` = ``sealing_info(event_id)``; the field holds ``SEALED_PREFIX`` followed by
the base64url (no padding) of ``enc || ciphertext``.
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

#: What a sealed ID number starts with: the scheme above, version 1.
SEALED_PREFIX = "hpke1."


def sealing_info(event_id: uuid.UUID) -> bytes:
    """HPKE ``info`` of a report's sealed ID number: this field of this event, nothing else."""
    # The event id as canonical lower-case text, as it appears in the JSON.
    return f"assistance.status.v2/id_number/{event_id}".encode()


class StatusReport(KeyedEvent):
    """What every city status report says, whichever way the ID number travels."""

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


class AssistanceStatusReported(StatusReport):
    """The city's assistance system reported a person's material-assistance status."""

    TOPIC: ClassVar[str] = topics.ASSISTANCE_STATUS_INBOUND

    schema_version: Literal[2] = Field(
        default=2, description="2: the ID number travels sealed (v1 carried it in clear)."
    )
    sealed_id_number: str = Field(
        pattern=r"^hpke1\.[A-Za-z0-9_-]{64,512}$",
        description="The person's resident ID number (GB 11643), sealed to intake's inbound "
        "public key and bound to this event_id: `hpke1.` + base64url(enc || ciphertext) of "
        "HPKE (RFC 9180) base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, "
        "info `assistance.status.v2/id_number/<event_id>`. Only intake opens it; never "
        "forwarded.",
    )


EVENTS = (AssistanceStatusReported,)
