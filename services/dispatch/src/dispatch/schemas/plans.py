"""Plan agreement over HTTP: the officers' queue and answer, the county's rule, flagged records."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field

from contracts.fields import Version
from contracts.values import Frequency
from dispatch.domain.plans import DecisionLevel, PlanState
from dispatch.schemas.common import Request, TextZh


class DecisionBody(Request):
    """An officer's answer to one revision of a plan."""

    version: Version = Field(description="The revision answered (a newer one held: 409).")
    agree: bool = Field(description="True: agreed (达成共识); false: returned to be revised.")
    reason_zh: TextZh | None = Field(
        default=None, description="What the provider is to change (required when returned)."
    )


class PlanItemRead(BaseModel):
    """One planned item of an order."""

    order_id: uuid.UUID = Field(description="The order.")
    item_code: str = Field(description="Item planned.")
    frequency: Frequency = Field(description="Planned frequency.")


class PlanSummary(BaseModel):
    """A plan in the queue (no free text)."""

    plan_id: uuid.UUID = Field(description="The plan.")
    version: int = Field(description="Its latest revision.")
    state: PlanState = Field(description="proposed, agreed or returned.")
    decision_level: DecisionLevel = Field(description="Who answers it: township or county.")
    provider_code: str = Field(description="Provider that made it.")
    person_id: uuid.UUID = Field(description="The person it is for.")
    recipient_id: uuid.UUID | None = Field(description="The recipient it is for.")
    township_code: str | None = Field(description="The recipient's township.")
    starts_on: date = Field(description="First day.")
    ends_on: date | None = Field(description="Last day, if fixed.")
    submitted_at: datetime = Field(description="When this revision was received.")
    decided_by: str | None = Field(description="Officer who answered this revision.")
    decided_at: datetime | None = Field(description="When it was answered.")
    return_reason_zh: str | None = Field(description="Why it was returned.")


class PlanDetail(PlanSummary):
    """A plan with its words and items."""

    summary_zh: str | None = Field(description="The plan in words.")
    submitted_by: str = Field(description="The provider's staff member who submitted it.")
    items: list[PlanItemRead] = Field(description="Its items.")


class PlanRuleBody(Request):
    """The county's rule for services under a plan not (yet) agreed."""

    flag_unagreed: bool = Field(description="Flag records under an order without agreed plan.")
    grace_days: int = Field(ge=0, le=365, description="Days from the order's start unflagged.")


class PlanRuleRead(BaseModel):
    """A version of a county's plan rule."""

    county_code: str = Field(description="The county.")
    version: int = Field(description="Version (each PUT adds one).")
    flag_unagreed: bool = Field(description="Whether records are flagged.")
    grace_days: int = Field(description="Days from the order's start unflagged.")
    set_by: str = Field(description="County officer who set it.")
    created_at: datetime = Field(description="When it was set.")


class FlaggedRecord(BaseModel):
    """A record accepted (it counts) but flagged for the township."""

    record_id: uuid.UUID = Field(description="The record.")
    order_id: uuid.UUID = Field(description="Its order.")
    provider_code: str = Field(description="Provider that reported it.")
    item_code: str = Field(description="Item given.")
    service_date: date = Field(description="Day of the service.")
    flag: str = Field(description="Why flagged (plan_unagreed).")
    person_id: uuid.UUID = Field(description="The person served.")
    recipient_id: uuid.UUID = Field(description="The recipient served.")
    township_code: str = Field(description="Township.")
    village_code: str = Field(description="Village.")
