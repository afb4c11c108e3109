"""The township's queue of city reports awaiting confirmation, and a county's settings."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator

from contracts import divisions
from contracts.enums import RecipientStatus
from review.domain.city import CountySettings, HeldReport, HeldState
from review.schemas.status import no_personal_numbers


class CityReportRead(BaseModel):
    """市救助系统报告: a report of the city's kept for the township — a stop or death awaiting
    confirmation, a report the recipient's history refuses, or one about a non-recipient."""

    report_id: uuid.UUID = Field(description="报告编号 (confirm or reject it by this id).")
    recipient_id: uuid.UUID | None = Field(
        description="The recipient it is about; none when the person is no recipient."
    )
    person_id: uuid.UUID = Field(description="The person (never the ID number).")
    display_name: str | None = Field(description="Masked name, e.g. 张*三 (recipients only).")
    township_code: str = Field(description="Township/street whose queue holds it.")
    village_code: str | None = Field(description="Village/community, when known.")
    village_name_zh: str | None = Field(description="Full Chinese name of the village.")
    status: RecipientStatus = Field(description="What the city reported.")
    status_zh: str = Field(description="The reported status in Chinese, e.g. 停止.")
    effective_date: date = Field(description="生效日期 the city reported.")
    city_reason_code: str = Field(description="The city system's own reason code, verbatim.")
    reason_zh: str | None = Field(description="The city's Chinese reason, if any.")
    external_reference: str = Field(description="`case_id:status:effective_date` of the report.")
    state: HeldState = Field(
        description="pending 待确认, refused 与记录冲突, no_recipient 非服务对象 (these three "
        "await an officer: confirm applies it, reject closes it); confirmed, rejected, applied "
        "(by itself, in effective-date order), superseded (older than the status in force)."
    )
    state_zh: str = Field(description="State in Chinese.")
    refusal_code: str | None = Field(
        description="Why it could not apply, e.g. transition_not_allowed, not_a_recipient."
    )
    refusal_zh: str | None = Field(description="The same in Chinese, for the officer.")
    received_at: datetime = Field(description="When review received the report.")
    decided_by: str | None = Field(description="Who confirmed or rejected it (or review).")
    decided_at: datetime | None = Field(description="When.")
    decision_note: str | None = Field(description="不予采纳的理由, for a rejection.")

    @classmethod
    def of(cls, held: HeldReport) -> Self:
        """From a kept report."""
        event, village = held.report, held.village_code
        return cls.model_validate(
            {
                **held.model_dump(exclude={"report"}),
                **event.model_dump(include={"person_id", "effective_date", "city_reason_code"}),
                **event.model_dump(include={"status", "reason_zh", "external_reference"}),
                "village_name_zh": divisions.full_name_zh(village) if village else None,
                "status_zh": event.status.label_zh,
                "state_zh": held.state.label_zh,
            }
        )


class CityReportList(BaseModel):
    """A page of the township's city reports, oldest first."""

    items: list[CityReportRead] = Field(description="The reports on this page.")
    total: int = Field(description="Reports in this state.")
    page: int = Field(description="Page number, from 1.")
    size: int = Field(description="Page size.")


class CityReportRejectIn(BaseModel):
    """不予采纳: why the township does not accept the city's report (the recipient stays)."""

    model_config = ConfigDict(extra="forbid")

    reason_zh: str = Field(
        min_length=1, max_length=200, description="不予采纳的理由 (中文), e.g. 经核实本人健在."
    )

    @field_validator("reason_zh")
    @classmethod
    def _no_personal_numbers(cls, value: str) -> str:
        return no_personal_numbers(value) or value


class CountySettingsIn(BaseModel):
    """县(区)设置: what the county decides for itself."""

    model_config = ConfigDict(extra="forbid")

    confirm_city_stops: bool = Field(
        description="市救助系统报告的停保、死亡须经乡镇确认后生效 (default true). False: they "
        "apply at once, like every other status the city reports."
    )


class CountySettingsRead(BaseModel):
    """A county's settings (the defaults until a county officer changes them)."""

    county_code: str = Field(description="County code, 6 digits.")
    county_name_zh: str = Field(description="Chinese name of the county.")
    confirm_city_stops: bool = Field(
        description="True: the city's stops and deaths wait for a township officer."
    )
    confirm_city_stops_zh: str = Field(description="The same, in Chinese.")
    updated_by: str | None = Field(description="The county officer who last changed it.")
    updated_at: datetime | None = Field(description="When.")

    @classmethod
    def of(cls, settings: CountySettings) -> Self:
        """From the county's settings."""
        confirm = settings.confirm_city_stops
        label = "停保、死亡报告须乡镇确认" if confirm else "停保、死亡报告即时生效"
        values: dict[str, Any] = settings.model_dump()
        name = divisions.full_name_zh(settings.county_code)
        return cls.model_validate(
            {**values, "county_name_zh": name, "confirm_city_stops_zh": label}
        )


#: Request examples shown in the OpenAPI document.
REJECT_EXAMPLES: dict[str, Any] = {
    "alive": {"summary": "经核实本人健在", "value": {"reason_zh": "经入户核实，本人健在"}},
}
SETTINGS_EXAMPLES: dict[str, Any] = {
    "off": {"summary": "停保即时生效", "value": {"confirm_city_stops": False}},
    "on": {"summary": "停保须乡镇确认", "value": {"confirm_city_stops": True}},
}
