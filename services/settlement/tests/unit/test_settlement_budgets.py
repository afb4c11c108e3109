"""Budgets that bind: the figures of a check, thresholds crossed and reached, the policy."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from settlement.domain.budgets import (
    BudgetCheck,
    BudgetRuleError,
    check_thresholds,
    first_breach,
    thresholds_crossed,
    thresholds_reached,
    used_percent,
)

pytestmark = pytest.mark.unit


def check(
    committed: int, statement: int, budget: int = 5000, division: str = "341721109"
) -> BudgetCheck:
    return BudgetCheck(division, "tekun_care", 2032, budget, committed, statement)


def test_settlement_a_statement_past_the_budget_is_refused_with_the_figures() -> None:
    over = check(4000, 2000)
    assert (over.allowed, over.would_be_fen, over.over_by_fen) == (False, 6000, 1000)
    figures = over.figures()
    assert figures == {
        "division_code": "341721109",
        "funding_source": "tekun_care",
        "funding_source_zh": "特困人员照料护理经费",
        "year": 2032,
        "budget_fen": 5000,
        "committed_fen": 4000,
        "statement_fen": 2000,
        "would_be_fen": 6000,
        "over_by_fen": 1000,
    }
    assert over.message_zh() == (
        "池州市东至县昭潭镇2032年度特困人员照料护理经费预算5000分，已确认4000分，"
        "本结算单2000分，确认后将达6000分，超出预算1000分，不能确认"
    )


def test_settlement_reaching_the_budget_exactly_is_allowed_and_a_refund_always_is() -> None:
    assert check(4000, 1000).allowed
    assert check(4000, 1000).over_by_fen == 0
    assert check(4000, 1001).allowed is False
    assert check(9000, -500).allowed  # pays nothing more from the fund
    assert check(0, 1, budget=0).allowed is False


def test_settlement_the_first_breach_is_the_townships_before_the_countys() -> None:
    township, county = check(4000, 2000), check(4000, 2000, division="341721")
    assert first_breach([check(0, 2000), township, county]) is township
    assert first_breach([check(0, 2000)]) is None


def test_settlement_thresholds_are_crossed_once_on_the_way_up() -> None:
    assert thresholds_crossed([50, 80], budget_fen=5000, before_fen=0, after_fen=2000) == []
    assert thresholds_crossed([50, 80], budget_fen=5000, before_fen=2000, after_fen=2500) == [50]
    assert thresholds_crossed([50, 80], budget_fen=5000, before_fen=2500, after_fen=3999) == []
    assert thresholds_crossed([50, 80], budget_fen=5000, before_fen=2499, after_fen=9000) == [
        50,
        80,
    ]
    assert thresholds_crossed([50], budget_fen=0, before_fen=0, after_fen=100) == []


@given(
    budget=st.integers(1, 10**9),
    steps=st.lists(st.integers(0, 10**8), max_size=20),
    thresholds=st.lists(st.integers(1, 100), unique=True, max_size=5).map(sorted),
)
def test_settlement_rising_use_crosses_each_reached_threshold_exactly_once(
    budget: int, steps: list[int], thresholds: list[int]
) -> None:
    used, crossed = 0, []
    for step in steps:
        crossed += thresholds_crossed(
            thresholds, budget_fen=budget, before_fen=used, after_fen=used + step
        )
        used += step
    assert crossed == thresholds_reached(thresholds, budget_fen=budget, used_fen=used)


def test_settlement_used_percent_is_floored_and_none_without_a_budget() -> None:
    assert used_percent(5000, 2999) == 59
    assert used_percent(5000, 3000) == 60
    assert used_percent(3, 1) == 33
    assert used_percent(None, 100) is None
    assert used_percent(0, 100) is None


@pytest.mark.parametrize(
    ("thresholds", "code"),
    [
        ([80, 95, 96, 97, 98, 99], "too_many_thresholds"),
        ([0, 50], "threshold_out_of_range"),
        ([50, 101], "threshold_out_of_range"),
        ([95, 80], "thresholds_not_ascending"),
        ([80, 80], "thresholds_not_ascending"),
    ],
)
def test_settlement_a_county_policy_refuses_bad_thresholds(
    thresholds: list[int], code: str
) -> None:
    with pytest.raises(BudgetRuleError) as refused:
        check_thresholds(thresholds)
    assert (refused.value.code, refused.value.kind) == (code, "invalid")
    assert refused.value.field == "body.thresholds_percent"


def test_settlement_a_county_policy_keeps_good_thresholds() -> None:
    assert check_thresholds([1, 50, 80, 95, 100]) == (1, 50, 80, 95, 100)
    assert check_thresholds([]) == ()
