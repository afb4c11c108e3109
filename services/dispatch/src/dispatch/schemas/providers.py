"""The provider registry over HTTP (county officers)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, Self

from pydantic import BaseModel, Field, StringConstraints, field_validator, model_validator
from pydantic_core import PydanticCustomError

from contracts.enums import ProviderType, ServiceCategory, ServiceMode
from contracts.fields import DivisionCode, ItemCode, ProviderCode
from contracts.reasons import ProviderSuspensionReason
from dispatch.schemas.common import Phone, Request, Sealed, TextZh

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class ContactPerson(BaseModel):
    """Someone at the provider the township can call."""

    name_zh: Annotated[Name, Sealed] = Field(description="Name of the contact person.")
    phone: Phone = Field(description="Phone number.")
    role_zh: Annotated[TextZh, Sealed] | None = Field(
        default=None, description="Role, e.g. 负责人."
    )


class QualificationIn(BaseModel):
    """A qualification (资质) and its validity."""

    name_zh: Name = Field(description="Kind of qualification, e.g. 民办非企业单位登记证书.")
    number: Name = Field(description="Certificate number.")
    valid_from: date = Field(description="First valid day.")
    valid_until: date = Field(description="Last valid day.")

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.valid_until < self.valid_from:
            raise ValueError("valid_until is before valid_from")
        return self


class _Offer(Request):
    """What a provider offers and where (shared by create and update)."""

    areas: list[DivisionCode] | None = Field(
        default=None, min_length=1, description="Townships (9 digits) and villages (12) served."
    )
    item_codes: list[ItemCode] | None = Field(
        default=None, min_length=1, description="Catalogue items offered."
    )
    modes: list[ServiceMode] | None = Field(
        default=None, min_length=1, description="Service modes it works in."
    )
    capacity: int | None = Field(
        default=None, ge=1, le=100_000, description="Open orders it can carry at once."
    )
    qualification: QualificationIn | None = Field(default=None, description="Its qualification.")
    agreement_ends_on: date | None = Field(default=None, description="End of its agreement.")
    contacts: list[ContactPerson] | None = Field(
        default=None, min_length=1, max_length=10, description="Contact people."
    )
    name_zh: Name | None = Field(default=None, description="Organisation name.")


class ProviderCreate(_Offer):
    """A provider to admit to the registry."""

    code: ProviderCode = Field(description="Short code; names its Kafka topics. Never changes.")
    provider_type: ProviderType = Field(description="Kind of provider.")
    credit_code: str | None = Field(
        default=None, pattern=r"^[0-9A-Z]{18}$", description="Unified social credit code."
    )
    name_zh: Name = Field(description="Organisation name (a masked name for a volunteer).")
    areas: list[DivisionCode] = Field(min_length=1, description="Townships and villages served.")
    item_codes: list[ItemCode] = Field(min_length=1, description="Catalogue items offered.")
    modes: list[ServiceMode] = Field(min_length=1, description="Service modes it works in.")
    capacity: int = Field(ge=1, le=100_000, description="Open orders it can carry at once.")
    qualification: QualificationIn = Field(description="Its qualification.")
    contacts: list[ContactPerson] = Field(min_length=1, max_length=10, description="Contacts.")


class ProviderUpdate(_Offer):
    """Changes to a provider; fields left out keep their value."""

    @field_validator("name_zh", "capacity")
    @classmethod
    def _not_cleared(cls, value: Any) -> Any:
        # A provider always has a name and a capacity: an explicit null was a 500 (NOT NULL).
        if value is None:
            message = "该项不能清空；不修改时请不要传这一项"
            raise PydanticCustomError(
                "cannot_be_cleared",
                message,
                {"reason_code": "cannot_be_cleared", "message_zh": message},
            )
        return value


class ProviderSuspend(Request):
    """Why and from when a provider is suspended."""

    reason_code: ProviderSuspensionReason = Field(description="Why it is suspended.")
    reason_zh: TextZh | None = Field(default=None, description="Short Chinese note.")
    effective_date: date | None = Field(default=None, description="From when (default today).")


class ProviderTopics(BaseModel):
    """The provider's own Kafka topics."""

    orders: str = Field(description="Where it reads its orders.")
    replies: str = Field(description="Where it may answer.")


class ProviderRead(BaseModel):
    """A provider as the registry holds it."""

    provider_id: uuid.UUID = Field(description="Provider id.")
    code: str = Field(description="Provider code.")
    name_zh: str = Field(description="Name.")
    provider_type: ProviderType = Field(description="Kind of provider.")
    credit_code: str | None = Field(description="Unified social credit code.")
    county_code: str = Field(description="County that admitted it.")
    status: str = Field(description="active or suspended.")
    version: int = Field(description="Version of the record.")
    capacity: int = Field(description="Open orders it can carry.")
    township_codes: list[str] = Field(description="Townships served whole.")
    village_codes: list[str] = Field(description="Villages served.")
    item_codes: list[str] = Field(description="Items offered.")
    modes: list[ServiceMode] = Field(description="Modes.")
    service_categories: list[ServiceCategory] = Field(description="Categories of its items.")
    qualification: QualificationIn = Field(description="Qualification.")
    agreement_ends_on: date | None = Field(description="End of agreement.")
    contacts: list[ContactPerson] = Field(description="Contacts.")
    suspension_reason_code: str | None = Field(description="Why suspended, if it is.")
    suspended_from: date | None = Field(description="Suspended since.")
    topics: ProviderTopics = Field(description="Its Kafka topics.")


class BusCredentials(BaseModel):
    """Everything a provider's software needs to join the bus (the password is shown once)."""

    bootstrap_servers: str = Field(description="Kafka address, host:port[,host:port].")
    security_protocol: str = Field(default="SASL_SSL", description="Always SASL_SSL.")
    sasl_mechanism: str = Field(default="SCRAM-SHA-512", description="Always SCRAM-SHA-512.")
    ca_certificate_pem: str = Field(description="The platform CA to trust (PEM).")
    username: str = Field(description="The provider's Kafka user, provider-<code>.")
    password: str = Field(description="Its password: store it now, it is not shown again.")
    orders_topic: str = Field(description="Read your orders here (and nothing else).")
    replies_topic: str = Field(description="Write your answers here (and nowhere else).")
    consumer_group_prefix: str = Field(description="Your consumer groups must start with this.")
