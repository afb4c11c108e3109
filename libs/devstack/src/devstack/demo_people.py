"""The demo county's people, places and providers, all derived from a seed.

Everything here is a pure function of (county, index): a second run of ``make demo`` finds
the same names, ID numbers and villages, and so recognises what the first run created.
"""

from __future__ import annotations

import enum
import hashlib
import uuid
from dataclasses import dataclass
from datetime import date

from contracts import divisions, resident_id
from contracts.divisions import DivisionLevel

#: Township skipped by default: the end-to-end tests' own township (殷汇镇).
_E2E_TOWNSHIP = "341702100"
_NAMESPACE = uuid.UUID("6f1c7f0e-3d0a-4c57-9a55-0c2c6a7d0e22")
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
    "肖田董潘袁蔡蒋余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方"
)
_GIVEN = tuple(
    "桂英秀英玉兰凤英淑珍建国国华志强德明长春春生玉珍兰英金花家和永福"
    "广福有才梅芳素珍翠兰宝山忠诚明华传富荣华爱华来福桂兰月娥新民先进"[i : i + 2]
    for i in range(0, 64, 2)
)


class Stage(enum.IntEnum):
    """How far an applicant's case goes in the demo (each step implies the ones before)."""

    SUBMITTED = 1
    REGISTERED = 2
    SURVEYED = 3
    REJECTED = 4
    SERVED = 5


@dataclass(frozen=True)
class Applicant:
    """One demo applicant: who, where, and how far the case goes."""

    index: int
    name: str
    id_number: str
    village: str
    stage: Stage

    @property
    def township(self) -> str:
        """The township of the applicant's village."""
        return self.village[:9]

    def key(self, what: str) -> uuid.UUID:
        """A stable id for one step of this applicant (idempotency keys, record ids)."""
        return uuid.uuid5(_NAMESPACE, f"{self.id_number}:{what}")


def townships(county: str, count: int = 3) -> list[str]:
    """The first ``count`` townships of ``county`` with villages (殷汇镇 is left to the tests)."""
    table = divisions.table()
    with_villages = {d.code[:9] for d in table if d.level is DivisionLevel.VILLAGE}
    found = [
        d.code
        for d in table
        if d.level is DivisionLevel.TOWNSHIP
        and d.code.startswith(county)
        and d.code in with_villages
        and d.code != _E2E_TOWNSHIP
    ]
    # Towns (镇, codes 1xx) look more like the countryside the reform is about than streets.
    found.sort(key=lambda code: (code[6] != "1", code))
    if len(found) < count:
        raise ValueError(f"county {county} has fewer than {count} townships with villages")
    return found[:count]


def villages(county: str) -> list[str]:
    """Every village of the demo's townships."""
    chosen = set(townships(county))
    return sorted(
        d.code
        for d in divisions.table()
        if d.level is DivisionLevel.VILLAGE and d.code[:9] in chosen
    )


def stage_of(index: int) -> Stage:
    """Four in ten stop early (one at each step), six in ten are served."""
    return {0: Stage.SUBMITTED, 1: Stage.REGISTERED, 2: Stage.SURVEYED, 3: Stage.REJECTED}.get(
        index % 10, Stage.SERVED
    )


def _digest(county: str, index: int) -> int:
    return int.from_bytes(hashlib.sha256(f"{county}:{index}".encode()).digest()[:8], "big")


def applicant(county: str, index: int) -> Applicant:
    """The ``index``-th applicant of ``county``: name, valid ID number, village, stage."""
    places = villages(county)
    village = places[index % len(places)]
    seed = _digest(county, index)
    name = _SURNAMES[seed % len(_SURNAMES)] + _GIVEN[(seed >> 8) % len(_GIVEN)]
    birth = date(1935, 1, 1).toordinal() + (seed >> 16) % 9000  # born 1935-1959
    # The sequence is the applicant's index: no two demo numbers are alike, and the masked
    # number (first and last four characters) tells a village's applicants apart.
    body = f"{county}{date.fromordinal(birth):%Y%m%d}{index % 1000:03d}"
    return Applicant(index, name, body + resident_id.check_char(body), village, stage_of(index))


def applicants(county: str, count: int) -> list[Applicant]:
    """The demo's ``count`` applicants of ``county``."""
    return [applicant(county, i) for i in range(count)]


#: Providers of every service mode: (code suffix, type, mode, items, name).
PROVIDER_KINDS: tuple[tuple[str, str, str, tuple[str, ...], str], ...] = (
    ("meals", "social_work_org", "government_purchase", ("LC-03",), "爱心助餐服务中心"),
    ("clean", "social_organisation", "government_purchase", ("CL-01",), "家政保洁服务社"),
    ("home", "welfare_institution", "institutional_care", ("IC-01",), "敬老院"),
    ("health", "partner_department", "department_linkage", ("HC-03",), "卫健部门联动服务站"),
    ("party", "party_branch", "party_building", ("LC-05",), "党员志愿服务队"),
    ("sw", "social_work_org", "social_work_volunteer", ("CB-01",), "社工志愿服务站"),
    ("nb", "neighbour_volunteer", "neighbour_mutual_aid", ("LC-04",), "邻里互助队"),
    ("charity", "charity", "charity_referral", ("LC-06",), "慈善超市"),
)


def provider_code(township: str, suffix: str) -> str:
    """A provider's stable code: the township's last digits and its kind."""
    return f"demo{township[-3:]}-{suffix}"
