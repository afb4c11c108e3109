"""Money for people: yuan with two decimals and the Chinese capitals on a voucher."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from settlement.adapters.money import in_words, yuan

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("fen", "words"),
    [
        (0, "零元整"),
        (5, "伍分"),
        (50, "伍角整"),
        (105, "壹元零伍分"),
        (12345, "壹佰贰拾叁元肆角伍分"),
        (1000500, "壹万零伍元整"),
        (100010000, "壹佰万零壹佰元整"),
        (10000000000, "壹亿元整"),
        (-12345, "负壹佰贰拾叁元肆角伍分"),
    ],
)
def test_settlement_amounts_in_chinese_capitals(fen: int, words: str) -> None:
    assert in_words(fen) == words


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_settlement_yuan_text_is_exact(fen: int) -> None:
    text = yuan(fen)
    whole, cents = text.lstrip("-").split(".")
    assert (int(whole) * 100 + int(cents)) * (-1 if text.startswith("-") else 1) == fen
