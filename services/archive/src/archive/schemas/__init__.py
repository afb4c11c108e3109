"""HTTP request and response models of archive (Chinese labels beside every code)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class _Read(BaseModel):
    model_config = ConfigDict(frozen=True)


class FileSummary(_Read):
    """One file in a list, in service-number order."""

    file_id: uuid.UUID = Field(description="The file (一人一档).")
    person_id: uuid.UUID = Field(description="Whose file (stable id, never the ID number).")
    service_number: str = Field(description="服务号: county code - approval year - sequence.")
    display_name: str = Field(description="Masked name (姓名, masked).")
    county_code: str = Field(description="County-level division of residence.")
    township_code: str = Field(description="Township/street of residence.")
    village_code: str = Field(description="Village/community of residence.")
    place_zh: str = Field(description="Full Chinese name of the village/community.")
    category: str = Field(description="Recipient category code.")
    category_zh: str = Field(description="救助类别.")
    status: str = Field(description="Recipient status code.")
    status_zh: str = Field(description="救助状态.")
    approved_on: date = Field(description="Day the approval took effect.")
    served_since: date = Field(description="Day the current period of service began.")
    route: str = Field(default="review", description="How the person became a recipient.")
    route_zh: str = Field(
        default="入户调查后审核确认",
        description="纳入方式 (e.g. 救急难临时救助，临时救助至 2026-12-31).",
    )
    temporary_until: date | None = Field(
        default=None, description="Emergency care's last day unless confirmed (None: not limited)."
    )
    services_version: int = Field(
        default=1, description="Version of the approved items (approval 1, +1 per change)."
    )


class FileList(_Read):
    """A page of files."""

    items: list[FileSummary]
    total: int = Field(description="Files in the caller's scope.")
    page: int
    size: int


class StatusEntry(_Read):
    """One status change of the recipient, with its date and reason."""

    version: int = Field(description="Status version after the change.")
    status: str = Field(description="New status code.")
    status_zh: str = Field(description="新状态.")
    previous_status_zh: str = Field(description="原状态.")
    effective_date: date = Field(description="生效日期.")
    reason_code: str = Field(description="Reason code.")
    reason_zh: str = Field(description="变更原因.")
    note: str | None = Field(default=None, description="Short note from the officer, if any.")
    source_zh: str = Field(description="Where it was decided (乡镇审核 or 市系统).")


class ApprovedItemView(_Read):
    """One approved service item (需求认定)."""

    item_code: str
    item_zh: str = Field(description="服务事项名称 (from the county catalogue, else the code).")
    service_category_zh: str
    mode_zh: str
    frequency_zh: str = Field(description="e.g. 每周3次.")
    funding_source_zh: str


class NeedsAssessment(_Read):
    """The township's needs assessment at approval (需求认定表 content)."""

    category_zh: str
    special_conditions_zh: list[str]
    self_care_level_zh: str | None
    need_categories_zh: list[str]
    approved_items: list[ApprovedItemView]
    effective_date: date


class CareNeedView(_Read):
    """A care need the survey team found."""

    service_category_zh: str
    item_codes: list[str]
    urgent: bool


class SurveyView(_Read):
    """The household survey (入户调查) and the preliminary review (初审)."""

    survey_id: uuid.UUID
    visited_on: date | None = None
    self_care_level_zh: str | None = None
    confirmed_conditions_zh: list[str] = Field(default_factory=list)
    care_needs: list[CareNeedView] = Field(default_factory=list)
    lives_alone: bool | None = None
    has_caregiver: bool | None = None
    household_size: int | None = None
    identity_verified: bool | None = None
    preliminary_zh: str | None = Field(default=None, description="初审结果.")


class OrderView(_Read):
    """One service order (转介)."""

    order_id: uuid.UUID
    item_code: str | None
    item_zh: str | None
    provider_code: str | None
    provider_zh: str | None
    mode_zh: str | None
    frequency_zh: str | None
    funding_source_zh: str | None
    start_date: date | None
    end_date: date | None
    state: str
    state_zh: str
    state_since: date | None
    version: int


class ServiceTotals(_Read):
    """Counts of the person's service records."""

    delivered: int = Field(description="Validated service records.")
    refused: int = Field(description="Refused service records.")
    last_service_date: date | None


class SettlementView(_Read):
    """One settlement or supervision step about the person (a ledger line, a spot check, a
    complaint's step or an inspection visit)."""

    event_type: str
    occurred_at: datetime
    summary: str


class ChecklistEntry(_Read):
    """One item of the document checklist."""

    kind: str
    label_zh: str
    state: str = Field(description="complete | missing | not_applicable")
    state_zh: str
    generated: bool = Field(description="True when produced from records, not uploaded.")


class DocumentRead(_Read):
    """A stored document (without its content)."""

    document_id: uuid.UUID
    kind: str
    kind_zh: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime


class FileRead(_Read):
    """A person's whole file."""

    file: FileSummary
    recipient_id: uuid.UUID
    application_id: uuid.UUID
    household_id: uuid.UUID
    opened_at: datetime = Field(description="When the approval was made.")
    needs_assessment: NeedsAssessment
    survey: SurveyView | None
    status_changes: list[StatusEntry]
    orders: list[OrderView]
    services: ServiceTotals
    settlement: list[SettlementView]
    supervision: list[SettlementView] = Field(
        description="Complaints about the person's services and inspection visits, oldest first."
    )
    checklist: list[ChecklistEntry]
    checklist_complete: bool
    documents: list[DocumentRead]


class HistoryEntry(_Read):
    """One event in the file's history."""

    event_id: uuid.UUID
    event_type: str
    topic: str
    occurred_at: datetime
    summary: str


class HistoryList(_Read):
    """A page of the file's history, oldest first."""

    items: list[HistoryEntry]
    total: int
    page: int
    size: int


class AccessEntry(_Read):
    """One read or change of a file's personal documents."""

    at: datetime
    user_id: str
    roles: str
    action: str
    document_id: uuid.UUID | None
    trace_id: str | None


class LedgerRow(_Read):
    """One current recipient of a village in the ledger (工作台账)."""

    person_id: uuid.UUID = Field(description="Whose row (stable id, never the ID number).")
    service_number: str
    display_name: str
    category_zh: str
    status_zh: str
    items: list[str]
    providers: list[str]
    services_this_month: int
    quantities_zh: str


class LedgerRead(_Read):
    """A village's ledger for a month."""

    village_code: str
    place_zh: str
    month: str
    rows: list[LedgerRow]


class BoardVersionRead(_Read):
    """One version of a village board."""

    version: int
    valid_from: datetime
    entry_count: int
    content_sha256: str
