"""Request bodies: applications, discovery reports, registration and withdrawal."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from contracts.enums import Channel, RecipientCategory, ServiceCategory, SpecialCondition
from contracts.fields import VillageCode
from contracts.reasons import WithdrawalReason
from intake.domain.model import Claim, Draft, PersonDetails
from intake.schemas.common import (
    ApplicantIn,
    HouseholdIn,
    IdNumber,
    ItemCodes,
    PersonName,
    Phone,
    RequestModel,
    enum_doc,
    field_problem,
)

_CATEGORY_DOC = "服务对象类别 (assistance category claimed): " + enum_doc(
    RecipientCategory.label_zh
)
_CONDITIONS_DOC = (
    "特殊情形 (special conditions): "
    + enum_doc(SpecialCondition.label_zh)
    + ". The last three categories are served only with a disability, serious illness or "
    "severe disability; review decides. Conditions must agree with the age in the ID "
    "number (`minor` under 18; the elder conditions 60 or over), else `condition_contradicts_age`."
)
_VILLAGE_DOC = (
    "村(社区)代码 (12 digits) of where the person lives: a Chizhou village (else "
    "`unknown_village`), and for staff inside their jurisdiction (else 403 `outside_jurisdiction`)."
)
_NEEDS_DOC = "服务需求类别 named directly (needs are also derived from the items): " + enum_doc(
    ServiceCategory.label_zh
)


class ApplicationCreate(RequestModel):
    """An application for service aid (申请), from a window clerk, village staff or an app."""

    channel: Literal["window", "wechat", "wanshitong"] = Field(
        description="申请渠道: `window` 乡镇(街道)窗口 (staff only), `wechat` “池州民政”微信公众号 "
        "and `wanshitong` “皖事通”APP (applicant apps only); otherwise `channel_not_allowed`."
    )
    applicant: ApplicantIn = Field(description="申请人: the person to be served.")
    household: HouseholdIn = Field(
        default_factory=HouseholdIn, description="家庭成员: the applicant's household."
    )
    category: RecipientCategory = Field(description=_CATEGORY_DOC)
    special_conditions: list[SpecialCondition] = Field(
        default_factory=list, max_length=5, description=_CONDITIONS_DOC
    )
    requested_item_codes: ItemCodes = Field(min_length=1)
    consent_to_data_use: bool = Field(
        description="本人同意按规定使用其个人信息 (consent to the use of the data for this "
        "application); must be `true`, else `consent_required`."
    )
    village_code: VillageCode = Field(description=_VILLAGE_DOC, examples=["341702100201"])

    @field_validator("consent_to_data_use")
    @classmethod
    def _consent_given(cls, value: bool) -> bool:
        if value is not True:
            raise field_problem("consent_required", "须经申请人同意使用其个人信息后方可提交申请")
        return value

    def to_draft(self) -> Draft:
        """The application as intake's domain sees it."""
        return Draft(
            channel=Channel(self.channel),
            applicant=self.applicant.to_domain(),
            members=tuple(m.to_domain() for m in self.household.members),
            claim=Claim(
                self.category,
                tuple(dict.fromkeys(self.special_conditions)),
                tuple(self.requested_item_codes),
            ),
            village_code=self.village_code,
            consent_to_data_use=self.consent_to_data_use,
        )


class DiscoveredPersonIn(RequestModel):
    """The person a coordinator found; a phone number is optional."""

    name: PersonName
    id_number: IdNumber
    phone: Phone | None = Field(
        default=None, description="联系电话, if known: a mobile or a landline with area code."
    )


class DiscoveryCreate(RequestModel):
    """A coordinator's proactive-discovery report (主动发现) for a person who did not apply."""

    person: DiscoveredPersonIn = Field(description="被发现的困难群众 (the person found).")
    household: HouseholdIn = Field(
        default_factory=HouseholdIn, description="家庭成员, as far as known."
    )
    category: RecipientCategory = Field(description=_CATEGORY_DOC)
    special_conditions: list[SpecialCondition] = Field(
        default_factory=list, max_length=5, description=_CONDITIONS_DOC
    )
    need_categories: list[ServiceCategory] = Field(
        default_factory=list, max_length=4, description=_NEEDS_DOC
    )
    requested_item_codes: ItemCodes = Field(default_factory=list)
    situation_zh: str | None = Field(
        default=None,
        min_length=1,
        max_length=500,
        description="情况说明: what the coordinator saw. Stays in intake; never published.",
    )
    village_code: VillageCode = Field(description=_VILLAGE_DOC, examples=["341702100201"])

    def to_draft(self) -> Draft:
        """The report as an application draft (channel coordinator_discovery)."""
        return Draft(
            channel=Channel.COORDINATOR_DISCOVERY,
            applicant=PersonDetails(self.person.name, self.person.id_number, self.person.phone),
            members=tuple(m.to_domain() for m in self.household.members),
            claim=Claim(
                self.category,
                tuple(dict.fromkeys(self.special_conditions)),
                tuple(self.requested_item_codes),
                tuple(dict.fromkeys(self.need_categories)),
            ),
            village_code=self.village_code,
            consent_to_data_use=False,
            situation_zh=self.situation_zh,
        )


class RegistrationCreate(RequestModel):
    """受理登记: the township confirms the category, the conditions and the needs."""

    category: RecipientCategory = Field(description="Category as registered. " + _CATEGORY_DOC)
    special_conditions: list[SpecialCondition] = Field(
        default_factory=list, max_length=5, description=_CONDITIONS_DOC
    )
    requested_item_codes: ItemCodes = Field(default_factory=list)
    need_categories: list[ServiceCategory] = Field(
        default_factory=list,
        max_length=4,
        description=_NEEDS_DOC + ". At least one need overall, else `needs_required`.",
    )
    checks_verified: bool = Field(
        default=False,
        description="已核实: the officer verified the application's `verification` checks (ID "
        "card, household register, the other open application); registration then gives the "
        "registry the names and the household applied for. Required when there are checks, "
        "else 409 `verification_pending`.",
    )

    def to_claim(self) -> Claim:
        """The classification as intake's domain holds it."""
        return Claim(
            self.category,
            tuple(dict.fromkeys(self.special_conditions)),
            tuple(self.requested_item_codes),
            tuple(dict.fromkeys(self.need_categories)),
        )


class WithdrawalCreate(RequestModel):
    """撤回申请: possible until the township has decided."""

    reason_code: WithdrawalReason = Field(
        default=WithdrawalReason.APPLICANT_REQUEST,
        description="撤回原因: " + enum_doc(WithdrawalReason.label_zh),
    )
    reason_zh: str | None = Field(
        default=None, min_length=1, max_length=200, description="简要说明 (short note), optional."
    )
