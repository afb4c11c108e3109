"""Field types shared by intake's request models, with reason codes and Chinese messages."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from civic import clock
from contracts import resident_id
from contracts.fields import ItemCode
from intake.domain.model import MemberDetails, PersonDetails, Relation
from intake.domain.rules import NAME_FORBIDDEN as _NAME_FORBIDDEN

T = TypeVar("T")

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")


def enum_doc(labels: Mapping[str, str]) -> str:
    """Lists an enum's codes with their Chinese labels, for field descriptions."""
    return "; ".join(f"`{code}` {label}" for code, label in labels.items())


def field_problem(code: str, message_zh: str) -> PydanticCustomError:
    """A validation error whose 422 carries this reason code and Chinese message."""
    return PydanticCustomError(code, message_zh, {"reason_code": code, "message_zh": message_zh})


def _id_number(value: str) -> str:
    problem = resident_id.validate(value, today=clock.today())
    if problem is not None:
        raise field_problem(problem.value, problem.label_zh)
    return resident_id.normalize(value)


def _phone(value: str) -> str:
    digits = re.sub(r"[\s-]", "", value)
    if not (_MOBILE.match(digits) or _LANDLINE.match(digits)):
        raise field_problem("bad_phone", "电话号码应为11位手机号或带区号的固定电话")
    return digits


def _name(value: str) -> str:
    name = value.strip()
    if not 2 <= len(name) <= 50 or _NAME_FORBIDDEN.search(name):
        raise field_problem("bad_name", "姓名应为2至50个字符，不含数字或特殊符号")
    return name


def _unique(values: list[T]) -> list[T]:
    return list(dict.fromkeys(values))  # a repeated choice adds nothing; keep the first order


IdNumber = Annotated[
    str,
    Field(
        description=(
            "居民身份证号码 (GB 11643, 18 characters; a trailing `x` is accepted and stored "
            "as `X`). Checked for length, format, region (province) code, a real birth date "
            "and the check character; a failure names the field with one of the codes "
            + enum_doc(resident_id.IdProblem.label_zh)
            + ". Never returned in full: responses show it masked (3417**********0014)."
        ),
        examples=["341702195001010036"],
    ),
    AfterValidator(_id_number),
]
Phone = Annotated[
    str,
    Field(
        max_length=20,
        description="联系电话: an 11-digit mobile or a landline with area code; "
        "blanks and dashes are ignored. Error code `bad_phone`. Returned masked.",
        examples=["13805661234"],
    ),
    AfterValidator(_phone),
]
PersonName = Annotated[
    str,
    Field(
        description="姓名: 2-50 characters, no digits or symbols such as `*`. "
        "Error code `bad_name`.",
        examples=["张桂英"],
    ),
    AfterValidator(_name),
]
ItemCodes = Annotated[
    list[ItemCode],
    Field(
        max_length=20,
        description="Codes of service items from the county catalogue in force (e.g. `LC-01` "
        "居家照料). Repeats are dropped. An unknown code gives `unknown_item` on "
        "`body.<field>.<n>`; with no catalogue in force the code is `catalogue_not_in_force`.",
        examples=[["LC-03", "CL-01"]],
    ),
    AfterValidator(_unique),
]


class RequestModel(BaseModel):
    """Base of request bodies: unknown fields are refused, so typos do not pass silently."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class MemberIn(RequestModel):
    """Another member of the applicant's household (the applicant is not repeated here)."""

    relation: Relation = Field(
        description="与申请人关系 (relation to the applicant): " + enum_doc(Relation.label_zh)
    )
    name: PersonName
    id_number: IdNumber

    def to_domain(self) -> MemberDetails:
        """The member as intake's domain holds it."""
        return MemberDetails(self.relation, self.name, self.id_number)


class HouseholdIn(RequestModel):
    """The household (户) the person to be served lives in."""

    members: list[MemberIn] = Field(
        default_factory=list,
        max_length=49,
        description="The other members (家庭成员), each with an ID number; the household size "
        "is 1 + their number. An ID number that appears twice is refused (`duplicate_person`).",
    )


class ApplicantIn(RequestModel):
    """The person to be served (服务对象本人), who need not be the one filling in the form."""

    name: PersonName
    id_number: IdNumber
    phone: Phone

    def to_domain(self) -> PersonDetails:
        """The applicant as intake's domain holds it."""
        return PersonDetails(self.name, self.id_number, self.phone)


def problem_example(status: int, code: str, title: str, **more: Any) -> dict[str, Any]:
    """A problem document for OpenAPI examples."""
    return {
        "type": f"urn:chizhou-assistance:problem:{code}",
        "title": title,
        "status": status,
        "code": code,
        "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
        **more,
    }
