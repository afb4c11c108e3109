"""The body of an officer's status change, with examples for the officers' apps."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from contracts.enums import RecipientCategory, RecipientStatus
from contracts.fields import CountyCode, TownshipCode, VillageCode
from contracts.privacy import looks_like_id_number, looks_like_phone
from contracts.reasons import StatusChangeReason
from review.domain.status import StatusChange


def no_personal_numbers(value: str | None) -> str | None:
    """Refuses a note holding an ID or phone number (422 ``personal_data_in_reason``)."""
    if value and (looks_like_id_number(value) or looks_like_phone(value)):
        raise PydanticCustomError(
            "personal_data_in_reason",
            "reason contains an ID or phone number",
            {
                "reason_code": "personal_data_in_reason",
                "message_zh": "说明中不得含身份证号或电话号码",
            },
        )
    return value


ChangeTo = Literal["suspended", "resumed", "stopped", "category_changed", "transferred", "deceased"]


class StatusChangeIn(BaseModel):
    """状态变更: the new status, from which day, why, and what goes with it."""

    model_config = ConfigDict(extra="forbid")

    status: ChangeTo = Field(
        description="新状态: suspended 暂停 (expected_end), resumed 恢复 (after a suspension), "
        "stopped 停止, category_changed 类别变更 (new_category), transferred 迁移 (new "
        "county/township/village), deceased 死亡. Stopped and deceased are final."
    )
    effective_date: date = Field(
        description="生效日期: not before the admission nor the last change's effective date."
    )
    reason_code: StatusChangeReason = Field(description="变更原因代码.")
    reason_zh: str | None = Field(
        default=None, min_length=1, max_length=200, description="变更说明 (中文; sent to services)."
    )
    expected_end: date | None = Field(
        default=None, description="暂停: 预计结束日期 (after the effective date), if known."
    )
    new_category: RecipientCategory | None = Field(
        default=None, description="类别变更: 新的救助类别 (required, different from the current)."
    )
    new_county_code: CountyCode | None = Field(
        default=None, description="迁移: 迁入县(区) code, 6 digits (required)."
    )
    new_township_code: TownshipCode | None = Field(
        default=None, description="迁移: 迁入乡镇(街道) code, 9 digits (required)."
    )
    new_village_code: VillageCode | None = Field(
        default=None, description="迁移: 迁入村(社区) code, 12 digits, in Chizhou (required)."
    )

    @field_validator("reason_zh")
    @classmethod
    def _no_personal_numbers(cls, value: str | None) -> str | None:
        # The note is published to every service on Kafka.
        return no_personal_numbers(value)

    def to_domain(self) -> StatusChange:
        """The domain's change."""
        return StatusChange.model_validate(
            {**self.model_dump(), "status": RecipientStatus(self.status)}
        )


#: Request examples shown in the OpenAPI document.
STATUS_EXAMPLES: dict[str, Any] = {
    "stop": {
        "summary": "停止救助",
        "value": {
            "status": "stopped",
            "effective_date": "2024-07-01",
            "reason_code": "assistance_stopped",
            "reason_zh": "家庭收入超过标准，终止低保",
        },
    },
    "suspend": {
        "summary": "住院暂停",
        "value": {
            "status": "suspended",
            "effective_date": "2024-07-01",
            "reason_code": "entered_institution",
            "expected_end": "2024-08-01",
        },
    },
    "transfer": {
        "summary": "迁至另一乡镇",
        "value": {
            "status": "transferred",
            "effective_date": "2024-07-01",
            "reason_code": "moved",
            "new_county_code": "341702",
            "new_township_code": "341702101",
            "new_village_code": "341702101201",
        },
    },
}
