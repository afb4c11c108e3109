"""Messages over HTTP, the same in every service that sends them: a county's channel, a
person's preference, the staff list of messages, and the gateway's delivery receipts."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, time
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    AnyHttpUrl,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    SecretStr,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from civic.notify.rules import ChannelKind, MessageState, Purpose

TemplateCode = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
#: A mainland phone number (mobile or landline with area code).
Phone = Annotated[str, StringConstraints(pattern=r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")]
OpenId = Annotated[str, Field(min_length=6, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


def _refused(code: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(code, message, {"reason_code": code, "message_zh": message})


def _storable(value: str) -> str:
    # Sealed text hides U+0000 from PostgreSQL, which refused it in clear: refused here.
    if "\x00" in value:
        raise _refused("invalid_character", "内容含有无法保存的字符（U+0000），未作任何保存")
    return value


#: Text the service seals at rest: refused with U+0000, as stored text was.
Sealed = AfterValidator(_storable)


class Request(BaseModel):
    """Base of request bodies: unknown fields are refused (no mass assignment)."""

    model_config = ConfigDict(extra="forbid")


class ChannelBody(Request):
    """How a county reaches people's phones."""

    kind: ChannelKind = Field(description="sms (an SMS gateway's API) or wechat (templates).")
    endpoint_url: AnyHttpUrl = Field(description="Where messages are posted.")
    templates: dict[Purpose, TemplateCode] = Field(
        min_length=1, description="The template code (or WeChat template_id) of each purpose."
    )
    secret: SecretStr | None = Field(
        default=None,
        min_length=16,
        max_length=200,
        description="Signs what is sent and authenticates receipts; write-only (blank: kept).",
    )


class ChannelRead(BaseModel):
    """A county's channel (the secret is never shown)."""

    county_code: str = Field(description="County.")
    kind: str = Field(description="sms or wechat.")
    endpoint_url: str = Field(description="Where messages are posted.")
    templates: dict[str, str] = Field(description="Template of each purpose.")
    secret_set: bool = Field(description="Whether a secret is set.")


def _clock_time(value: object) -> object:
    if isinstance(value, str):
        if not _HH_MM.fullmatch(value):
            raise ValueError("time of day as HH:MM (Chizhou time), e.g. 22:00")
        return time(int(value[:2]), int(value[3:]))
    return value


_HH_MM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
#: A time of day in Chizhou, written HH:MM both ways (JSON Schema's "time" format wants an
#: offset, which a quiet hour in the person's own town has no use for).
ClockTime = Annotated[
    time,
    BeforeValidator(_clock_time),
    PlainSerializer(lambda value: value.strftime("%H:%M"), return_type=str),
    WithJsonSchema({"type": "string", "pattern": f"^{_HH_MM.pattern}$", "examples": ["22:00"]}),
]


class PreferenceBody(Request):
    """How one person is reached, and when not (quiet hours, Chizhou time)."""

    division_code: str = Field(
        pattern=r"^\d{6}(\d{3}(\d{3})?)?$", description="Where the person serves or lives."
    )
    kind: ChannelKind = Field(description="sms or wechat.")
    phone: Annotated[Phone, Sealed] | None = Field(default=None, description="For sms.")
    openid: Annotated[OpenId, Sealed] | None = Field(default=None, description="For wechat.")
    quiet_start: ClockTime | None = Field(default=None, description="Quiet from (e.g. 22:00).")
    quiet_end: ClockTime | None = Field(default=None, description="Quiet until (e.g. 07:00).")

    @model_validator(mode="after")
    def _address_fits(self) -> Self:
        wanted = self.phone if self.kind is ChannelKind.SMS else self.openid
        if wanted is None:
            raise _refused("address_required", "短信须填写手机号，微信须填写 openid")
        if (self.quiet_start is None) != (self.quiet_end is None):
            raise _refused("quiet_hours_incomplete", "免打扰时段须同时填写开始和结束时间")
        return self

    @property
    def address(self) -> str:
        """The phone or openid the kind needs."""
        return (self.phone if self.kind is ChannelKind.SMS else self.openid) or ""


class PreferenceRead(BaseModel):
    """How one person is reached (the phone or openid is write-only, like a secret)."""

    user_id: str = Field(description="Login, contact or person id.")
    division_code: str = Field(description="Division.")
    kind: str = Field(description="sms or wechat.")
    address_set: bool = Field(description="Whether a phone or openid is held (never shown).")
    quiet_start: ClockTime | None = Field(description="Quiet from.")
    quiet_end: ClockTime | None = Field(description="Quiet until.")


class MessageRead(BaseModel):
    """One message: to whom, why, where it is, and its receipt."""

    message_id: uuid.UUID = Field(description="Message (the gateway's reference).")
    user_id: str = Field(description="To whom.")
    township_code: str = Field(description="Township.")
    purpose: str = Field(description="Why.")
    params: dict[str, str] = Field(description="Template values (village, short code).")
    state: MessageState = Field(description="pending, sent, delivered, undeliverable, failed.")
    kind: str | None = Field(description="Channel used.")
    attempts: int = Field(description="Attempts so far.")
    due_at: datetime = Field(description="Next attempt (pending).")
    last_error: str | None = Field(description="Why the last attempt failed.")
    sent_at: datetime | None = Field(description="Handed to the gateway.")
    failed_at: datetime | None = Field(description="Given up.")
    receipt_at: datetime | None = Field(description="Receipt time.")
    created_at: datetime = Field(description="Enqueued.")


class MessagePage(BaseModel):
    """One page of messages."""

    items: list[MessageRead] = Field(description="The rows of this page.")
    total: int = Field(description="Rows in all pages.")
    page: int = Field(description="Page number, from 1.")
    size: int = Field(description="Rows per page (at most 100).")


class ReceiptBody(BaseModel):
    """A gateway's delivery receipt (signed with the channel's secret)."""

    reference: uuid.UUID = Field(description="The message id sent as reference.")
    status: Literal["delivered", "undeliverable"] = Field(description="What became of it.")
    at: AwareDatetime = Field(description="When.")


#: Examples shown in each service's API documentation (valid bodies of the models above).
CHANNEL_EXAMPLES: dict[str, Any] = {
    "sms": {
        "summary": "短信网关",
        "value": {
            "kind": "sms",
            "endpoint_url": "https://sms.example.gov.cn/api/send",
            "templates": {"decision": "SMS_DECISION_1", "doorbell_alert": "SMS_ALERT_1"},
            "secret": "a-secret-of-at-least-16-chars",
        },
    }
}
PREFERENCE_EXAMPLES: dict[str, Any] = {
    "sms": {
        "summary": "短信，夜间免打扰",
        "value": {
            "division_code": "341702100201",
            "kind": "sms",
            "phone": "13805661234",
            "quiet_start": "21:00",
            "quiet_end": "08:00",
        },
    }
}
RECEIPT_EXAMPLES: dict[str, Any] = {
    "delivered": {
        "summary": "已送达",
        "value": {
            "reference": "6f1c1c3e-2f4b-4c55-9a43-3d2d8e1b7c10",
            "status": "delivered",
            "at": "2026-12-06T10:00:00+08:00",
        },
    }
}
