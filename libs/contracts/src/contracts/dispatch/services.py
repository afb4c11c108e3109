"""Events dispatch publishes on ``dispatch.services.v1``: validated service records (step 6)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar, Literal, Self

from pydantic import AwareDatetime, Field, model_validator

from contracts import topics
from contracts.enums import FeeUnit, FundingSource, ServiceCategory, ServiceMode
from contracts.envelope import PersonEvent
from contracts.fields import (
    CountyCode,
    ItemCode,
    ProviderCode,
    ReasonZh,
    TownshipCode,
    UserId,
    VillageCode,
    check_division_chain,
)
from contracts.labels import ZhEnum, zh_labels
from contracts.reasons import RecordRefusalReason
from contracts.values import Frequency, Value


@zh_labels(
    {
        "order_unknown": "服务订单不存在或不属于本服务供给主体",
        "order_not_active": "服务订单未生效或已停止",
        "item_not_in_order": "非订单服务事项",
        "outside_order_period": "服务日期超出服务期限",
        "time_in_future": "服务时间晚于当前时间",
        "date_mismatch": "服务日期与开始时间不一致",
        "worker_overlap": "同一服务人员的服务时间重叠",
        "missing_confirmation": "缺少服务对象确认",
        "record_id_taken": "记录编号已被其他记录使用",
        "order_paused": "服务订单已暂停(服务对象暂停救助)",
        "order_cancelled": "服务订单已终止",
        "recipient_ended": "服务日期在服务对象停止救助(或死亡)之日及以后",
    }
)
class RecordCheck(ZhEnum):
    """The exact check a refused service record failed (finer than ``reason_code``)."""

    ORDER_UNKNOWN = "order_unknown"
    ORDER_NOT_ACTIVE = "order_not_active"
    ITEM_NOT_IN_ORDER = "item_not_in_order"
    OUTSIDE_ORDER_PERIOD = "outside_order_period"
    TIME_IN_FUTURE = "time_in_future"
    DATE_MISMATCH = "date_mismatch"
    WORKER_OVERLAP = "worker_overlap"
    MISSING_CONFIRMATION = "missing_confirmation"
    RECORD_ID_TAKEN = "record_id_taken"
    ORDER_PAUSED = "order_paused"
    ORDER_CANCELLED = "order_cancelled"
    RECIPIENT_ENDED = "recipient_ended"


class ServiceRecordEvent(PersonEvent):
    """Base of the service-record events."""

    TOPIC: ClassVar[str] = topics.DISPATCH_SERVICES

    producer: Literal["dispatch"] = Field(default="dispatch", description="Always dispatch.")
    record_id: uuid.UUID = Field(description="The provider's service record.")
    order_id: uuid.UUID = Field(description="The order it was given under.")
    provider_id: uuid.UUID = Field(description="The provider.")
    provider_code: ProviderCode = Field(description="The provider's code.")


class ServiceDelivered(ServiceRecordEvent):
    """A service record passed validation: the service counts and may be billed."""

    event_type: Literal["dispatch.ServiceDelivered"] = Field(
        default="dispatch.ServiceDelivered", description="Event name."
    )
    recipient_id: uuid.UUID = Field(description="The recipient served.")
    item_code: ItemCode = Field(description="Catalogue item delivered.")
    service_category: ServiceCategory = Field(description="Category of the item.")
    mode: ServiceMode = Field(description="Service mode.")
    funding_source: FundingSource = Field(description="The fund that pays for it.")
    unit: FeeUnit = Field(description="Unit the quantity is counted in.")
    quantity: int = Field(ge=1, description="Number of units delivered (visits, hours, meals...).")
    service_date: date = Field(description="Day the service was given.")
    county_code: CountyCode = Field(description="County-level division of the recipient.")
    township_code: TownshipCode = Field(description="Township/street: the purchaser that pays.")
    village_code: VillageCode = Field(description="Village/community of the recipient.")
    worker_ref: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="The provider's own reference for the worker (for spot checks).",
    )
    started_at: AwareDatetime | None = Field(default=None, description="When the service started.")
    ended_at: AwareDatetime | None = Field(default=None, description="When the service ended.")

    @model_validator(mode="after")
    def _divisions_nest(self) -> Self:
        check_division_chain(self.county_code, self.township_code, self.village_code)
        return self


class ServiceRecordRefused(ServiceRecordEvent):
    """A provider's service record was refused; it does not count and is not paid."""

    event_type: Literal["dispatch.ServiceRecordRefused"] = Field(
        default="dispatch.ServiceRecordRefused", description="Event name."
    )
    reason_code: RecordRefusalReason = Field(description="Why it was refused.")
    reason_zh: ReasonZh = Field(description="Chinese reason for the provider's staff.")
    check_code: RecordCheck | None = Field(
        default=None,
        description=(
            "The exact check that failed, finer than reason_code. Open: a later version adds "
            "checks (the worker register's), so tolerate a code you do not know."
        ),
        json_schema_extra={"x-open-enum": True},
    )


class NeighbourServiceRecorded(PersonEvent):
    """A village recorded services a trained neighbour gave (邻里互助), for the yearly subsidy."""

    TOPIC: ClassVar[str] = topics.DISPATCH_SERVICES

    event_type: Literal["dispatch.NeighbourServiceRecorded"] = Field(
        default="dispatch.NeighbourServiceRecorded", description="Event name."
    )
    producer: Literal["dispatch"] = Field(default="dispatch", description="Always dispatch.")
    record_id: uuid.UUID = Field(description="The village's record of the services.")
    helper_id: uuid.UUID = Field(description="The neighbour helper who served.")
    recipient_id: uuid.UUID = Field(description="The recipient served.")
    service_date: date = Field(description="Day of the services.")
    count: int = Field(ge=1, le=50, description="Number of services given that day.")
    item_code: ItemCode | None = Field(default=None, description="Catalogue item, if one fits.")
    county_code: CountyCode = Field(description="County-level division of the village.")
    township_code: TownshipCode = Field(description="Township/street that pays the subsidy.")
    village_code: VillageCode = Field(description="Village/community that recorded it.")
    recorded_by: UserId = Field(description="Village staff member or coordinator who recorded it.")

    @model_validator(mode="after")
    def _divisions_nest(self) -> Self:
        check_division_chain(self.county_code, self.township_code, self.village_code)
        return self


class PlannedService(Value):
    """One item of a service plan: the order it serves and how often."""

    order_id: uuid.UUID = Field(description="The order the item is given under.")
    item_code: ItemCode = Field(description="Catalogue item.")
    frequency: Frequency = Field(description="How often the provider plans to give it.")


class ServicePlanRecorded(PersonEvent):
    """Dispatch recorded a provider's service plan (服务方案) for one person, new or revised."""

    # What the plan schedules, not the provider's free-text summary (it may describe the
    # person's health): that stays in dispatch, where the township reads it.
    TOPIC: ClassVar[str] = topics.DISPATCH_SERVICES

    event_type: Literal["dispatch.ServicePlanRecorded"] = Field(
        default="dispatch.ServicePlanRecorded", description="Event name."
    )
    producer: Literal["dispatch"] = Field(default="dispatch", description="Always dispatch.")
    plan_id: uuid.UUID = Field(description="The provider's plan; a revision keeps the id.")
    version: int = Field(ge=1, description="Revision number; a higher one replaces the plan.")
    recipient_id: uuid.UUID = Field(description="The recipient the plan is for.")
    provider_code: ProviderCode = Field(description="The provider that made the plan.")
    items: tuple[PlannedService, ...] = Field(min_length=1, description="What is planned.")
    starts_on: date = Field(description="First day of the plan.")
    ends_on: date | None = Field(default=None, description="Last day, if fixed.")
    submitted_by: UserId = Field(description="The provider's staff member who submitted it.")


class _PlanDecision(PersonEvent):
    """The township's (or county's) answer to a provider's plan revision."""

    TOPIC: ClassVar[str] = topics.DISPATCH_SERVICES

    producer: Literal["dispatch"] = Field(default="dispatch", description="Always dispatch.")
    plan_id: uuid.UUID = Field(description="The provider's plan.")
    version: int = Field(ge=1, description="The revision answered.")
    recipient_id: uuid.UUID = Field(description="The recipient the plan is for.")
    provider_code: ProviderCode = Field(description="The provider that made the plan.")
    township_code: TownshipCode = Field(description="Township/street of the recipient.")
    decided_by: UserId = Field(description="Officer who answered.")


class ServicePlanAgreed(_PlanDecision):
    """The plan was agreed (达成共识): services under it are given as planned."""

    event_type: Literal["dispatch.ServicePlanAgreed"] = Field(
        default="dispatch.ServicePlanAgreed", description="Event name."
    )


class ServicePlanReturned(_PlanDecision):
    """The plan was sent back to the provider to be revised and proposed again."""

    event_type: Literal["dispatch.ServicePlanReturned"] = Field(
        default="dispatch.ServicePlanReturned", description="Event name."
    )
    reason_zh: ReasonZh = Field(description="What the provider is to change, in Chinese.")


EVENTS = (
    ServiceDelivered,
    ServiceRecordRefused,
    NeighbourServiceRecorded,
    ServicePlanRecorded,
    ServicePlanAgreed,
    ServicePlanReturned,
)
