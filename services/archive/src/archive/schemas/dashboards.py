"""HTTP answers of the dashboards (issue 22): figures per township and village, Chinese labels
beside codes; cases only by service number and the masked name the board shows."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class _Read(BaseModel):
    model_config = ConfigDict(frozen=True)


class SpanRead(_Read):
    """One span of the chain in one township and month."""

    span: str = Field(
        description="registration, survey, decision, first_order, first_service, whole."
    )
    span_zh: str = Field(description="环节 (e.g. 申请→受理登记).")
    count: int = Field(description="Cases whose span ended in the month.")
    median_days: float | None = Field(description="Median in whole Chizhou days (None: no case).")
    p90_days: float | None = Field(
        description="90th percentile in days (linear, as percentile_cont)."
    )


class CaseRead(_Read):
    """One of the slowest cases, with the day each step first happened."""

    application_id: uuid.UUID | None = Field(description="The application (intake's id).")
    service_number: str | None = Field(description="服务号, once the file is opened.")
    display_name: str | None = Field(description="Masked name as the board shows it (张**).")
    village_code: str = Field(description="Village/community of residence.")
    place_zh: str = Field(description="Full Chinese name of the village/community.")
    category_zh: str = Field(description="救助类别.")
    outcome: str = Field(description="served, rejected, withdrawn or open.")
    outcome_zh: str = Field(description="进展.")
    elapsed_days: int = Field(description="Days from application to the end, or to as_of if open.")
    steps: dict[str, date | None] = Field(description="Step → the Chizhou day it first happened.")


class TownshipTimingRead(_Read):
    """A township's chain timing in the month."""

    township_code: str = Field(description="Township/street.")
    place_zh: str = Field(description="Full Chinese name of the township.")
    spans: list[SpanRead]
    slowest: list[CaseRead] = Field(description="The 10 longest cases alive in the month.")


class ChainTimingRead(_Read):
    """Chain timing per township under a division, for one month."""

    division_code: str
    month: str = Field(description="YYYY-MM (Chizhou).")
    as_of: date = Field(description="Day open cases are measured to.")
    townships: list[TownshipTimingRead]


class CaseloadRow(_Read):
    """Current recipients of one category in one village."""

    township_code: str
    village_code: str
    place_zh: str
    category: str
    category_zh: str = Field(description="救助类别.")
    served: int = Field(description="Recipients currently served.")
    suspended: int = Field(description="Recipients whose aid is suspended.")


class CaseloadRead(_Read):
    """Caseload by category and village under a division."""

    division_code: str
    rows: list[CaseloadRow]
    by_category: dict[str, int] = Field(description="Recipients served per category code.")


class CoverageRow(_Read):
    """One village's service coverage in the month."""

    township_code: str
    village_code: str
    place_zh: str
    approved_items: int = Field(description="Approved items (recipient × item) in force.")
    served_items: int = Field(description="Of those, items with a validated service this month.")
    ratio: float | None = Field(description="served_items / approved_items.")


class CoverageRead(_Read):
    """Service coverage under a division in a month (see docs/dashboards.md: approximate)."""

    division_code: str
    month: str
    approved_items: int
    served_items: int
    ratio: float | None
    villages: list[CoverageRow]


class EndedOrderRead(_Read):
    """An order the stop ended, and its provider's acknowledgement as archive knows it."""

    order_id: uuid.UUID
    provider_code: str | None
    cancelled_at: datetime
    acknowledgement: str = Field(description="in_time, late or pending.")
    acknowledgement_zh: str


class StopRead(_Read):
    """A stop (停止/死亡) effective in the month and how it reached the providers."""

    service_number: str
    display_name: str = Field(description="Masked name as the board shows it.")
    village_code: str
    place_zh: str
    status: str
    status_zh: str
    effective_date: date
    orders_ended: list[EndedOrderRead]
    orders_still_open: int = Field(description="Orders not yet ended by dispatch.")


class ProviderAckRead(_Read):
    """One provider's acknowledgements of order ends in the month."""

    provider_code: str
    in_time: int
    late: int
    pending: int


class StopsRead(_Read):
    """Stops under a division in a month, and providers' acknowledgements."""

    division_code: str
    month: str
    stops: list[StopRead]
    providers: list[ProviderAckRead]
