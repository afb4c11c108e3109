"""Service records and ledger lines as rows and events: what a delivered service keeps."""

from __future__ import annotations

import uuid
from typing import Any

from contracts.dispatch import NeighbourServiceRecorded, ServiceDelivered
from contracts.enums import FeeUnit, FundingSource, ServiceCategory, ServiceMode
from contracts.settlement import LedgerLinePosted
from settlement.domain import billing, months, postings
from settlement.domain.billing import Service
from settlement.domain.postings import PlannedLine
from settlement.domain.reasons import BillingStatus
from settlement.domain.records import ServiceRecord


def line_values(
    row: ServiceRecord,
    line: PlannedLine,
    *,
    period: str,
    cause: uuid.UUID,
    line_id: uuid.UUID,
) -> dict[str, Any]:
    """The columns of a planned line for a record, landing on the monthly ``period``."""
    month = months.month_of(row.service_date)
    return {
        "line_id": line_id,
        "kind": line.kind.value,
        "source_id": postings.source_id(line.source_key),
        "record_id": row.record_id,
        "person_id": row.person_id,
        "recipient_id": row.recipient_id,
        "order_id": row.order_id,
        "provider_id": row.provider_id,
        "provider_code": row.provider_code,
        "county_code": row.county_code,
        "township_code": row.township_code,
        "period_kind": "monthly",
        "period": period,
        "service_month": month,
        "service_date": row.service_date,
        "item_code": row.item_code,
        "funding_source": line.funding_source or row.funding_source,
        "unit": row.unit,
        "quantity": line.quantity,
        "unit_fee_fen": line.unit_fee_fen,
        "amount_fen": line.amount_fen,
        "catalogue_version": line.catalogue_version,
        "reverses_line_id": line.reverses_line_id,
        "cause_event_id": cause,
        "reason_zh": line.note_zh,
    }


def line_posted(values: dict[str, Any]) -> LedgerLinePosted:
    """The event announcing one appended ledger line."""
    return LedgerLinePosted(
        person_id=values["person_id"],
        line_id=values["line_id"],
        kind=values["kind"],
        recipient_id=values["recipient_id"],
        provider_id=values["provider_id"],
        township_code=values["township_code"],
        period=values["period"],
        item_code=values["item_code"],
        funding_source=values["funding_source"],
        unit=values["unit"],
        quantity=values["quantity"],
        unit_fee_fen=values["unit_fee_fen"],
        amount_fen=values["amount_fen"],
        catalogue_version=values["catalogue_version"],
        service_date=values["service_date"],
        record_id=values["record_id"],
        order_id=values["order_id"],
        reverses_line_id=values["reverses_line_id"],
        cause_event_id=values["cause_event_id"],
        reason_zh=values["reason_zh"],
    )


def service_of(row: ServiceRecord) -> Service:
    return Service(
        row.provider_id,
        ServiceMode(row.mode),
        FeeUnit(row.unit),
        row.quantity,
        row.service_date,
        ordered=row.order_id is not None,
        item_code=row.item_code,
        funding_source=row.funding_source,
    )


#: What a service record keeps just as the event says it, be it a delivery or a neighbour's help.
_AS_RECORDED = {
    "record_id",
    "event_id",
    "person_id",
    "recipient_id",
    "service_date",
    "county_code",
    "township_code",
    "village_code",
}


def record_values(event: ServiceDelivered) -> dict[str, Any]:
    """The row of a delivered service, pending until it is billed."""
    service = Service(event.provider_id, event.mode, event.unit, event.quantity, event.service_date)
    return {
        **event.model_dump(include=_AS_RECORDED),
        "order_id": event.order_id,
        "provider_id": event.provider_id,
        "provider_code": event.provider_code,
        "item_code": event.item_code,
        "service_category": event.service_category.value,
        "mode": event.mode.value,
        "funding_source": FundingSource(event.funding_source).value,
        "unit": event.unit.value,
        "quantity": event.quantity,
        "covers_until": billing.covers_until(service),
        "billing_status": BillingStatus.PENDING.value,
    }


#: Neighbours give home care (seed 三(六)6); a record without an item counts as that.
NEIGHBOUR_DEFAULT_ITEM = "LC-01"


def helper_code(helper_id: uuid.UUID) -> str:
    """The payee code of a neighbour helper on statements (helpers are not providers)."""
    return f"nb-{helper_id.hex[:12]}"


def neighbour_values(event: NeighbourServiceRecorded) -> dict[str, Any]:
    """The row of a neighbour's help recorded by the village (its helper is the payee)."""
    return {
        **event.model_dump(include=_AS_RECORDED),
        "order_id": None,
        "provider_id": event.helper_id,
        "provider_code": helper_code(event.helper_id),
        "item_code": event.item_code or NEIGHBOUR_DEFAULT_ITEM,
        "service_category": ServiceCategory.LIFE_CARE.value,
        "mode": ServiceMode.NEIGHBOUR_MUTUAL_AID.value,
        # The township chooses the fund when it pays the yearly subsidy.
        "funding_source": FundingSource.OTHER_SERVICE_AID.value,
        "unit": FeeUnit.VISIT.value,
        "quantity": event.count,
        "covers_until": event.service_date,
    }
