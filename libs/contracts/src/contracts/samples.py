"""Valid sample events for tests and docs: ``sample(RecipientStatusChanged, status="stopped")``.

Values are derived from each field's type and name, so a new event gets samples without
extra code; ``full=True`` also fills the optional fields.
"""

from __future__ import annotations

import enum
import types
import typing
import uuid
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from contracts.envelope import KeyedEvent
from contracts.settlement import CatalogueItem, CatalogueVersionPublished

_M = TypeVar("_M", bound=BaseModel)

SAMPLE_DAY = date(2024, 5, 6)
SAMPLE_TIME = datetime(2024, 5, 6, 9, 30, tzinfo=UTC)

#: Values by field name, where the type alone cannot give a valid one.
BY_NAME: dict[str, Any] = {
    "county_code": "341702",
    "township_code": "341702100",
    "village_code": "341702100201",
    "new_county_code": "341721",
    "new_township_code": "341721100",
    "new_village_code": "341721100201",
    "township_codes": ("341702100",),
    "item_code": "LC-01",
    "provider_code": "demo-care",
    "display_name": "张*三",
    "id_number": "341702199003070014",
    # The right shape only: sealed to no key (devstack.journeys.city seals real ones).
    "sealed_id_number": "hpke1." + "A" * 88,
    "credit_code": "91341702MA2T000001",
    "sha256": "0" * 64,
    "period": "2024-05",
    "content_type": "application/pdf",
    "source_event_type": "review.RecipientStatusChanged",
    "source_topic": "review.recipient-status.v1",
    "village_staff_id": "u-village-01",
    "coordinator_id": "u-coordinator-01",
    "reviewed_by": ("u-village-01", "u-coordinator-01"),
    "item_codes": ("LC-01",),
    "requested_item_codes": ("LC-01",),
    "recommended_item_codes": ("LC-01",),
    # A services change that changes the one sampled item's terms.
    "changed_item_codes": ("LC-01",),
    "added_item_codes": (),
    "removed_item_codes": (),
    "item_providers": (),
    "status": "suspended",
    "previous_status": "active",
    "reason_code": "other",
    "division": "341702100",
    "division_code": "341702100",
    "into_period": "2026-12",
    "what": "application",
    "trace_id": "0" * 32,
}


def _bounds(info: FieldInfo | None, metadata: list[Any]) -> tuple[int, int | None]:
    low, high = 1, None
    for m in [*(info.metadata if info else ()), *metadata]:
        if isinstance(getattr(m, "ge", None), int):
            low = max(low, m.ge)
        if isinstance(getattr(m, "le", None), int):
            high = m.le
    return low, high


def _value(tp: Any, name: str, full: bool, metadata: list[Any]) -> Any:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Annotated:
        extra = [m for a in args[1:] for m in (a.metadata if isinstance(a, FieldInfo) else [a])]
        return _value(args[0], name, full, metadata + extra)
    if origin in (typing.Union, types.UnionType):
        return _value(next(a for a in args if a is not type(None)), name, full, metadata)
    if origin is typing.Literal:
        return args[0]
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return (_value(args[0], name, full, metadata),)
        return tuple(_value(a, f"{name}[{i}]", full, []) for i, a in enumerate(args))
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return next(iter(tp)).value
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return _fill(tp, full)
    simple: dict[Any, Any] = {
        uuid.UUID: uuid.uuid4(),
        date: SAMPLE_DAY,
        datetime: SAMPLE_TIME,
        bool: True,
        str: "x1",
    }
    if tp is int:
        low, high = _bounds(None, metadata)
        return low if high is None else min(low, high)
    return simple.get(tp, SAMPLE_TIME if "datetime" in str(tp).lower() else None)


def _fill(cls: type[BaseModel], full: bool) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, info in cls.model_fields.items():
        if name == "subject_key" or not (info.is_required() or full):
            continue
        if name in BY_NAME:
            data[name] = BY_NAME[name]
        elif info.annotation is int:
            low, high = _bounds(info, [])
            data[name] = low if high is None else min(low, high)
        else:
            data[name] = _value(info.annotation, name, full, list(info.metadata))
    if "subject_key" in cls.model_fields and not issubclass(cls, KeyedEvent):
        data["subject_key"] = str(uuid.uuid4())
    return data


def sample(cls: type[_M], *, full: bool = False, **overrides: Any) -> _M:
    """A valid instance of ``cls``; ``overrides`` replace derived values."""
    return cls.model_validate({**_fill(cls, full), **overrides})


#: The demo catalogue's items for tests: (code, name, service category, unit), as settlement's.
DEMO_ITEMS: tuple[tuple[str, str, str, str], ...] = (
    ("LC-01", "居家照料", "life_care", "hour"),
    ("LC-02", "日间托管", "life_care", "day"),
    ("LC-03", "供餐送餐", "life_care", "meal"),
    ("LC-04", "代购代办", "life_care", "visit"),
    ("LC-05", "走访慰问", "life_care", "visit"),
    ("LC-06", "捐赠衣物配发", "life_care", "visit"),
    ("IC-01", "机构集中供养", "life_care", "day"),
    ("CL-01", "清洁卫生", "cleaning", "visit"),
    ("HC-01", "健康护理", "health_care", "visit"),
    ("HC-02", "健康管理", "health_care", "month"),
    ("HC-03", "社区义诊", "health_care", "visit"),
    ("CB-01", "心理疏导", "capability_building", "hour"),
    ("CB-02", "技能培训", "capability_building", "visit"),
    ("CB-03", "社会融入", "capability_building", "visit"),
    ("CB-04", "信息咨询", "capability_building", "visit"),
    ("CB-05", "健康讲座", "capability_building", "visit"),
)


def sample_catalogue(
    county_code: str = "341702",
    *,
    version: int = 1,
    effective_from: date = date(2024, 1, 1),
    codes: tuple[str, ...] | None = None,
    extra: tuple[tuple[str, str, str, str], ...] = (),
    fee_fen: int = 3000,
) -> CatalogueVersionPublished:
    """A catalogue version of the demo items (those in ``codes`` if given) and ``extra``."""
    items = tuple(
        CatalogueItem.model_validate(
            {
                "item_code": code,
                "name_zh": name,
                "service_category": category,
                "unit": unit,
                "fee_fen": fee_fen,
                "is_example": True,
            }
        )
        for code, name, category, unit in (*DEMO_ITEMS, *extra)
        if codes is None or code in codes
    )
    return sample(
        CatalogueVersionPublished,
        county_code=county_code,
        version=version,
        effective_from=effective_from,
        items=items,
        published_by="county-1",
    )
