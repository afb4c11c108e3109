"""The city system's report over HTTP, what intake answers, and a follow-up run."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, Field

from contracts.inbound import StatusReport
from intake.schemas.common import IdNumber


class AssistanceStatusIn(StatusReport):
    """市社会救助信息系统的状态报告 over HTTP: an `assistance.status.v2` report, number in clear."""

    # Over HTTP the number reaches intake itself (TLS, signed body) and is resolved in the
    # request: no log keeps it, so it need not be sealed as it must be on the topic.
    id_number: IdNumber


class CityStatusReceipt(BaseModel):
    """What intake did with a report; review applies it to the recipient from Kafka."""

    external_reference: str = Field(description="`case_id:status:effective_date` of the report.")
    person_id: uuid.UUID = Field(description="Our person id for the ID number (keep it).")
    repeated: bool = Field(
        description="True when this reference was received before: nothing was done again."
    )


class FollowUpRun(BaseModel):
    """The applications one run of the monthly follow-up opened."""

    month: str = Field(description="The month followed up, YYYY-MM.")
    opened: list[uuid.UUID] = Field(
        description="Applications opened (channel city_system) and registered; none on a re-run."
    )


#: Request examples for the OpenAPI document (invented ID numbers with valid check characters).
CITY_REPORT: dict[str, Any] = {
    "admitted": {
        "summary": "新纳入低保 (newly admitted)",
        "value": {
            "case_id": "CZ-DB-2024-000123",
            "id_number": "341702195001010036",
            "status": "active",
            "category": "dibao",
            "effective_date": "2024-05-06",
            "reason_code": "XN01",
            "reason_zh": "新纳入低保",
            "county_code": "341702",
            "township_code": "341702100",
            "village_code": "341702100201",
        },
    },
    "stopped": {
        "summary": "停保 (assistance stopped)",
        "value": {
            "case_id": "CZ-DB-2024-000123",
            "id_number": "341702195001010036",
            "status": "stopped",
            "category": "dibao",
            "effective_date": "2024-07-01",
            "reason_code": "TB01",
            "reason_zh": "家庭收入超过低保标准",
            "county_code": "341702",
        },
    },
}
