"""Rules an application must satisfy beyond the shape of its fields, and need classification."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from contracts import divisions, resident_id
from contracts.enums import Channel, ServiceCategory, SpecialCondition
from intake.domain.model import Catalogue, CatalogueEntry, Claim, Draft

ADULT_AGE = 18
ELDER_AGE = 60  # 老年人: 60 周岁以上 (《老年人权益保障法》第二条)
_ELDER_CONDITIONS = frozenset(
    {SpecialCondition.DISABLED_ELDER, SpecialCondition.SEMI_DISABLED_ELDER}
)
APP_CHANNELS = frozenset({Channel.WECHAT, Channel.WANSHITONG})
#: What a person's name may not contain, however it arrives (a form, an import file).
NAME_FORBIDDEN = re.compile(r"[\d*<>{}\[\]\\/@#$%^&=+|~`]")


@dataclass(frozen=True)
class Violation:
    """One broken rule: a machine code, a Chinese message and the field it concerns."""

    code: str
    message_zh: str
    field: str


class InvalidApplication(Exception):
    """The application breaks one or more rules; nothing may be stored (a 422 refusal)."""

    kind = "invalid"

    def __init__(self, violations: Sequence[Violation]) -> None:
        super().__init__("; ".join(v.code for v in violations))
        self.violations = tuple(violations)
        one = len(self.violations) == 1
        self.code = self.violations[0].code if one else "validation_failed"
        self.message_zh = (
            self.violations[0].message_zh if one else "提交的数据未通过校验，未作任何保存"
        )

    @property
    def errors(self) -> list[dict[str, str]]:
        """One invalid field per violation, in the problem document's shape."""
        return [
            {"field": v.field, "code": v.code, "message": v.message_zh} for v in self.violations
        ]


def age_on(born: date, day: date) -> int:
    """Completed years of age on ``day`` (周岁)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def classify(
    items: Iterable[CatalogueEntry], extra: Iterable[ServiceCategory] = ()
) -> tuple[ServiceCategory, ...]:
    """Need categories: those of the items asked for plus any named directly, in list order."""
    wanted = {i.service_category for i in items} | set(extra)
    return tuple(c for c in ServiceCategory if c in wanted)


def resolve_items(
    codes: Sequence[str], catalogue: Catalogue | None, field: str
) -> tuple[CatalogueEntry, ...]:
    """The catalogue entries for ``codes``; raises InvalidApplication naming each unknown code."""
    if codes and catalogue is None:
        raise InvalidApplication(
            [
                Violation(
                    "catalogue_not_in_force", "本县(区)尚无生效的服务项目目录，暂不能受理", field
                )
            ]
        )
    entries = catalogue.entries if catalogue else {}
    unknown = [
        Violation("unknown_item", f"服务项目 {code} 不在本县(区)现行服务项目目录中", f"{field}.{n}")
        for n, code in enumerate(codes)
        if code not in entries
    ]
    if unknown:
        raise InvalidApplication(unknown)
    return tuple(entries[c] for c in codes)


def check_conditions_against_age(
    conditions: Iterable[SpecialCondition], id_number: str, day: date, field: str
) -> list[Violation]:
    """Age-bound conditions must agree with the birth date in the ID number."""
    age = age_on(resident_id.birth_date(id_number), day)
    found = []
    if SpecialCondition.MINOR in conditions and age >= ADULT_AGE:
        found.append(
            Violation("condition_contradicts_age", "申请人已满18周岁，不属于未成年人", field)
        )
    if _ELDER_CONDITIONS.intersection(conditions) and age < ELDER_AGE:
        found.append(
            Violation(
                "condition_contradicts_age", "申请人未满60周岁，不属于失能或半失能老年人", field
            )
        )
    return found


def check_channel(channel: Channel, *, by_applicant_app: bool) -> list[Violation]:
    """The apps submit as WeChat or 皖事通; staff enter applications taken at a window."""
    if by_applicant_app and channel not in APP_CHANNELS:
        return [
            Violation("channel_not_allowed", "线上申请的渠道应为微信公众号或皖事通", "body.channel")
        ]
    if not by_applicant_app and channel is not Channel.WINDOW:
        return [
            Violation(
                "channel_not_allowed", "工作人员代为录入的申请，渠道应为窗口申请", "body.channel"
            )
        ]
    return []


def check_village(village_code: str, field: str = "body.village_code") -> list[Violation]:
    """The village must be a village or community in Chizhou's division table."""
    found = divisions.get(village_code)
    if found is None or found.level is not divisions.DivisionLevel.VILLAGE:
        return [Violation("unknown_village", "不是池州市的村(社区)代码", field)]
    return []


def check_household(draft: Draft) -> list[Violation]:
    """Each person appears once: the applicant is not also listed as a member."""
    seen, found = {draft.applicant.id_number}, []
    for n, member in enumerate(draft.members):
        if member.id_number in seen:
            field = f"body.household.members.{n}.id_number"
            found.append(Violation("duplicate_person", "同一身份证号码在申请中重复出现", field))
        seen.add(member.id_number)
    return found


def check_draft(draft: Draft, *, day: date, conditions_field: str) -> None:
    """Every rule a new application must meet that the request shape cannot express."""
    problems = check_village(draft.village_code) + check_household(draft)
    problems += check_conditions_against_age(
        draft.claim.special_conditions, draft.applicant.id_number, day, conditions_field
    )
    if problems:
        raise InvalidApplication(problems)


def check_needs(claim: Claim, items: Sequence[CatalogueEntry], field: str) -> None:
    """An application must name at least one need, by item or by category."""
    if not classify(items, claim.extra_needs):
        raise InvalidApplication([Violation("needs_required", "请至少选择一项服务需求", field)])


def choose_household(
    applicant_household: uuid.UUID | None, member_households: Iterable[uuid.UUID | None]
) -> uuid.UUID:
    """Keeps a household id intake already gave the applicant or a member; else a new one."""
    if applicant_household is not None:
        return applicant_household
    known = next((h for h in member_households if h is not None), None)
    return known or uuid.uuid4()


def mask_phone(phone: str | None) -> str | None:
    """Keeps the first 3 and last 4 digits: 138****5678."""
    if phone is None:
        return None
    digits = phone.replace("-", "").replace(" ", "")
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
