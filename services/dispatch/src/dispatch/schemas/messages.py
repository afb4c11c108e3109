"""Messages to people's phones over HTTP: a county's channel, a person's preference, the
staff list of messages, and the gateway's delivery receipts."""

from __future__ import annotations

import uuid
from datetime import datetime, time
from typing import Annotated, Literal, Self

from pydantic import AnyHttpUrl, AwareDatetime, BaseModel, Field, SecretStr, model_validator
from pydantic_core import PydanticCustomError

from civic.notify.rules import ChannelKind, MessageState, Purpose
from dispatch.schemas.common import Phone, Request, Sealed

TemplateCode = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
OpenId = Annotated[str, Field(min_length=6, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


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


class PreferenceBody(Request):
    """How one person is reached, and when not (quiet hours, Chizhou time)."""

    division_code: str = Field(
        pattern=r"^\d{6}(\d{3}(\d{3})?)?$", description="Where the person serves or lives."
    )
    kind: ChannelKind = Field(description="sms or wechat.")
    phone: Annotated[Phone, Sealed] | None = Field(default=None, description="For sms.")
    openid: Annotated[OpenId, Sealed] | None = Field(default=None, description="For wechat.")
    quiet_start: time | None = Field(default=None, description="Quiet from (e.g. 22:00).")
    quiet_end: time | None = Field(default=None, description="Quiet until (e.g. 07:00).")

    @model_validator(mode="after")
    def _address_fits(self) -> Self:
        wanted = self.phone if self.kind is ChannelKind.SMS else self.openid
        if wanted is None:
            message = "短信须填写手机号，微信须填写 openid"
            context = {"reason_code": "address_required", "message_zh": message}
            raise PydanticCustomError("address_required", message, context)
        if (self.quiet_start is None) != (self.quiet_end is None):
            message = "免打扰时段须同时填写开始和结束时间"
            context = {"reason_code": "quiet_hours_incomplete", "message_zh": message}
            raise PydanticCustomError("quiet_hours_incomplete", message, context)
        return self

    @property
    def address(self) -> str:
        """The phone or openid the kind needs."""
        return (self.phone if self.kind is ChannelKind.SMS else self.openid) or ""


class PreferenceRead(BaseModel):
    """How one person is reached (the phone or openid is write-only, like a secret)."""

    user_id: str = Field(description="Login or contact id.")
    division_code: str = Field(description="Division.")
    kind: str = Field(description="sms or wechat.")
    address_set: bool = Field(description="Whether a phone or openid is held (never shown).")
    quiet_start: time | None = Field(description="Quiet from.")
    quiet_end: time | None = Field(description="Quiet until.")


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


class ReceiptBody(BaseModel):
    """A gateway's delivery receipt (signed with the channel's secret)."""

    reference: uuid.UUID = Field(description="The message id sent as reference.")
    status: Literal["delivered", "undeliverable"] = Field(description="What became of it.")
    at: AwareDatetime = Field(description="When.")
