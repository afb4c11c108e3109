"""Months close in Asia/Shanghai; late lines land on the next open month; the 1% cap."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.enums import PeriodUnit
from settlement.domain import funds
from settlement.domain.months import landing_period, next_month, period_has_closed
from settlement.domain.performance import expected_services
from settlement.domain.statements import (
    StatementRuleError,
    StatementStatus,
    check_confirm,
)

pytestmark = pytest.mark.unit

months = st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(2023, 2030), st.integers(1, 12))


@given(service_month=months, closed=st.sets(months, max_size=12))
def test_settlement_a_late_line_lands_on_the_next_open_month(
    service_month: str, closed: set[str]
) -> None:
    period = landing_period(service_month, closed)
    assert period >= service_month
    assert period not in closed
    between, month = [], service_month
    while month < period:
        between.append(month)
        month = next_month(month)
    assert all(m in closed for m in between)  # every month skipped was already confirmed


def test_settlement_the_month_closes_at_midnight_in_shanghai() -> None:
    assert not period_has_closed("2024-05", datetime(2024, 5, 31, 15, 59, 59, tzinfo=UTC))
    assert period_has_closed("2024-05", datetime(2024, 5, 31, 16, 0, 0, tzinfo=UTC))
    assert not period_has_closed("2024", datetime(2024, 12, 31, 15, 59, tzinfo=UTC))
    assert period_has_closed("2024", datetime(2024, 12, 31, 16, 0, tzinfo=UTC))


def test_settlement_only_a_draft_of_an_ended_month_is_confirmed() -> None:
    later = datetime(2024, 7, 1, tzinfo=UTC)
    check_confirm(StatementStatus.DRAFT, "2024-05", later)
    with pytest.raises(StatementRuleError, match="尚未结束"):
        check_confirm(StatementStatus.DRAFT, "2024-07", later)
    with pytest.raises(StatementRuleError):
        check_confirm(StatementStatus.CONFIRMED, "2024-05", later)


@given(
    total=st.integers(min_value=0, max_value=10**12),
    used=st.integers(min_value=0, max_value=10**10),
    mine=st.integers(min_value=-(10**8), max_value=10**10),
)
def test_settlement_the_capped_fund_never_passes_one_percent_of_the_total(
    total: int, used: int, mine: int
) -> None:
    check = funds.check_cap(
        locality_code="341721",
        year=2024,
        assistance_total_fen=total,
        used_fen=used,
        statement_fen=mine,
    )
    assert check.cap_fen == total // 100
    if mine <= 0:
        assert check.allowed
    else:
        assert check.allowed is (used + mine <= total // 100)
    figures = check.figures()
    assert figures["would_be_fen"] == used + mine
    assert figures["funding_source"] == "assistance_work_special"
    if not check.allowed:
        assert figures["over_by_fen"] == used + mine - total // 100 > 0


def test_settlement_without_a_recorded_total_the_capped_fund_cannot_be_used() -> None:
    check = funds.check_cap(
        locality_code="341721", year=2024, assistance_total_fen=None, used_fen=0, statement_fen=1
    )
    assert not check.allowed
    assert funds.check_cap(
        locality_code="341721", year=2024, assistance_total_fen=None, used_fen=0, statement_fen=0
    ).allowed


def test_settlement_ordered_services_follow_the_order_frequency() -> None:
    assert expected_services(3, PeriodUnit.WEEK, 31) == 13
    assert expected_services(1, PeriodUnit.DAY, 30) == 30
    assert expected_services(2, PeriodUnit.MONTH, 15) == 1
    assert expected_services(1, PeriodUnit.YEAR, 31) == 0
