"""Resident ID numbers (GB 11643): check character, birth date, region, masking."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from contracts import resident_id as rid
from contracts.resident_id import IdProblem, InvalidIdNumber, ResidentIdNumber

pytestmark = pytest.mark.unit

VALID = "341702199003070014"  # 贵池区, 1990-03-07 (fictitious)
LEAP_DAY = "341722200002290032"  # 石台县, 2000-02-29


def with_check_char(body17: str) -> str:
    return body17 + rid.check_char(body17)


@pytest.mark.parametrize(
    "number",
    [VALID, LEAP_DAY, "341721198511110021", "341723197808150049", "11010519491231002X"],
)
def test_fixtures_are_valid(number: str) -> None:
    assert rid.validate(number) is None
    assert rid.is_valid(number)


def test_lower_case_x_and_blanks_are_normalized() -> None:
    assert rid.is_valid(" 11010519491231002x ")
    assert rid.require_valid("11010519491231002x") == "11010519491231002X"


def test_wrong_check_char() -> None:
    assert rid.validate("341702199003070015") is IdProblem.BAD_CHECK_CHAR


def test_feb_30_is_not_a_birth_date() -> None:
    assert rid.validate(with_check_char("34172220000230003")) is IdProblem.BAD_BIRTH_DATE


def test_feb_29_of_a_common_year_is_not_a_birth_date() -> None:
    assert rid.validate(with_check_char("34172220010229003")) is IdProblem.BAD_BIRTH_DATE


@pytest.mark.parametrize(
    ("body17", "today"),
    [("34170218991231001", None), ("34170220300101001", date(2026, 1, 1))],
    ids=["before-1900", "future"],
)
def test_birth_date_must_be_real(body17: str, today: date | None) -> None:
    assert rid.validate(with_check_char(body17), today=today) is IdProblem.BAD_BIRTH_DATE


@pytest.mark.parametrize("prefix", ["00", "10", "71", "81", "99"])
def test_region_must_be_a_mainland_province(prefix: str) -> None:
    assert rid.validate(with_check_char(prefix + "170219900307001")) is IdProblem.BAD_REGION


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("", IdProblem.BAD_LENGTH),
        ("34170219900307001", IdProblem.BAD_LENGTH),
        ("3417021990030700141", IdProblem.BAD_LENGTH),
        ("34170219900307A014", IdProblem.BAD_FORMAT),
        ("34170219900307001Y", IdProblem.BAD_FORMAT),
        ("３41702199003070014", IdProblem.BAD_FORMAT),
    ],
)
def test_shape_problems(number: str, problem: IdProblem) -> None:
    assert rid.validate(number) is problem


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_computed_check_char_always_validates(body17: str) -> None:
    number = with_check_char(body17)
    problem = rid.validate(number, today=date(2100, 1, 1))
    assert problem is not IdProblem.BAD_CHECK_CHAR
    if problem is None:
        wrong = next(c for c in "0123456789X" if c != number[-1])
        assert rid.validate(number[:-1] + wrong, today=date(2100, 1, 1)) is IdProblem.BAD_CHECK_CHAR


def test_birth_date_and_sex() -> None:
    assert rid.birth_date(VALID) == date(1990, 3, 7)
    assert rid.birth_date(LEAP_DAY) == date(2000, 2, 29)
    assert rid.is_male(VALID)
    assert not rid.is_male("341721198511110021")
    with pytest.raises(InvalidIdNumber) as caught:
        rid.birth_date("341702199003070015")
    assert caught.value.problem is IdProblem.BAD_CHECK_CHAR
    assert "校验位" in str(caught.value)


def test_mask_keeps_first_four_and_last_four() -> None:
    assert rid.mask(VALID) == "3417**********0014"
    assert rid.mask("1234") == "****"


def test_problems_have_chinese_messages() -> None:
    assert all(p.label_zh for p in IdProblem)


class _Form(BaseModel):
    id_number: ResidentIdNumber


def test_pydantic_field_type_validates_and_normalizes() -> None:
    assert _Form(id_number="11010519491231002x").id_number == "11010519491231002X"
    with pytest.raises(ValidationError, match="bad_check_char"):
        _Form(id_number="341702199003070015")
