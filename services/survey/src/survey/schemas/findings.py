"""HTTP models of the household visit's findings, as the 智慧民政 app uploads them."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from civic import clock
from contracts import resident_id
from contracts.enums import SelfCareLevel, ServiceCategory, SpecialCondition
from contracts.fields import ItemCode
from survey.domain import TaskStatus
from survey.schemas.common import Note, RequestModel, UserIdField, field_error, unique

#: A reference to a photo the app uploaded to the county's file store (not the image itself).
PhotoRef = Annotated[
    str, Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9][A-Za-z0-9._/:-]*$")
]


class LivingSituation(RequestModel):
    """How the person lives (居住情况)."""

    lives_alone: bool = Field(description="Whether the person lives alone (独居).")
    has_caregiver: bool = Field(description="Whether someone looks after the person (有人照料).")
    notes: Note | None = Field(
        default=None, description="Housing and daily-life notes; kept in survey only."
    )


class HouseholdMember(RequestModel):
    """A household member the team met or confirmed (核实的家庭成员)."""

    name: str = Field(min_length=1, max_length=50, description="Full name (kept in survey only).")
    relation: str = Field(
        min_length=1,
        max_length=20,
        description="Relation to the applicant, in Chinese: 本人, 配偶, 子女, 父母, 其他…",
        examples=["本人"],
    )
    id_number: str | None = Field(
        default=None,
        description="Resident ID number if checked (GB 11643); shown masked when read back.",
    )
    present_at_visit: bool = Field(default=True, description="Whether met in person at the visit.")

    @field_validator("id_number")
    @classmethod
    def _valid_id(cls, value: str | None) -> str | None:
        if value is None:
            return None
        problem = resident_id.validate(value, today=clock.today())
        if problem is not None:
            raise field_error(problem.value, problem.label_zh)
        return resident_id.normalize(value)


class CareNeedIn(RequestModel):
    """A care need found within one of the four service categories."""

    service_category: ServiceCategory = Field(
        description="生活照料 life_care, 健康护理 health_care, 清洁服务 cleaning, "
        "能力提升 capability_building."
    )
    item_codes: list[ItemCode] = Field(
        default_factory=list,
        max_length=20,
        description="Catalogue items that would meet it (e.g. LC-01, CL-01, HC-02).",
    )
    urgent: bool = Field(default=False, description="Whether the need is urgent (急难).")
    notes: Note | None = Field(default=None, description="Details; kept in survey only.")

    @field_validator("item_codes")
    @classmethod
    def _no_repeats(cls, value: list[str]) -> list[str]:
        return list(unique(value, "服务事项"))


class Location(RequestModel):
    """Where the app recorded the visit (WGS-84)."""

    latitude: float = Field(ge=-90, le=90, description="Latitude in degrees.", examples=[30.66])
    longitude: float = Field(
        ge=-180, le=180, description="Longitude in degrees.", examples=[117.49]
    )
    accuracy_m: float | None = Field(default=None, ge=0, description="Reported accuracy, metres.")


class HouseholdMemberRead(BaseModel):
    """A confirmed household member as staff read it back: the ID number masked."""

    name: str = Field(description="Full name.")
    relation: str = Field(description="Relation to the applicant.")
    id_number_masked: str | None = Field(
        default=None, description="ID number masked: 3417**********0014.", examples=[None]
    )
    present_at_visit: bool = Field(description="Whether met in person at the visit.")


class _Findings(RequestModel):
    """The findings other than the household members."""

    visited_at: AwareDatetime = Field(
        description="When the visit took place, with offset. Late uploads are accepted; a "
        "time more than 5 minutes in the future is refused (visit_in_future)."
    )
    location: Location = Field(description="Where the visit was recorded.")
    living_situation: LivingSituation = Field(description="Living situation.")
    self_care_level: SelfCareLevel = Field(
        description="Assessed self-care: able 能自理, mild 轻度失能, moderate 中度失能, "
        "severe 重度失能."
    )
    confirmed_conditions: list[SpecialCondition] = Field(
        default_factory=list, description="Special conditions the team confirmed."
    )
    health_notes: Note | None = Field(
        default=None, description="Health and disability details; never leave survey."
    )
    care_needs: list[CareNeedIn] = Field(
        default_factory=list, max_length=4, description="Care needs, one entry per category."
    )
    identity_verified: bool = Field(
        description="Whether identity and household registration were verified."
    )
    income_assets_notes: Note | None = Field(
        default=None, description="Income and assets (收入和财产) notes; kept in survey only."
    )
    photo_refs: list[PhotoRef] = Field(
        default_factory=list, max_length=30, description="References to photos already uploaded."
    )
    confirmed_by: list[UserIdField] = Field(
        min_length=2,
        max_length=2,
        description="User ids of both team members confirming (双人确认); must be the team.",
    )

    @field_validator("confirmed_conditions")
    @classmethod
    def _conditions_once(cls, value: list[SpecialCondition]) -> list[SpecialCondition]:
        return list(unique(value, "特殊情形"))

    @field_validator("care_needs")
    @classmethod
    def _one_need_per_category(cls, value: list[CareNeedIn]) -> list[CareNeedIn]:
        unique([n.service_category for n in value], "服务类别")
        return value

    @field_validator("confirmed_by")
    @classmethod
    def _two_confirmers(cls, value: list[str]) -> list[str]:
        if len(set(value)) != 2:
            raise field_error("confirmation_incomplete", "须由调查组两名不同成员共同确认")
        return value


FINDINGS_EXAMPLE: dict[str, Any] = {
    "visited_at": "2024-05-06T09:30:00+08:00",
    "location": {"latitude": 30.6601, "longitude": 117.4912, "accuracy_m": 15},
    "living_situation": {"lives_alone": True, "has_caregiver": False, "notes": "独居平房"},
    "self_care_level": "moderate",
    "confirmed_conditions": ["semi_disabled_elder"],
    "health_notes": "高血压，行动不便",
    "care_needs": [
        {"service_category": "life_care", "item_codes": ["LC-01", "LC-03"], "urgent": False},
        {"service_category": "cleaning", "item_codes": ["CL-01"]},
    ],
    "household_members": [{"name": "张三", "relation": "本人", "present_at_visit": True}],
    "identity_verified": True,
    "income_assets_notes": "低保金为主要收入，无其他财产",
    "photo_refs": ["photos/2024/05/06/3f2a.jpg"],
    "confirmed_by": ["u-village-01", "u-coordinator-01"],
}


class FindingsIn(_Findings):
    """What the two-person team found at the household (入户调查结果)."""

    model_config = ConfigDict(json_schema_extra={"examples": [FINDINGS_EXAMPLE]})

    household_members: list[HouseholdMember] = Field(
        min_length=1, max_length=50, description="Household members confirmed (at least 本人)."
    )


class FindingsReceipt(BaseModel):
    """The answer to an upload; a retry of the same upload gets exactly this answer again."""

    survey_id: uuid.UUID = Field(description="The survey.")
    person_id: uuid.UUID = Field(description="The applicant visited (intake's person id).")
    submission_id: uuid.UUID = Field(description="The app's id of this upload.")
    status: TaskStatus = Field(description="Task status after the upload.")
    version: int = Field(description="Task version after the upload.")
    visited_on: date = Field(description="Visit day (Asia/Shanghai).")
    received_at: datetime = Field(description="When survey stored the findings.")


class FindingsRead(_Findings):
    """Stored findings as read back by staff: ID numbers masked."""

    household_members: list[HouseholdMemberRead] = Field(description="Members confirmed.")
    submission_id: uuid.UUID = Field(description="The app's id of the upload.")
    submitted_by: str = Field(description="Team member who uploaded.")
    received_at: datetime = Field(description="When survey stored the findings.")

    @classmethod
    def from_stored(cls, body: dict[str, Any], **meta: Any) -> FindingsRead:
        """Builds the read model from the stored body, masking ID numbers."""
        members = [
            {
                "name": m["name"],
                "relation": m["relation"],
                "id_number_masked": resident_id.mask(m["id_number"])
                if m.get("id_number")
                else None,
                "present_at_visit": m["present_at_visit"],
            }
            for m in body["household_members"]
        ]
        return cls.model_validate({**body, "household_members": members, **meta})
