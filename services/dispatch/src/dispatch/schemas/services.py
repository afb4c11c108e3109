"""Plans and service records over HTTP (providers), and what the township sees of them."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, Field, field_validator
from pydantic_core import PydanticCustomError

from contracts.dispatch.services import RecordCheck
from contracts.fields import ItemCode, Version
from contracts.values import Frequency
from dispatch.domain.workers import WorkerCheck
from dispatch.schemas.common import Request, Sealed


class PlannedItemBody(Request):
    """One planned item of an order."""

    order_id: uuid.UUID = Field(description="One of your orders.")
    item_code: ItemCode = Field(description="Catalogue item.")
    frequency: Frequency = Field(description="How often you plan to give it.")


class PlanBody(Request):
    """A service plan (服务方案) for one person, covering your orders for them."""

    plan_id: uuid.UUID = Field(description="Your id for the plan; a revision keeps it.")
    version: Version = Field(description="Revision number; a higher one replaces the plan.")
    items: list[PlannedItemBody] = Field(min_length=1, max_length=50, description="Items.")
    starts_on: date = Field(description="First day of the plan.")
    ends_on: date | None = Field(default=None, description="Last day, if fixed.")
    summary_zh: Annotated[str, Sealed] | None = Field(
        default=None, min_length=1, max_length=2000, description="The plan in words."
    )


class PlanRead(BaseModel):
    """A plan as the township sees it."""

    plan_id: uuid.UUID = Field(description="The plan.")
    version: int = Field(description="Revision.")
    provider_code: str = Field(description="Provider that made it.")
    starts_on: date = Field(description="First day.")
    ends_on: date | None = Field(description="Last day.")
    summary_zh: str | None = Field(description="The plan in words.")
    item_code: str = Field(description="Item planned for the order.")
    frequency: Frequency = Field(description="Planned frequency.")
    submitted_at: datetime = Field(description="When it was received.")


#: When a service can have been given: an instant the database can store whatever its offset
#: (``0001-01-01T00:00:00+08:00`` lies before the calendar in UTC and was a 500).
EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)


class RecordBody(Request):
    """One service given (服务开展情况记录)."""

    record_id: uuid.UUID = Field(description="Your id for the record; a retry is safe.")
    order_id: uuid.UUID = Field(description="The order it was given under.")
    item_code: ItemCode = Field(description="Item given.")
    quantity: int = Field(ge=1, le=1000, description="Units given, in the order's unit.")
    service_date: date = Field(description="Day of the service (Asia/Shanghai).")
    started_at: AwareDatetime = Field(description="Start (2000 to 2099).")
    ended_at: AwareDatetime = Field(description="End (2000 to 2099).")
    worker_ref: str = Field(min_length=1, max_length=64, description="Your staff member.")
    recipient_confirmed: bool = Field(description="The recipient signed or confirmed.")
    confirmation_ref: str | None = Field(
        default=None, min_length=1, max_length=128, description="Signature sheet or photo ref."
    )
    evidence_document_ids: list[uuid.UUID] = Field(
        default_factory=list, max_length=20, description="Evidence held by archive."
    )
    location: Annotated[str, Sealed] | None = Field(
        default=None, min_length=1, max_length=128, description="Where it was given."
    )

    @field_validator("started_at", "ended_at")
    @classmethod
    def _in_range(cls, value: datetime) -> datetime:
        if not EARLIEST <= value < LATEST:
            message = "服务时间须在 2000 年至 2099 年之间"
            raise PydanticCustomError(
                "time_out_of_range",
                message,
                {"reason_code": "time_out_of_range", "message_zh": message},
            )
        return value


class RecordBatch(Request):
    """A day's records, each judged on its own."""

    records: list[RecordBody] = Field(min_length=1, max_length=500, description="Records.")


class RecordOutcome(BaseModel):
    """Whether a record counts."""

    record_id: uuid.UUID = Field(description="The record.")
    accepted: bool = Field(description="True when it counts (ServiceDelivered).")
    check_code: RecordCheck | WorkerCheck | None = Field(
        description=(
            "The check it failed, if refused (worker_unregistered and worker_untrained are the "
            "worker register's: a record must name a registered, trained worker)."
        )
    )
    reason_zh: str | None = Field(description="Chinese reason, if refused.")


class BatchOutcome(BaseModel):
    """The outcome of each record of a batch."""

    accepted: int = Field(description="Records that count.")
    refused: int = Field(description="Records refused.")
    outcomes: list[RecordOutcome] = Field(description="One per record, in order.")
