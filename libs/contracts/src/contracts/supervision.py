"""Supervision of the providers (监督管理): complaints, inspections and evaluations.

Complaints are dispatch's (it holds the orders, providers and workers a complaint names, the
provider topics and the escalation queue) and travel on ``dispatch.complaints.v1``; a copy of
each new complaint reaches the provider on its own topic. Inspections and evaluations are
settlement's (they reverse billed services and score the months it settles) and travel on
``settlement.ledger.v1`` and ``settlement.evaluations.v1``. No free text on any of them: the
complainant's words and the inspector's notes stay in the owning service's database.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar, Literal

from pydantic import AwareDatetime, Field

from contracts import topics
from contracts.envelope import KeyedEvent, PersonEvent
from contracts.fields import (
    ActingRole,
    CountyCode,
    Fen,
    Period,
    ProviderCode,
    TownshipCode,
    UserId,
    Version,
    VillageCode,
)
from contracts.kinds import SpotCheckOutcome
from contracts.labels import ZhEnum, zh_labels


@zh_labels(
    {
        "service_not_delivered": "服务未提供",
        "quality": "服务质量",
        "attitude": "服务态度",
        "safety": "安全问题",
        "billing": "收费结算",
        "eligibility": "救助资格",
        "other": "其他",
    }
)
class ComplaintCategory(ZhEnum):
    """What a complaint is about."""

    SERVICE_NOT_DELIVERED = "service_not_delivered"
    QUALITY = "quality"
    ATTITUDE = "attitude"
    SAFETY = "safety"
    BILLING = "billing"
    ELIGIBILITY = "eligibility"
    OTHER = "other"


@zh_labels(
    {
        "hotline": "服务热线",
        "app": "移动应用",
        "village_coordinator": "村(社区)协理员",
        "provider_report": "服务供给主体自报",
    }
)
class ComplaintSource(ZhEnum):
    """How a complaint reached the platform."""

    HOTLINE = "hotline"
    APP = "app"
    VILLAGE_COORDINATOR = "village_coordinator"
    PROVIDER_REPORT = "provider_report"


@zh_labels(
    {
        "substantiated": "查证属实",
        "partly_substantiated": "部分属实",
        "not_substantiated": "查证不实",
        "withdrawn": "投诉人撤回",
    }
)
class ComplaintOutcome(ZhEnum):
    """What the investigation of a complaint found."""

    SUBSTANTIATED = "substantiated"
    PARTLY_SUBSTANTIATED = "partly_substantiated"
    NOT_SUBSTANTIATED = "not_substantiated"
    WITHDRAWN = "withdrawn"

    @property
    def substantiated(self) -> bool:
        """True when the provider was at fault, wholly or in part."""
        return self in (ComplaintOutcome.SUBSTANTIATED, ComplaintOutcome.PARTLY_SUBSTANTIATED)


@zh_labels({"county": "县级", "township": "乡镇(街道)级", "village": "村(社区)级"})
class SupervisionLevel(ZhEnum):
    """The level of government that handles a complaint or makes an inspection."""

    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"


@zh_labels({"planned": "计划检查", "unannounced": "不定期督查"})
class InspectionKind(ZhEnum):
    """Whether a visit was planned or unannounced."""

    PLANNED = "planned"
    UNANNOUNCED = "unannounced"


# --- complaints, on dispatch.complaints.v1 ------------------------------------------


class ComplaintEvent(PersonEvent):
    """Base of a complaint's events: about the person served, keyed by ``person_id``."""

    TOPIC: ClassVar[str] = topics.DISPATCH_COMPLAINTS

    producer: Literal["dispatch"] = Field(default="dispatch", description="Always dispatch.")
    complaint_id: uuid.UUID = Field(description="The complaint.")
    version: Version = Field(description="Version of the complaint after this event.")
    category: ComplaintCategory = Field(description="What the complaint is about.")
    township_code: TownshipCode = Field(description="Township/street that handles it first.")
    provider_id: uuid.UUID | None = Field(default=None, description="Provider concerned, if any.")
    provider_code: ProviderCode | None = Field(default=None, description="Its code, if any.")
    order_id: uuid.UUID | None = Field(default=None, description="Order concerned, if any.")
    record_id: uuid.UUID | None = Field(
        default=None, description="Service record concerned, if any."
    )


class ComplaintOpened(ComplaintEvent):
    """A complaint was taken in; the level named must answer it by ``respond_by``."""

    event_type: Literal["dispatch.ComplaintOpened"] = Field(
        default="dispatch.ComplaintOpened", description="Event name."
    )
    source: ComplaintSource = Field(description="How it reached the platform.")
    village_code: VillageCode = Field(description="Village/community of the person.")
    worker_ref: str | None = Field(
        default=None, max_length=64, description="The provider's worker concerned, if named."
    )
    supervision_level: SupervisionLevel = Field(description="Level that handles it now.")
    respond_by: AwareDatetime = Field(description="Deadline of the category's SLA.")
    opened_by: UserId = Field(description="Who took it in (a hotline operator, an officer).")


class ComplaintEscalated(ComplaintEvent):
    """A complaint passed its deadline unanswered and went up a level."""

    event_type: Literal["dispatch.ComplaintEscalated"] = Field(
        default="dispatch.ComplaintEscalated", description="Event name."
    )
    supervision_level: SupervisionLevel = Field(description="Level that handles it now.")
    escalated_to: ActingRole = Field(description="Role that must act.")
    respond_by: AwareDatetime = Field(description="The new deadline.")


class ComplaintResolved(ComplaintEvent):
    """The investigation ended and the complainant was told the outcome."""

    event_type: Literal["dispatch.ComplaintResolved"] = Field(
        default="dispatch.ComplaintResolved", description="Event name."
    )
    outcome: ComplaintOutcome = Field(description="What the investigation found.")
    supervision_level: SupervisionLevel = Field(description="Level that resolved it.")
    resolved_by: UserId = Field(description="Officer who resolved it.")
    complainant_told_on: date = Field(description="Day the complainant was told (Chizhou).")
    overdue: bool = Field(description="True if it was resolved after a deadline had passed.")


class ComplaintNoticed(PersonEvent):
    """On the provider's own topic: a complaint names you; answer the township by ``respond_by``."""

    TOPIC: ClassVar[str] = topics.PROVIDER_ORDERS_FAMILY

    event_type: Literal["dispatch.ComplaintNoticed"] = Field(
        default="dispatch.ComplaintNoticed", description="Event name."
    )
    producer: Literal["dispatch"] = Field(default="dispatch", description="Always dispatch.")
    provider_code: ProviderCode = Field(description="The provider addressed (owner of the topic).")
    complaint_id: uuid.UUID = Field(description="The complaint.")
    category: ComplaintCategory = Field(description="What the complaint is about.")
    order_id: uuid.UUID | None = Field(default=None, description="Order concerned, if any.")
    record_id: uuid.UUID | None = Field(default=None, description="Record concerned, if any.")
    respond_by: AwareDatetime = Field(description="Deadline of the category's SLA.")


# --- inspections, on settlement.ledger.v1 -------------------------------------------


class InspectionRecorded(KeyedEvent):
    """A visit by county, township or village staff was recorded with its finding."""

    TOPIC: ClassVar[str] = topics.SETTLEMENT_LEDGER
    KEY_FIELD: ClassVar[str] = "inspection_id"

    event_type: Literal["settlement.InspectionRecorded"] = Field(
        default="settlement.InspectionRecorded", description="Event name."
    )
    producer: Literal["settlement"] = Field(default="settlement", description="Always settlement.")
    inspection_id: uuid.UUID = Field(description="The inspection; also the Kafka key.")
    supervision_level: SupervisionLevel = Field(description="Level that inspected.")
    kind: InspectionKind = Field(description="Planned or unannounced.")
    outcome: SpotCheckOutcome = Field(description="What the visit found.")
    county_code: CountyCode = Field(description="County of the visit.")
    township_code: TownshipCode = Field(description="Township/street of the visit.")
    person_id: uuid.UUID | None = Field(default=None, description="Person visited, if one.")
    record_id: uuid.UUID | None = Field(default=None, description="Service record checked.")
    provider_id: uuid.UUID | None = Field(default=None, description="Provider inspected.")
    checked_by: UserId = Field(description="Who visited.")
    checked_on: date = Field(description="Day of the visit (Chizhou).")
    disallowed_fen: Fen = Field(default=0, description="Amount in fen no longer payable.")


# --- evaluations, on settlement.evaluations.v1 --------------------------------------


class ProviderEvaluated(KeyedEvent):
    """A provider's evaluation (绩效评价) for a month or a year, by the county's rule."""

    TOPIC: ClassVar[str] = topics.SETTLEMENT_EVALUATIONS
    KEY_FIELD: ClassVar[str] = "provider_id"

    event_type: Literal["settlement.ProviderEvaluated"] = Field(
        default="settlement.ProviderEvaluated", description="Event name."
    )
    producer: Literal["settlement"] = Field(default="settlement", description="Always settlement.")
    provider_id: uuid.UUID = Field(description="The provider; also the Kafka key.")
    provider_code: ProviderCode = Field(description="The provider's code.")
    county_code: CountyCode = Field(description="County that evaluated it.")
    period: Period = Field(description="YYYY-MM for a month, YYYY for a year.")
    rule_version: Version = Field(description="Version of the county's scoring rule.")
    score: int = Field(ge=0, le=100, description="Score out of 100.")
    referral_threshold: int = Field(
        ge=0, le=100, description="Below this score the provider receives no new referrals."
    )
    records_billed: int = Field(ge=0, description="Service records billed in the period.")
    records_reversed: int = Field(ge=0, description="Of those, reversed after a check.")
    complaints_substantiated: int = Field(ge=0, description="Complaints found true.")
    checks_failed: int = Field(ge=0, description="Spot checks and inspections that failed.")

    @property
    def below_threshold(self) -> bool:
        """True when referral must pass this provider by."""
        return self.score < self.referral_threshold


COMPLAINT_EVENTS = (ComplaintOpened, ComplaintEscalated, ComplaintResolved)
PROVIDER_TOPIC_EVENTS = (ComplaintNoticed,)
LEDGER_EVENTS = (InspectionRecorded,)
EVALUATION_EVENTS = (ProviderEvaluated,)
EVENTS = COMPLAINT_EVENTS + PROVIDER_TOPIC_EVENTS + LEDGER_EVENTS + EVALUATION_EVENTS
