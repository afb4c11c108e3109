"""Searching the registry by name: a typed name fits a stored, partly masked one."""

from __future__ import annotations

import re

import pytest

from review.domain.access import masked_name_pattern


@pytest.mark.parametrize(
    ("typed", "stored", "found"),
    [
        ("钟离", "钟离*春", True),  # the beginning of the name
        ("钟离小春", "钟离*春", True),  # the masked character fits the typed one
        ("钟离春", "钟离*春", True),  # lined up by position: 春 falls on the masked one
        ("钟离小小春", "钟离*春", False),  # one character too many
        ("春", "钟离*春", False),  # not the beginning
        ("张三", "张*三", True),
        ("张*", "张*三", True),
        ("李", "张*三", False),
        (" 张 ", "张*三", True),  # spaces around what is typed do not count
        ("(.", "(.*x", True),  # typed punctuation is taken literally, not as a pattern
        (".", "张*三", False),
    ],
)
def test_a_typed_name_finds_the_masked_names_it_fits(typed: str, stored: str, found: bool) -> None:
    assert (re.search(masked_name_pattern(typed), stored) is not None) is found
