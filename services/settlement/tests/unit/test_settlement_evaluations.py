"""Evaluation scoring (绩效评价): the county's weights, renormalising, rounding, the CSV."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from civic.spreadsheet import BOM
from settlement.adapters.evaluation_sheet import HEADER, evaluations_csv
from settlement.domain.evaluations import (
    ProviderEvaluation,
    ScoringRule,
    Weights,
    default_rule,
    percents,
    round_half_up,
    score,
    shares,
)
from settlement.domain.performance import ProviderScore

pytestmark = pytest.mark.unit

RULE = default_rule("341702")


def month(**overrides: int) -> ProviderScore:
    """A good month: 20 of 20 services, 4 orders accepted within the day, 10 checks passed."""
    figures = ProviderScore(
        str(uuid.uuid4()),
        "p-good",
        had_orders=True,
        orders=4,
        ordered_services=20,
        delivered_services=20,
        records_billed=20,
        checked=6,
        passed=6,
        inspected=4,
        inspections_passed=4,
    )
    for _ in range(4):
        figures.note_answer(3600)
    for name, value in overrides.items():
        setattr(figures, name, value)
    return figures


def test_settlement_default_rule_weights_sum_to_100_and_bad_weights_are_refused() -> None:
    assert sum(vars(RULE.weights).values()) == 100
    assert (RULE.version, RULE.referral_threshold, RULE.set_by) == (1, 60, None)
    with pytest.raises(ValueError):
        Weights(delivery=31)
    with pytest.raises(ValueError):
        Weights(delivery=-10, checks=65)


def test_settlement_a_good_month_scores_100_with_acknowledgement_left_out() -> None:
    assert shares(month(), RULE)["acknowledgement"] is None
    assert score(month(), RULE) == 100


def test_settlement_a_substantiated_complaint_and_a_failed_check_score_lower() -> None:
    clean = month()
    troubled = month(complaints_substantiated=1, inspections_passed=3)
    assert troubled.checks_failed == 1
    # checks 9/10; 1 complaint in 20 records is 5 per 100, the cap: 0. Over 90 of weight:
    # (30 + 10 + 22.5 + 0 + 10) / 90 = 80.55… → 81.
    expected = round_half_up(Fraction(30 + 10 + 25 * Fraction(9, 10) + 0 + 10) * 100 / 90)
    assert score(troubled, RULE) == expected == 81
    assert score(troubled, RULE) < score(clean, RULE)  # type: ignore[operator]


def test_settlement_complaints_count_per_100_records_up_to_the_cap() -> None:
    def complaints(found: int, billed: int) -> Fraction | None:
        figures = month(complaints_substantiated=found, records_billed=billed)
        return shares(figures, RULE)["complaints"]

    assert complaints(0, 100) == 1
    assert complaints(1, 100) == Fraction(4, 5)
    assert complaints(5, 100) == 0
    assert complaints(12, 100) == 0  # capped: never below 0
    assert complaints(0, 0) is None  # nothing billed, nothing found: not measured
    assert complaints(1, 0) == 0  # found true with nothing billed: the worst


def test_settlement_unmeasured_criteria_are_left_out_and_the_rest_renormalised() -> None:
    no_checks = month(checked=0, passed=0, inspected=0, inspections_passed=0, orders=0)
    # measured: delivery 30 (1), timeliness 10 (1), complaints 15 (1): 100.
    assert score(no_checks, RULE) == 100
    half_delivered = replace(no_checks, delivered_services=10)
    # (30 * 1/2 + 10 + 15) / 55 = 40 / 55 = 72.72… → 73
    assert score(half_delivered, RULE) == 73
    nothing = ProviderScore("x", "p-none", had_orders=True)
    assert score(nothing, RULE) is None


def test_settlement_the_score_rounds_once_half_up() -> None:
    rule = ScoringRule("341702", weights=Weights(50, 0, 0, 0, 0, 50))
    assert score(month(orders=100, declined=1), rule) == 100  # 99.5 → 100
    assert score(month(orders=1000, declined=12), rule) == 99  # 99.4 → 99
    assert round_half_up(Fraction(119, 2)) == 60  # 59.5 keeps referrals at threshold 60


def test_settlement_timeliness_counts_orders_accepted_within_the_rules_hours() -> None:
    figures = ProviderScore("x", "p-x", accept_within_hours=24)
    figures.note_answer(24 * 3600)
    figures.note_answer(24 * 3600 + 1)
    assert (figures.accepted, figures.accepted_on_time) == (2, 1)
    assert shares(figures, RULE)["timeliness"] == Fraction(1, 2)
    assert percents(figures, RULE)["timeliness"] == 50


def test_settlement_a_new_version_changes_terms_and_keeps_the_county() -> None:
    stricter = ScoringRule("341702", weights=Weights(20, 10, 25, 25, 10, 10), referral_threshold=70)
    assert not RULE.same_terms(stricter)
    assert RULE.same_terms(replace(RULE, version=7, set_by="someone"))
    following = RULE.next(stricter, set_by="officer-1")
    assert (following.version, following.referral_threshold, following.set_by) == (
        2,
        70,
        "officer-1",
    )
    assert following.weights == stricter.weights


@given(
    ordered=st.integers(0, 50),
    delivered=st.integers(0, 60),
    checked=st.integers(0, 20),
    passed_share=st.floats(0, 1),
    complaints=st.integers(0, 30),
    orders=st.integers(0, 10),
    declined_share=st.floats(0, 1),
)
def test_settlement_scores_stay_within_0_and_100(
    ordered: int,
    delivered: int,
    checked: int,
    passed_share: float,
    complaints: int,
    orders: int,
    declined_share: float,
) -> None:
    figures = ProviderScore(
        "x",
        "p-x",
        orders=orders,
        declined=int(orders * declined_share),
        ordered_services=ordered,
        delivered_services=delivered,
        records_billed=delivered,
        checked=checked,
        passed=int(checked * passed_share),
        complaints_substantiated=complaints,
    )
    found = score(figures, RULE)
    assert found is None or 0 <= found <= 100


def test_settlement_the_export_has_a_bom_chinese_headers_and_one_row_per_provider() -> None:
    figures = month(complaints_substantiated=1)
    evaluation = ProviderEvaluation(
        uuid.uuid4(),
        "p-good",
        "341702",
        "2024-07",
        2,
        55,
        60,
        {**figures.summary(), "provider_code": "=cmd"},
        revision=3,
        computed_at=datetime(2024, 8, 1, tzinfo=UTC),
    )
    text = "".join(evaluations_csv([evaluation], {str(evaluation.provider_id): "=爱心服务社"}))
    assert text.startswith(BOM + ",".join(HEADER[:3]))
    [_, row] = text.strip().splitlines()
    cells = row.split(",")
    assert cells[:10] == [
        str(evaluation.provider_id),
        "p-good",
        "'=爱心服务社",  # a name that looks like a formula is quoted
        "341702",
        "2024-07",
        "2",
        "3",
        "55",
        "60",
        "是",
    ]
    assert cells[HEADER.index("查证属实投诉数")] == "1"
    assert cells[HEADER.index("状态变更按时确认数")] == ""  # not measured by settlement
