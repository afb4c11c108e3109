"""The case under review: its parts, assembled from events in any order, and its status.

Pure: no I/O.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from contracts.enums import (
    Channel,
    FundingSource,
    RecipientCategory,
    SelfCareLevel,
    ServiceCategory,
    ServiceMode,
    SpecialCondition,
)
from contracts.labels import ZhEnum, zh_labels
from contracts.reasons import PreliminaryFailReason, RejectionReason, WithdrawalReason
from contracts.survey import CareNeed
from contracts.values import Frequency


@zh_labels(
    {
        "awaiting_registration": "待受理登记信息",
        "awaiting_survey": "待入户调查初审",
        "awaiting_decision": "待审核确认",
        "approved": "审核通过",
        "rejected": "不予确认",
        "withdrawn": "已撤回",
    }
)
class CaseStatus(ZhEnum):
    """Where a case stands in the township's review."""

    AWAITING_REGISTRATION = "awaiting_registration"
    AWAITING_SURVEY = "awaiting_survey"
    AWAITING_DECISION = "awaiting_decision"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


@zh_labels({"passed": "初审通过", "failed": "初审未通过"})
class PreliminaryOutcome(ZhEnum):
    """Outcome of the village team's preliminary review (初审)."""

    PASSED = "passed"
    FAILED = "failed"


@zh_labels({"approved": "审核通过", "rejected": "不予确认"})
class DecisionKind(ZhEnum):
    """The township's decision."""

    APPROVED = "approved"
    REJECTED = "rejected"


class RuleViolation(Exception):
    """The request breaks a rule of the domain (answered 422; nothing changes)."""

    kind = "invalid"  # civic's refusal kinds: answered as a 422 problem document

    def __init__(self, code: str, message_zh: str, *, field: str | None = None) -> None:
        super().__init__(message_zh)
        self.code, self.message_zh, self.field = code, message_zh, field


class StateConflict(Exception):
    """The case is not in a state that allows this (answered 409; nothing changes)."""

    kind = "conflict"  # civic's refusal kinds: answered as a 409 problem document

    def __init__(self, code: str, message_zh: str, **extra: Any) -> None:
        super().__init__(message_zh)
        self.code, self.message_zh, self.extra = code, message_zh, extra


class Part(BaseModel):
    """Base of the case's parts: frozen values stored as JSON."""

    model_config = ConfigDict(frozen=True)


class Registration(Part):
    """The application facts from intake's ApplicationRegistered."""

    version: int
    occurred_at: datetime
    household_id: uuid.UUID
    channel: Channel
    category: RecipientCategory
    special_conditions: tuple[SpecialCondition, ...]
    requested_item_codes: tuple[str, ...]
    need_categories: tuple[ServiceCategory, ...]
    county_code: str
    township_code: str
    village_code: str
    household_size: int
    display_name: str
    registered_by: str


class Findings(Part):
    """The household survey's findings, as codes (SurveyCompleted)."""

    survey_id: uuid.UUID
    version: int
    occurred_at: datetime
    visited_on: date
    self_care_level: SelfCareLevel
    confirmed_conditions: tuple[SpecialCondition, ...]
    care_needs: tuple[CareNeed, ...]
    lives_alone: bool
    has_caregiver: bool
    household_size: int
    identity_verified: bool


class Preliminary(Part):
    """The preliminary review (初审): passed with a recommendation, or failed with a reason."""

    survey_id: uuid.UUID
    version: int
    occurred_at: datetime
    outcome: PreliminaryOutcome
    recommended_category: RecipientCategory | None = None
    recommended_conditions: tuple[SpecialCondition, ...] = ()
    recommended_item_codes: tuple[str, ...] = ()
    recommended_modes: tuple[ServiceMode, ...] = ()
    reason_code: PreliminaryFailReason | None = None
    reason_zh: str | None = None
    reviewed_by: tuple[str, ...] = ()


class Withdrawal(Part):
    """The applicant withdrew before a decision."""

    version: int
    occurred_at: datetime
    reason_code: WithdrawalReason
    reason_zh: str | None = None


class NeedAssessment(Part):
    """The township's needs assessment (需求认定): self-care level and need categories."""

    self_care_level: SelfCareLevel
    need_categories: tuple[ServiceCategory, ...]
    notes: str | None = None


class ItemRequest(Part):
    """One item the officer approves: catalogue code, mode, frequency and fund."""

    item_code: str
    mode: ServiceMode
    frequency: Frequency
    funding_source: FundingSource


class Approval(Part):
    """The officer's approval: assessment, items, first day; optional confirmations."""

    need_assessment: NeedAssessment
    items: tuple[ItemRequest, ...]
    effective_date: date
    category: RecipientCategory | None = None
    special_conditions: tuple[SpecialCondition, ...] | None = None


class Rejection(Part):
    """The officer's rejection with its reason."""

    reason_code: RejectionReason
    reason_zh: str


class Decision(Part):
    """The township's decision on a case, as recorded and as answered to the officer."""

    application_id: uuid.UUID
    kind: DecisionKind
    decided_by: str
    decided_at: datetime
    recipient_id: uuid.UUID | None = None
    effective_date: date | None = None
    reason_code: RejectionReason | None = None
    reason_zh: str | None = None


def _is_newer_survey(held: Findings | Preliminary | None, new: Findings | Preliminary) -> bool:
    if held is None:
        return True
    if held.survey_id == new.survey_id:
        return new.version > held.version
    # A re-survey has its own id and starts again at version 1: the later one wins.
    return new.occurred_at > held.occurred_at


class Case(Part):
    """One application under review, filled in from whichever event arrives first."""

    application_id: uuid.UUID
    person_id: uuid.UUID
    registration: Registration | None = None
    findings: Findings | None = None
    preliminary: Preliminary | None = None
    withdrawal: Withdrawal | None = None
    decision: Decision | None = None

    @property
    def status(self) -> CaseStatus:
        """The status follows from the facts held, whatever order they came in."""
        if self.decision is not None:
            return CaseStatus(self.decision.kind.value)
        if self.withdrawal is not None:
            return CaseStatus.WITHDRAWN
        if self.registration is None:
            return CaseStatus.AWAITING_REGISTRATION
        if self.preliminary is None:
            return CaseStatus.AWAITING_SURVEY
        return CaseStatus.AWAITING_DECISION

    def with_registration(self, reg: Registration) -> Case:
        """Takes the application facts unless a newer version is already held."""
        if self.registration is not None and reg.version <= self.registration.version:
            return self
        return self.model_copy(update={"registration": reg})

    def with_findings(self, findings: Findings) -> Case:
        """Takes the survey findings unless newer ones are already held."""
        if not _is_newer_survey(self.findings, findings):
            return self
        return self.model_copy(update={"findings": findings})

    def with_preliminary(self, prelim: Preliminary) -> Case:
        """Takes the preliminary review unless newer, or the case is already decided."""
        # A decision was made on what the officer saw; a late 初审 must not rewrite it.
        if self.decision is not None or not _is_newer_survey(self.preliminary, prelim):
            return self
        return self.model_copy(update={"preliminary": prelim})

    def with_withdrawal(self, withdrawal: Withdrawal) -> Case:
        """Marks the case withdrawn, unless it was already decided or withdrawn."""
        if self.decision is not None or self.withdrawal is not None:
            return self
        return self.model_copy(update={"withdrawal": withdrawal})


class DecideCommand(Part):
    """An officer's decision on one application: an approval or a rejection."""

    application_id: uuid.UUID
    decision: Approval | Rejection
