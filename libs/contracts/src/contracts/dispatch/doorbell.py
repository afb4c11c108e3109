"""Events dispatch publishes on ``dispatch.doorbell.v1``: the love doorbell (爱心门铃).

Append-only facts about one alert, keyed by ``person_id`` so they arrive in order.
"""

from __future__ import annotations

import uuid
from typing import ClassVar, Literal

from pydantic import AwareDatetime, Field

from contracts import topics
from contracts.envelope import PersonEvent
from contracts.fields import ActingRole, TownshipCode, UserId, VillageCode
from contracts.kinds import AlertChannel


class DoorbellEvent(PersonEvent):
    """Base of the love-doorbell events."""

    TOPIC: ClassVar[str] = topics.DISPATCH_DOORBELL

    producer: Literal["dispatch"] = Field(default="dispatch", description="Always dispatch.")
    alert_id: uuid.UUID = Field(description="The alert raised by one press.")


class DoorbellPressed(DoorbellEvent):
    """A person living alone pressed their love doorbell."""

    event_type: Literal["dispatch.DoorbellPressed"] = Field(
        default="dispatch.DoorbellPressed", description="Event name."
    )
    device_id: str = Field(min_length=1, max_length=64, description="The doorbell device.")
    village_code: VillageCode = Field(description="Village/community of the home.")
    pressed_at: AwareDatetime = Field(description="When the button was pressed (device time).")


class AlertSent(DoorbellEvent):
    """The alert went out to the person's neighbour helpers."""

    event_type: Literal["dispatch.AlertSent"] = Field(
        default="dispatch.AlertSent", description="Event name."
    )
    helper_ids: tuple[UserId, ...] = Field(min_length=1, description="Helpers alerted.")
    channels: tuple[AlertChannel, ...] = Field(min_length=1, description="Channels used.")


class AlertAcknowledged(DoorbellEvent):
    """A helper answered the alert."""

    event_type: Literal["dispatch.AlertAcknowledged"] = Field(
        default="dispatch.AlertAcknowledged", description="Event name."
    )
    acknowledged_by: UserId = Field(description="Helper who answered.")
    seconds_to_acknowledge: int = Field(ge=0, description="Seconds from the press to the answer.")


class AlertEscalated(DoorbellEvent):
    """Nobody answered in time; the alert went up a level."""

    event_type: Literal["dispatch.AlertEscalated"] = Field(
        default="dispatch.AlertEscalated", description="Event name."
    )
    level: int = Field(ge=1, description="Escalation level reached (1 = first escalation).")
    escalated_to: ActingRole = Field(description="Role alerted now.")
    notified_ids: tuple[UserId, ...] = Field(
        default=(), description="Users on the duty list who were alerted."
    )
    township_code: TownshipCode | None = Field(
        default=None, description="Township/street whose duty list was alerted."
    )


EVENTS = (DoorbellPressed, AlertSent, AlertAcknowledged, AlertEscalated)
