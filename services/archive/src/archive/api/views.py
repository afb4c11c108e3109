"""Turns stored records and recorded events into the response models (Chinese labels added)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from archive import schemas
from archive.domain.documents import STATE_ZH, ChecklistItem, is_complete
from archive.domain.files import ArchiveFile
from archive.domain.places import place_zh
from archive.domain.stored import (
    AccessLine,
    DocumentInfo,
    FileOrder,
    HistoryLine,
    Provider,
    ServiceRecord,
)
from archive.handlers.files import FileContents
from contracts import survey as survey_events
from contracts.enums import (
    FundingSource,
    PeriodUnit,
    RecipientCategory,
    RecipientStatus,
    SelfCareLevel,
    ServiceCategory,
    ServiceMode,
    SpecialCondition,
    StatusSource,
)
from contracts.kinds import DocumentKind
from contracts.reasons import StatusChangeReason
from contracts.review import RecipientStatusChanged

ORDER_STATE_ZH = {
    "created": "已转介待接单",
    "accepted": "服务中",
    "declined": "已拒单",
    "paused": "已暂停",
    "resumed": "服务中（已恢复）",
    "cancelled": "已终止",
}
SETTLEMENT_TYPES = (
    "settlement.LedgerLinePosted",
    "settlement.SpotCheckSampled",
    "settlement.SpotCheckRecorded",
)


def frequency_zh(times: int | None, per: str | None) -> str | None:
    """每周3次."""
    return f"每{PeriodUnit(per).label_zh}{times}次" if times and per else None


def file_summary(file: ArchiveFile) -> schemas.FileSummary:
    """The list entry of a file."""
    return schemas.FileSummary(
        file_id=file.file_id,
        service_number=file.service_number,
        display_name=file.display_name,
        county_code=file.county_code,
        township_code=file.township_code,
        village_code=file.village_code,
        place_zh=place_zh(file.village_code),
        category=file.category,
        category_zh=RecipientCategory(file.category).label_zh,
        status=file.status,
        status_zh=RecipientStatus(file.status).label_zh,
        approved_on=file.approved_on,
        served_since=file.served_since,
    )


def _approved_item(item: Mapping[str, Any], names: Mapping[str, str]) -> schemas.ApprovedItemView:
    freq = item["frequency"]
    return schemas.ApprovedItemView(
        item_code=item["item_code"],
        item_zh=names.get(item["item_code"], item["item_code"]),
        service_category_zh=ServiceCategory(item["service_category"]).label_zh,
        mode_zh=ServiceMode(item["mode"]).label_zh,
        frequency_zh=frequency_zh(freq["times"], freq["per"]) or "",
        funding_source_zh=FundingSource(item["funding_source"]).label_zh,
    )


def needs_assessment(file: ArchiveFile, names: Mapping[str, str]) -> schemas.NeedsAssessment:
    """What the township assessed and approved (需求认定)."""
    level = file.self_care_level
    return schemas.NeedsAssessment(
        category_zh=RecipientCategory(file.category).label_zh,
        special_conditions_zh=[SpecialCondition(c).label_zh for c in file.special_conditions],
        self_care_level_zh=SelfCareLevel(level).label_zh if level else None,
        need_categories_zh=[ServiceCategory(c).label_zh for c in file.need_categories],
        approved_items=[_approved_item(i, names) for i in file.approved_items],
        effective_date=file.approved_on,
    )


def _data(line: HistoryLine) -> dict[str, Any]:
    return line.data or {}


def _latest(
    history: Sequence[HistoryLine], event_type: str, application: uuid.UUID
) -> HistoryLine | None:
    found = [line for line in history if line.event_type == event_type]
    mine = [line for line in found if _data(line).get("application_id") == str(application)]
    chosen = mine or found
    return max(
        chosen, key=lambda line: (_data(line).get("version", 0), line.occurred_at), default=None
    )


def _completed(s: survey_events.SurveyCompleted, preliminary: str | None) -> schemas.SurveyView:
    needs = [
        schemas.CareNeedView(
            service_category_zh=n.service_category.label_zh,
            item_codes=list(n.item_codes),
            urgent=n.urgent,
        )
        for n in s.care_needs
    ]
    return schemas.SurveyView(
        survey_id=s.survey_id,
        visited_on=s.visited_on,
        self_care_level_zh=s.self_care_level.label_zh,
        confirmed_conditions_zh=[c.label_zh for c in s.confirmed_conditions],
        care_needs=needs,
        lives_alone=s.lives_alone,
        has_caregiver=s.has_caregiver,
        household_size=s.household_size,
        identity_verified=s.identity_verified,
        preliminary_zh=preliminary,
    )


def survey_view(
    history: Sequence[HistoryLine], application: uuid.UUID
) -> schemas.SurveyView | None:
    """The latest household survey of the approved application, with its preliminary review."""
    done = _latest(history, "survey.SurveyCompleted", application)
    passed = _latest(history, "survey.PreliminaryReviewPassed", application)
    failed = _latest(history, "survey.PreliminaryReviewFailed", application)
    verdicts = [line for line in (passed, failed) if line]
    verdict = max(verdicts, key=lambda line: line.occurred_at, default=None)
    preliminary = verdict.summary if verdict else None
    if done is not None:
        completed = survey_events.SurveyCompleted.model_validate(done.data)
        return _completed(completed, preliminary)
    if verdict is not None:
        return schemas.SurveyView(survey_id=_data(verdict)["survey_id"], preliminary_zh=preliminary)
    return None


def status_entries(
    history: Sequence[HistoryLine], recipient: uuid.UUID
) -> list[schemas.StatusEntry]:
    """Every status change of the recipient, in version order."""
    changes = [
        RecipientStatusChanged.model_validate(line.data)
        for line in history
        if line.event_type == "review.RecipientStatusChanged"
    ]
    return [
        schemas.StatusEntry(
            version=c.version,
            status=c.status.value,
            status_zh=c.status.label_zh,
            previous_status_zh=c.previous_status.label_zh,
            effective_date=c.effective_date,
            reason_code=c.reason_code.value,
            reason_zh=StatusChangeReason(c.reason_code).label_zh,
            note=c.reason_zh,
            source_zh=StatusSource(c.source).label_zh,
        )
        for c in sorted(changes, key=lambda c: c.version)
        if c.recipient_id == recipient
    ]


def _label(enum: Any, code: str | None) -> str | None:
    return enum(code).label_zh if code else None


def _order_view(
    order: FileOrder, names: Mapping[str, str], providers: Mapping[uuid.UUID, Provider]
) -> schemas.OrderView:
    provider = providers.get(order.provider_id) if order.provider_id else None
    item = order.item_code
    return schemas.OrderView(
        order_id=order.order_id,
        item_code=item,
        item_zh=names.get(item, item) if item else None,
        provider_code=order.provider_code,
        provider_zh=provider.label if provider else None,
        mode_zh=_label(ServiceMode, order.mode),
        frequency_zh=frequency_zh(order.frequency_times, order.frequency_per),
        funding_source_zh=_label(FundingSource, order.funding_source),
        start_date=order.start_date,
        end_date=order.end_date,
        state=order.state,
        state_zh=ORDER_STATE_ZH.get(order.state, order.state),
        state_since=order.state_since,
        version=order.version,
    )


def order_views(
    orders: Sequence[FileOrder],
    names: Mapping[str, str],
    providers: Mapping[uuid.UUID, Provider],
) -> list[schemas.OrderView]:
    """The person's orders with names and Chinese labels."""
    return [_order_view(order, names, providers) for order in orders]


def service_totals(records: Sequence[ServiceRecord]) -> schemas.ServiceTotals:
    """How many records were validated and refused."""
    delivered = [record for record in records if record.outcome == "delivered"]
    dates = [record.service_date for record in delivered if record.service_date]
    return schemas.ServiceTotals(
        delivered=len(delivered),
        refused=len(records) - len(delivered),
        last_service_date=max(dates, default=None),
    )


def settlement_views(history: Sequence[HistoryLine]) -> list[schemas.SettlementView]:
    """Ledger lines and spot checks about the person, oldest first."""
    return [
        schemas.SettlementView(
            event_type=line.event_type, occurred_at=line.occurred_at, summary=line.summary
        )
        for line in history
        if line.event_type in SETTLEMENT_TYPES
    ]


def checklist_entries(items: Sequence[ChecklistItem]) -> list[schemas.ChecklistEntry]:
    """The checklist with Chinese labels."""
    return [
        schemas.ChecklistEntry(
            kind=i.kind.value,
            label_zh=i.label_zh,
            state=i.state.value,
            state_zh=STATE_ZH[i.state],
            generated=i.generated,
        )
        for i in items
    ]


def document_read(document: DocumentInfo) -> schemas.DocumentRead:
    """A document's description."""
    return schemas.DocumentRead(
        document_id=document.document_id,
        kind=document.kind,
        kind_zh=DocumentKind(document.kind).label_zh,
        filename=document.filename,
        content_type=document.content_type,
        size_bytes=document.size_bytes,
        sha256=document.sha256,
        uploaded_by=document.uploaded_by,
        uploaded_at=document.uploaded_at,
    )


def history_entry(line: HistoryLine) -> schemas.HistoryEntry:
    """One line of the file's history."""
    return schemas.HistoryEntry(
        event_id=line.event_id,
        event_type=line.event_type,
        topic=line.topic,
        occurred_at=line.occurred_at,
        summary=line.summary,
    )


def file_read(contents: FileContents) -> schemas.FileRead:
    """The whole file as the API shows it."""
    file, history, names = contents.file, contents.history, contents.item_names
    return schemas.FileRead(
        file=file_summary(file),
        recipient_id=file.recipient_id,
        application_id=file.application_id,
        household_id=file.household_id,
        opened_at=file.opened_at,
        needs_assessment=needs_assessment(file, names),
        survey=survey_view(history, file.application_id),
        status_changes=status_entries(history, file.recipient_id),
        orders=order_views(contents.orders, names, contents.providers),
        services=service_totals(contents.records),
        settlement=settlement_views(history),
        checklist=checklist_entries(contents.checklist),
        checklist_complete=is_complete(contents.checklist),
        documents=[document_read(document) for document in contents.documents],
    )


def access_entry(line: AccessLine) -> schemas.AccessEntry:
    """One line of the access log."""
    return schemas.AccessEntry(
        at=line.at,
        user_id=line.user_id,
        roles=line.roles,
        action=line.action,
        document_id=line.document_id,
        trace_id=line.trace_id,
    )
