"""Masking names for publicity boards, and catching ID and phone numbers on public pages."""

from __future__ import annotations

import pytest

from contracts.privacy import (
    find_id_numbers,
    find_phones,
    looks_like_id_number,
    looks_like_phone,
    mask_name,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("name", "surname_style", "first_last_style"),
    [
        ("张三丰", "张**", "张*丰"),
        ("张三", "张*", "张*"),
        ("欧阳娜娜", "欧阳**", "欧阳*娜"),
        ("欧阳娜", "欧阳*", "欧阳*"),
        (" 李四 ", "李*", "李*"),
        ("王", "*", "*"),
        ("", "", ""),
    ],
)
def test_mask_name(name: str, surname_style: str, first_last_style: str) -> None:
    assert mask_name(name) == surname_style
    assert mask_name(name, "surname") == surname_style
    assert mask_name(name, "first_last") == first_last_style


def test_unknown_mask_style_is_refused() -> None:
    with pytest.raises(ValueError, match="style"):
        mask_name("张三", "none")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "身份证号341702199003070014。",
        "11010519491231002X",
        "11010519491231002x",
        "旧证 341702900307001 号",
        "id=341722200002290032&x=1",
    ],
)
def test_id_numbers_are_found(text: str) -> None:
    assert looks_like_id_number(text)
    assert find_id_numbers(text)


@pytest.mark.parametrize(
    "text",
    [
        "3417**********0014",
        "张*三 贵池区殷汇镇示例一村",
        "服务号 341702-2024-000123",
        "12345678901234567890123",
        "区划 341702100201",
    ],
)
def test_masked_or_other_numbers_are_not_id_numbers(text: str) -> None:
    assert not looks_like_id_number(text)


@pytest.mark.parametrize(
    "text",
    ["电话13812345678", "138 1234 5678", "+86 139-1234-5678", "0566-2035042", "(0566)2212349"],
)
def test_phones_are_found(text: str) -> None:
    assert looks_like_phone(text)
    assert find_phones(text)


@pytest.mark.parametrize(
    "text", ["热线2212349", "2024-05-06", "数量 12", "12812345678", "区划 341702100201"]
)
def test_other_numbers_are_not_phones(text: str) -> None:
    assert not looks_like_phone(text)
