"""The love doorbell (爱心门铃) over HTTP: registration, presses, acknowledgements, duty lists."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import AwareDatetime, BaseModel, Field, field_validator
from pydantic_core import PydanticCustomError

from contracts.fields import UserId
from contracts.kinds import AlertChannel
from dispatch.schemas.common import Request


class DoorbellBody(Request):
    """A doorbell installed in a recipient's home."""

    device_id: str = Field(min_length=1, max_length=64, description="Device id at the gateway.")
    recipient_id: uuid.UUID = Field(description="The recipient living there.")
    helper_ids: list[uuid.UUID] = Field(
        min_length=1, max_length=10, description="The village's neighbour helpers to alert."
    )
    coordinator_user_id: UserId = Field(description="The village coordinator to alert.")
    coordinator_channel: AlertChannel = Field(
        default=AlertChannel.APP_PUSH, description="How to alert the coordinator."
    )


class DoorbellRead(BaseModel):
    """A registered doorbell."""

    device_id: str = Field(description="Device id.")
    recipient_id: uuid.UUID = Field(description="Recipient.")
    person_id: uuid.UUID = Field(description="The person living there.")
    village_code: str = Field(description="Village.")
    helper_ids: list[uuid.UUID] = Field(description="Helpers alerted.")
    coordinator_user_id: str = Field(description="Coordinator alerted.")


class PressBody(Request):
    """A press, as the device gateway reports it."""

    press_id: str = Field(min_length=1, max_length=64, description="Gateway's id of the press.")
    device_id: str = Field(min_length=1, max_length=64, description="The doorbell.")
    pressed_at: AwareDatetime = Field(description="Device time of the press.")


class Notice(BaseModel):
    """One notice sent for an alert."""

    user_id: str = Field(description="Who was alerted.")
    channel: AlertChannel = Field(description="How.")
    purpose: str = Field(description="alert (helpers, coordinator) or escalation (duty list).")


class Ack(BaseModel):
    """One acknowledgement."""

    user_id: str = Field(description="Who answered.")
    acknowledged_at: datetime = Field(description="When.")
    seconds_to_acknowledge: int = Field(description="Seconds after the press.")


class AlertRead(BaseModel):
    """An alert with everything that happened to it."""

    alert_id: uuid.UUID = Field(description="The alert.")
    device_id: str = Field(description="The doorbell.")
    village_code: str = Field(description="Village.")
    pressed_at: datetime = Field(description="Device time of the press.")
    received_at: datetime = Field(description="When the platform got it.")
    answer_by: datetime = Field(description="Escalated if nobody answers by then.")
    acknowledged_at: datetime | None = Field(description="First answer.")
    escalated_at: datetime | None = Field(description="When it went to the duty list.")
    escalation_level: int = Field(description="0, or the level reached.")
    notices: list[Notice] = Field(description="Every notice sent.")
    acks: list[Ack] = Field(description="Every acknowledgement.")


class AlertListed(BaseModel):
    """An alert in a township's list."""

    alert_id: uuid.UUID = Field(description="The alert.")
    device_id: str = Field(description="The doorbell.")
    village_code: str = Field(description="Village.")
    display_name: str | None = Field(description="The household's recipient, masked.")
    pressed_at: datetime = Field(description="Device time of the press.")
    received_at: datetime = Field(description="When the platform got it.")
    answer_by: datetime = Field(description="Escalated if nobody answers by then.")
    acknowledged_at: datetime | None = Field(description="First answer.")
    escalated_at: datetime | None = Field(description="When it went to the duty list.")
    escalation_level: int = Field(description="0, or the level reached.")


class DutyMember(BaseModel):
    """Someone on a township's duty list."""

    user_id: UserId = Field(description="Officer's login.")
    channel: AlertChannel = Field(default=AlertChannel.VOICE_CALL, description="How to alert.")


class DutyList(Request):
    """A township's duty list for escalated alerts."""

    members: list[DutyMember] = Field(
        max_length=20, description="Who to alert, in order (each person once)."
    )

    @field_validator("members")
    @classmethod
    def _each_once(cls, members: list[DutyMember]) -> list[DutyMember]:
        # The list is stored one row per person: a second entry was a 500 (unique key).
        users = [m.user_id for m in members]
        if len(set(users)) != len(users):
            message = "值班名单中同一人员只能出现一次"
            raise PydanticCustomError(
                "duplicate_value",
                message,
                {"reason_code": "duplicate_value", "message_zh": message},
            )
        return members
