"""The sections of a person's whole file read from its history and from the orders and records
copied from dispatch: survey, status changes, orders, services and settlement (Chinese labels)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from archive import schemas
from archive.domain.stored import FileOrder, HistoryLine, Provider, ServiceRecord
from contracts import survey as survey_events
from contracts.enums import FundingSource, PeriodUnit, ServiceMode, StatusSource
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
SUPERVISION_TYPES = (
    "dispatch.ComplaintOpened",
    "dispatch.ComplaintEscalated",
    "dispatch.ComplaintResolved",
    "settlement.InspectionRecorded",
)


def frequency_zh(times: int | None, per: str | None) -> str | None:
    """每周3次."""
    return f"每{PeriodUnit(per).label_zh}{times}次" if times and per else None


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


def settlement_views(
    history: Sequence[HistoryLine], types: tuple[str, ...] = SETTLEMENT_TYPES
) -> list[schemas.SettlementView]:
    """Ledger lines and spot checks about the person (or other ``types``), oldest first."""
    return [
        schemas.SettlementView(
            event_type=line.event_type, occurred_at=line.occurred_at, summary=line.summary
        )
        for line in history
        if line.event_type in types
    ]
