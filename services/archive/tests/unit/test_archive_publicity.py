"""What a public board reveals beyond a masked name: minors, health care and deaths only where
the county's policy allows, and its history only within the publicity period."""

from __future__ import annotations

from datetime import date

import pytest

from archive.domain.boards import BoardPerson, compose_board
from archive.domain.publicity import GENERAL_CATEGORY_ZH, STOPPED_ZH, Publicity

pytestmark = pytest.mark.unit

VILLAGE = "341702100201"
NAMES = {"LC-03": "供餐送餐", "HC-01": "康复护理", "HC-02": "心理疏导"}
CATEGORIES = {"LC-03": "life_care", "HC-01": "health_care", "HC-02": "health_care"}
HIDDEN, REVEALED = Publicity(), Publicity(reveal_sensitive=True)


def person(number: int, category: str = "tekun", **extra: object) -> BoardPerson:
    values: dict[str, object] = {
        "service_number": f"341702-2026-{number:06d}",
        "display_name": "李*华",
        "county_code": "341702",
        "village_code": VILLAGE,
        "category": category,
        "status": "active",
        "served_since": date(2026, 3, 1),
        "status_effective_date": date(2026, 3, 1),
        "items": ("供餐送餐",),
    }
    values.update(extra)
    return BoardPerson(**values)  # type: ignore[arg-type]


def board(people: list[BoardPerson], publicity: Publicity) -> str:
    content = compose_board(
        VILLAGE, "示例一村", people, period="2026-11", today=date(2026, 11, 30), publicity=publicity
    )
    return str(content.to_json())


def test_an_orphan_or_unsupported_child_is_shown_under_a_general_category() -> None:
    children = [person(1, "orphan"), person(2, "unsupported_child")]
    hidden = board(children, HIDDEN)
    assert "孤儿" not in hidden and "无人抚养" not in hidden
    assert hidden.count(GENERAL_CATEGORY_ZH) == 2
    assert "孤儿" in board(children, REVEALED)


def test_health_items_are_left_out_unless_the_county_reveals_them() -> None:
    codes = ("LC-03", "HC-01", "HC-02")
    assert HIDDEN.item_names(codes, NAMES, CATEGORIES) == ("供餐送餐",)
    assert REVEALED.item_names(codes, NAMES, CATEGORIES) == ("供餐送餐", "康复护理", "心理疏导")


def test_a_death_is_shown_as_a_stop() -> None:
    died = person(3, status="deceased", status_effective_date=date(2026, 11, 10))
    hidden, revealed = board([died], HIDDEN), board([died], REVEALED)
    assert "身故" not in hidden and STOPPED_ZH in hidden
    assert "身故" in revealed


def test_the_public_history_reaches_back_only_the_publicity_period() -> None:
    assert Publicity(public_history_days=365).public_since(date(2026, 12, 5)) == date(2025, 12, 5)
    assert Publicity(public_history_days=30).public_since(date(2026, 3, 1)) == date(2026, 1, 30)
