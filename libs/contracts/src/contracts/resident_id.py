"""Resident ID numbers (GB 11643-1999): validation with a reason code, birth date, masking.

18 characters: a 6-digit address code (GB/T 2260), birth date YYYYMMDD, a 3-digit sequence
(odd = male) and an ISO 7064 MOD 11-2 check character (``X`` stands for 10).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator, Field

from contracts import calendar
from contracts.labels import ZhEnum, zh_labels

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_EARLIEST_BIRTH = date(1900, 1, 1)

#: The 31 mainland province-level codes (GB/T 2260); 71/81/82 use other ID documents.
PROVINCE_CODES: frozenset[str] = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "  # noqa: SIM905
    "50 51 52 53 54 61 62 63 64 65".split()
)


@zh_labels(
    {
        "bad_length": "身份证号码应为18位",
        "bad_format": "身份证号码前17位应为数字,末位为数字或X",
        "bad_region": "身份证号码地址码无效",
        "bad_birth_date": "身份证号码出生日期无效",
        "bad_check_char": "身份证号码校验位错误",
    }
)
class IdProblem(ZhEnum):
    """Why a resident ID number is invalid; ``label_zh`` is the message for front-line staff."""

    BAD_LENGTH = "bad_length"
    BAD_FORMAT = "bad_format"
    BAD_REGION = "bad_region"
    BAD_BIRTH_DATE = "bad_birth_date"
    BAD_CHECK_CHAR = "bad_check_char"


class InvalidIdNumber(ValueError):
    """Raised for an invalid resident ID number; ``problem`` says why."""

    def __init__(self, problem: IdProblem) -> None:
        super().__init__(f"{problem.value}: {problem.label_zh}")
        self.problem = problem


def normalize(id_number: str) -> str:
    """Strips blanks and upper-cases a trailing ``x``."""
    return id_number.strip().upper()


def check_char(body17: str) -> str:
    """Computes the MOD 11-2 check character of the first 17 digits."""
    if len(body17) != 17 or not body17.isdigit():
        raise ValueError("need exactly 17 digits")
    return _CHECK_CHARS[sum(int(c) * w for c, w in zip(body17, _WEIGHTS, strict=True)) % 11]


def _parse_birth(id_number: str) -> date | None:
    try:
        return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def validate(id_number: str, *, today: date | None = None) -> IdProblem | None:
    """Returns why the number is invalid, or None when it is valid (after ``normalize``).

    ``today`` is the Chizhou day the birth date may not be after; services pass their
    clock's day, and a provider's own software may leave it to the machine's time.
    """
    idn = normalize(id_number)
    if len(idn) != 18:
        return IdProblem.BAD_LENGTH
    if not (idn[:17].isascii() and idn[:17].isdigit() and idn[17] in "0123456789X"):
        return IdProblem.BAD_FORMAT
    if idn[:2] not in PROVINCE_CODES:
        return IdProblem.BAD_REGION
    born = _parse_birth(idn)
    if (
        born is None
        or born < _EARLIEST_BIRTH
        or born > (today or calendar.day_of(datetime.now(UTC)))
    ):
        return IdProblem.BAD_BIRTH_DATE
    if check_char(idn[:17]) != idn[17]:
        return IdProblem.BAD_CHECK_CHAR
    return None


def is_valid(id_number: str, *, today: date | None = None) -> bool:
    """Tells whether the number is a valid resident ID number."""
    return validate(id_number, today=today) is None


def require_valid(id_number: str) -> str:
    """Returns the normalized number, or raises InvalidIdNumber."""
    problem = validate(id_number)
    if problem is not None:
        raise InvalidIdNumber(problem)
    return normalize(id_number)


def birth_date(id_number: str) -> date:
    """The birth date encoded in a valid number; raises InvalidIdNumber otherwise."""
    idn = require_valid(id_number)
    born = _parse_birth(idn)
    assert born is not None  # require_valid checked the date
    return born


def is_male(id_number: str) -> bool:
    """The sex encoded in the sequence code: odd is male."""
    return int(require_valid(id_number)[16]) % 2 == 1


def mask(id_number: str) -> str:
    """Keeps the first 4 and last 4 characters: ``3417**********0014``."""
    idn = normalize(id_number)
    if len(idn) <= 8:
        return "*" * len(idn)
    return idn[:4] + "*" * (len(idn) - 8) + idn[-4:]


#: A pydantic field type that accepts only a valid number and stores it normalized.
ResidentIdNumber = Annotated[str, Field(pattern=r"^\d{17}[\dXx]$"), AfterValidator(require_valid)]
