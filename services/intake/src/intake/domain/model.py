"""What intake knows about an application, a person and the county catalogue."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from contracts.enums import Channel, RecipientCategory, ServiceCategory, SpecialCondition
from contracts.labels import ZhEnum, zh_labels
from intake.domain.checks import Check
from intake.domain.status import ApplicationStatus


@zh_labels(
    {
        "spouse": "配偶",
        "child": "子女",
        "parent": "父母",
        "grandparent": "(外)祖父母",
        "grandchild": "(外)孙子女",
        "sibling": "兄弟姐妹",
        "child_in_law": "儿媳/女婿",
        "other": "其他",
    }
)
class Relation(ZhEnum):
    """How a household member is related to the applicant (与申请人关系)."""

    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    GRANDPARENT = "grandparent"
    GRANDCHILD = "grandchild"
    SIBLING = "sibling"
    CHILD_IN_LAW = "child_in_law"
    OTHER = "other"


@dataclass(frozen=True)
class CatalogueEntry:
    """One item of a county catalogue, as intake needs it."""

    item_code: str
    name_zh: str
    service_category: ServiceCategory

    def to_json(self) -> dict[str, str]:
        """The entry as stored in JSON columns."""
        return {
            "item_code": self.item_code,
            "name_zh": self.name_zh,
            "service_category": self.service_category.value,
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, str]) -> CatalogueEntry:
        """Reads an entry stored by ``to_json``."""
        return cls(raw["item_code"], raw["name_zh"], ServiceCategory(raw["service_category"]))


@dataclass(frozen=True)
class Catalogue:
    """One published version of a county's catalogue."""

    county_code: str
    version: int
    effective_from: date
    entries: dict[str, CatalogueEntry]


@dataclass(frozen=True)
class PersonDetails:
    """The person to be served, as submitted (personal data: stays in intake)."""

    name: str
    id_number: str
    phone: str | None = None


@dataclass(frozen=True)
class MemberDetails:
    """Another member of the applicant's household."""

    relation: Relation
    name: str
    id_number: str


@dataclass(frozen=True)
class Claim:
    """What is asked for: category, conditions, items and extra need categories."""

    category: RecipientCategory
    special_conditions: tuple[SpecialCondition, ...] = ()
    requested_item_codes: tuple[str, ...] = ()
    extra_needs: tuple[ServiceCategory, ...] = ()


@dataclass(frozen=True)
class Draft:
    """A new application (or a discovery report) before it is accepted."""

    channel: Channel
    applicant: PersonDetails
    members: tuple[MemberDetails, ...]
    claim: Claim
    village_code: str
    consent_to_data_use: bool
    situation_zh: str | None = None


@dataclass(frozen=True)
class TimelineEntry:
    """One step in the application's history."""

    status: ApplicationStatus
    occurred_at: datetime
    note_zh: str | None = None


@dataclass(frozen=True)
class Application:
    """An application with everything intake holds about it."""

    application_id: uuid.UUID
    person_id: uuid.UUID
    household_id: uuid.UUID
    status: ApplicationStatus
    version: int
    channel: Channel
    category: RecipientCategory
    special_conditions: tuple[SpecialCondition, ...]
    requested_items: tuple[CatalogueEntry, ...]
    need_categories: tuple[ServiceCategory, ...]
    county_code: str
    township_code: str
    village_code: str
    applicant: PersonDetails
    members: tuple[MemberDetails, ...]
    submitted_by: str
    submitted_by_role: str
    submitted_at: datetime
    discovery_id: uuid.UUID | None = None
    survey_id: uuid.UUID | None = None
    survey_version: int | None = None
    status_note_zh: str | None = None
    timeline: tuple[TimelineEntry, ...] = field(default=())
    checks: tuple[Check, ...] = ()  # what the township verifies at registration (staff only)
    duplicate_of: uuid.UUID | None = None  # held while this other application is open

    @property
    def household_size(self) -> int:
        """The applicant plus the other members."""
        return 1 + len(self.members)

    @property
    def requested_item_codes(self) -> tuple[str, ...]:
        """Codes of the items asked for, in the order given."""
        return tuple(i.item_code for i in self.requested_items)

    @property
    def needs_verification(self) -> bool:
        """Whether it waits for the township to verify its checks before registration."""
        return bool(self.checks) and self.status is ApplicationStatus.SUBMITTED


@dataclass(frozen=True)
class Summary:
    """An application as one row of a staff list."""

    application_id: uuid.UUID
    person_id: uuid.UUID
    status: ApplicationStatus
    channel: Channel
    category: RecipientCategory
    need_categories: tuple[ServiceCategory, ...]
    village_code: str
    applicant_name: str
    id_number: str
    submitted_at: datetime
    needs_verification: bool = False


@dataclass(frozen=True)
class ListQuery:
    """One page of a staff list: the jurisdiction, the filters, the page number and size."""

    division: str
    status: ApplicationStatus | None
    village_code: str | None
    number: int
    size: int
    needs_verification: bool | None = None


def advance(
    app: Application,
    status: ApplicationStatus,
    *,
    at: datetime,
    note_zh: str | None = None,
    **changes: object,
) -> Application:
    """The application after a change: new status, next version, one more timeline step."""
    step = TimelineEntry(status, at, note_zh)
    return replace(
        app,
        status=status,
        version=app.version + 1,
        status_note_zh=note_zh,
        timeline=(*app.timeline, step),
        **changes,  # type: ignore[arg-type]
    )


def new_application(
    draft: Draft,
    *,
    person_id: uuid.UUID,
    household_id: uuid.UUID,
    items: tuple[CatalogueEntry, ...],
    needs: tuple[ServiceCategory, ...],
    submitted_by: str,
    submitted_by_role: str,
    at: datetime,
    discovery_id: uuid.UUID | None = None,
) -> Application:
    """A freshly submitted application (version 1) for a validated draft."""
    return Application(
        application_id=uuid.uuid4(),
        person_id=person_id,
        household_id=household_id,
        status=ApplicationStatus.SUBMITTED,
        version=1,
        channel=draft.channel,
        category=draft.claim.category,
        special_conditions=draft.claim.special_conditions,
        requested_items=items,
        need_categories=needs,
        # The division table guarantees a village code extends its township's and county's.
        county_code=draft.village_code[:6],
        township_code=draft.village_code[:9],
        village_code=draft.village_code,
        applicant=draft.applicant,
        members=draft.members,
        submitted_by=submitted_by,
        submitted_by_role=submitted_by_role,
        submitted_at=at,
        discovery_id=discovery_id,
        timeline=(TimelineEntry(ApplicationStatus.SUBMITTED, at, _how_it_came(draft.channel)),),
    )


def _how_it_came(channel: Channel) -> str:
    if channel is Channel.COORDINATOR_DISCOVERY:
        return "协理员主动发现，代为提出申请"
    if channel is Channel.CITY_SYSTEM:
        return "市社会救助信息系统新纳入，月度跟进提出服务需求评估申请"
    if channel in (Channel.WECHAT, Channel.WANSHITONG):
        # Said to every app applicant alike: whether anything is held is not theirs to learn.
        return f"通过{channel.label_zh}提交申请；如有重复申请或信息与登记不符，将由乡镇(街道)核实"
    return f"通过{channel.label_zh}提交申请"
