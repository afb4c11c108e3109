"""Response bodies: an application's status and timeline, and staff lists. Personal numbers
are always masked here; the full ID number never leaves intake.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Generic, TypeVar

from pydantic import BaseModel, Field

from contracts import divisions, resident_id
from contracts.enums import (
    Channel,
    RecipientCategory,
    ServiceCategory,
    SpecialCondition,
    is_eligible,
)
from contracts.labels import ZhEnum
from intake.domain.checks import Check, CheckKind
from intake.domain.city import shown_name
from intake.domain.model import (
    Application,
    CatalogueEntry,
    MemberDetails,
    PersonDetails,
    Relation,
    Summary,
    TimelineEntry,
)
from intake.domain.rules import mask_phone
from intake.domain.status import ApplicationStatus
from intake.schemas.common import enum_doc

E = TypeVar("E", bound=ZhEnum)

_STATUS_DOC = "办理状态: " + enum_doc(ApplicationStatus.label_zh)


class Coded(BaseModel, Generic[E]):
    """A code with its Chinese label."""

    code: E = Field(description="Machine-readable code.")
    label_zh: str = Field(description="Chinese label for display.")

    @classmethod
    def of(cls, value: E) -> Coded[E]:
        """Wraps an enum member with its label."""
        return cls(code=value, label_zh=value.label_zh)


class ItemRead(BaseModel):
    """A requested service item, named as in the catalogue used when it was requested."""

    item_code: str = Field(description="Catalogue item code, e.g. LC-01.")
    name_zh: str = Field(description="服务项目名称, e.g. 居家照料.")
    service_category: Coded[ServiceCategory] = Field(description="Service category of the item.")

    @classmethod
    def of(cls, entry: CatalogueEntry) -> ItemRead:
        """Builds the item view."""
        return cls(
            item_code=entry.item_code,
            name_zh=entry.name_zh,
            service_category=Coded[ServiceCategory].of(entry.service_category),
        )


class ApplicantRead(BaseModel):
    """The person to be served, with the ID number and phone masked."""

    name: str = Field(description="姓名 (shown in full to the applicant's app and to staff).")
    display_name: str = Field(description="Masked name for lists and publicity, e.g. 张**.")
    id_number_masked: str = Field(description="身份证号码, masked: 3417**********0036.")
    phone_masked: str | None = Field(description="联系电话, masked: 138****1234; may be absent.")

    @classmethod
    def of(cls, person: PersonDetails) -> ApplicantRead:
        """Builds the applicant view, masking the numbers."""
        return cls(
            name=person.name,
            display_name=shown_name(person.name),
            id_number_masked=resident_id.mask(person.id_number),
            phone_masked=mask_phone(person.phone),
        )


class MemberRead(BaseModel):
    """A household member, ID number masked."""

    relation: Coded[Relation] = Field(description="与申请人关系.")
    name: str = Field(description="姓名.")
    id_number_masked: str = Field(description="身份证号码, masked.")

    @classmethod
    def of(cls, member: MemberDetails) -> MemberRead:
        """Builds the member view."""
        return cls(
            relation=Coded[Relation].of(member.relation),
            name=member.name,
            id_number_masked=resident_id.mask(member.id_number),
        )


class StepRead(BaseModel):
    """One step of the timeline (办理进度)."""

    status: Coded[ApplicationStatus] = Field(description=_STATUS_DOC)
    occurred_at: datetime = Field(description="When it happened (ISO 8601 with offset).")
    note_zh: str | None = Field(description="Chinese note, e.g. the reason of a rejection.")

    @classmethod
    def of(cls, step: TimelineEntry) -> StepRead:
        """Builds the step view."""
        return cls(
            status=Coded[ApplicationStatus].of(step.status),
            occurred_at=step.occurred_at,
            note_zh=step.note_zh,
        )


class CheckRead(BaseModel):
    """A check (核实事项) the township verifies before registering an app's application."""

    kind: Coded[CheckKind] = Field(description="核实事项: " + enum_doc(CheckKind.label_zh))
    field: str = Field(description="Who it concerns: body.applicant or body.household.members.N.")
    application_id: uuid.UUID | None = Field(
        description="The person's other open application (for `open_application`)."
    )

    @classmethod
    def of(cls, check: Check) -> CheckRead:
        """Builds the check view (no name, no ID number)."""
        return cls(
            kind=Coded[CheckKind].of(check.kind),
            field=check.field,
            application_id=check.application_id,
        )


class ApplicationRead(BaseModel):
    """An application as the applicant's app and staff see it."""

    application_id: uuid.UUID = Field(description="申请编号; use it to follow the application.")
    person_id: uuid.UUID = Field(
        description="Stable id intake gave the person (not the ID number)."
    )
    household_id: uuid.UUID = Field(description="Id of the person's household (户).")
    status: Coded[ApplicationStatus] = Field(description=_STATUS_DOC)
    status_note_zh: str | None = Field(description="Latest note on the status, e.g. a reason.")
    version: int = Field(description="Increases on every change of the application.")
    channel: Coded[Channel] = Field(description="申请渠道: " + enum_doc(Channel.label_zh))
    category: Coded[RecipientCategory] = Field(description="服务对象类别 claimed or registered.")
    special_conditions: list[Coded[SpecialCondition]] = Field(description="特殊情形.")
    within_service_scope: bool = Field(
        description="Whether category and conditions fall within the service scope (the last "
        "three categories need a disability, serious illness or severe disability). A hint "
        "for the window clerk; review decides."
    )
    requested_items: list[ItemRead] = Field(description="服务项目 asked for.")
    need_categories: list[Coded[ServiceCategory]] = Field(
        description="需求分类 (classified needs)."
    )
    applicant: ApplicantRead = Field(description="申请人 (the person to be served).")
    household: list[MemberRead] = Field(description="Other household members.")
    household_size: int = Field(description="People in the household, the applicant included.")
    county_code: str = Field(description="县(区)代码.")
    township_code: str = Field(description="乡镇(街道)代码.")
    village_code: str = Field(description="村(社区)代码.")
    village_name_zh: str = Field(description="Full place name, e.g. 池州市贵池区殷汇镇示例一村.")
    discovery_id: uuid.UUID | None = Field(description="The coordinator's report, if discovered.")
    submitted_at: datetime = Field(description="When it was submitted.")
    timeline: list[StepRead] = Field(description="办理进度, oldest first.")
    verification: list[CheckRead] = Field(
        description="待核实事项 for the township's registration, shown to staff in jurisdiction "
        "only; always empty for the applicant's app, which is answered alike either way."
    )

    @classmethod
    def of(cls, app: Application) -> ApplicationRead:
        """Builds the view of an application, masking ID numbers and phones."""
        return cls(
            application_id=app.application_id,
            person_id=app.person_id,
            household_id=app.household_id,
            status=Coded[ApplicationStatus].of(app.status),
            status_note_zh=app.status_note_zh,
            version=app.version,
            channel=Coded[Channel].of(app.channel),
            category=Coded[RecipientCategory].of(app.category),
            special_conditions=[Coded[SpecialCondition].of(c) for c in app.special_conditions],
            within_service_scope=is_eligible(app.category, app.special_conditions),
            requested_items=[ItemRead.of(i) for i in app.requested_items],
            need_categories=[Coded[ServiceCategory].of(c) for c in app.need_categories],
            applicant=ApplicantRead.of(app.applicant),
            household=[MemberRead.of(m) for m in app.members],
            household_size=app.household_size,
            county_code=app.county_code,
            township_code=app.township_code,
            village_code=app.village_code,
            village_name_zh=divisions.full_name_zh(app.village_code),
            discovery_id=app.discovery_id,
            submitted_at=app.submitted_at,
            timeline=[StepRead.of(s) for s in app.timeline],
            verification=[CheckRead.of(c) for c in app.checks],
        )


class ApplicationSummaryRead(BaseModel):
    """One row of a staff list; the name and the ID number are masked."""

    application_id: uuid.UUID = Field(description="申请编号.")
    person_id: uuid.UUID = Field(description="The applicant's stable id (never the ID number).")
    status: Coded[ApplicationStatus] = Field(description=_STATUS_DOC)
    channel: Coded[Channel] = Field(description="申请渠道.")
    category: Coded[RecipientCategory] = Field(description="服务对象类别.")
    need_categories: list[Coded[ServiceCategory]] = Field(description="需求分类.")
    display_name: str = Field(description="Masked name, e.g. 张**.")
    id_number_masked: str = Field(description="身份证号码, masked.")
    village_code: str = Field(description="村(社区)代码.")
    village_name_zh: str = Field(description="Full place name.")
    submitted_at: datetime = Field(description="When it was submitted.")
    needs_verification: bool = Field(
        description="Submitted with checks the township verifies before registering it."
    )

    @classmethod
    def of(cls, row: Summary) -> ApplicationSummaryRead:
        """Builds a list row."""
        return cls(
            application_id=row.application_id,
            person_id=row.person_id,
            status=Coded[ApplicationStatus].of(row.status),
            channel=Coded[Channel].of(row.channel),
            category=Coded[RecipientCategory].of(row.category),
            need_categories=[Coded[ServiceCategory].of(c) for c in row.need_categories],
            display_name=shown_name(row.applicant_name),
            id_number_masked=resident_id.mask(row.id_number),
            village_code=row.village_code,
            village_name_zh=divisions.full_name_zh(row.village_code),
            submitted_at=row.submitted_at,
            needs_verification=row.needs_verification,
        )


class ApplicationList(BaseModel):
    """A page of applications."""

    items: list[ApplicationSummaryRead] = Field(description="This page, newest first.")
    total: int = Field(description="Applications matching the filters in the jurisdiction.")
    page: int = Field(description="Page number, from 1.")
    size: int = Field(description="Page size (at most 100).")
