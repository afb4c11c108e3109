"""Messages' rules: quiet hours in Chizhou time (across midnight too), urgent messages,
bounded retries with backoff, what a gateway's answer means, masking and params."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from civic.notify.rules import (
    Purpose,
    QuietHours,
    RetryPolicy,
    Verdict,
    check_params,
    mask_address,
    send_at,
    verdict_of_status,
)
from contracts.calendar import CHIZHOU

pytestmark = pytest.mark.unit

NIGHT = QuietHours(time(22, 0), time(7, 0))
NOON = QuietHours(time(12, 0), time(14, 0))


def chizhou(hour: int, minute: int = 0, day: int = 6) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=CHIZHOU)


@pytest.mark.parametrize(
    ("at", "quiet"),
    [
        (chizhou(22, 0), True),
        (chizhou(23, 59), True),
        (chizhou(0, 0), True),
        (chizhou(6, 59), True),
        (chizhou(7, 0), False),
        (chizhou(21, 59), False),
        (chizhou(12, 0), False),
    ],
)
def test_quiet_hours_across_midnight(at: datetime, quiet: bool) -> None:
    assert NIGHT.holds(at) is quiet


def test_quiet_hours_are_read_in_chizhou_time_whatever_the_instants_zone() -> None:
    # 15:30 UTC is 23:30 in Chizhou: quiet; 23:30 UTC is 07:30 next morning there: not.
    assert NIGHT.holds(datetime(2026, 12, 6, 15, 30, tzinfo=UTC))
    assert not NIGHT.holds(datetime(2026, 12, 6, 23, 30, tzinfo=UTC))


def test_a_message_in_the_evening_waits_until_the_next_morning() -> None:
    assert send_at(chizhou(23, 30), Purpose.ORDER_ESCALATION, NIGHT) == chizhou(7, 0, day=7)


def test_a_message_after_midnight_waits_until_the_same_morning() -> None:
    assert send_at(chizhou(2, 15), Purpose.UNACKNOWLEDGED_CHANGE, NIGHT) == chizhou(7, 0)


def test_a_window_within_one_day() -> None:
    assert send_at(chizhou(13, 0), Purpose.DECISION, NOON) == chizhou(14, 0)
    assert send_at(chizhou(14, 0), Purpose.DECISION, NOON) == chizhou(14, 0)


def test_doorbell_alerts_ignore_quiet_hours() -> None:
    assert send_at(chizhou(3, 0), Purpose.DOORBELL_ALERT, NIGHT) == chizhou(3, 0)
    assert send_at(chizhou(3, 0), Purpose.ALERT_ESCALATION, NIGHT) == chizhou(3, 0)


def test_no_quiet_hours_or_an_empty_window_sends_now() -> None:
    assert send_at(chizhou(3, 0), Purpose.DECISION, None) == chizhou(3, 0)
    empty = QuietHours(time(7, 0), time(7, 0))
    assert send_at(chizhou(7, 0), Purpose.DECISION, empty) == chizhou(7, 0)


def test_backoff_doubles_up_to_its_cap() -> None:
    policy = RetryPolicy(max_attempts=10, base_s=30, cap_s=200)
    waits = [policy.backoff(n).total_seconds() for n in range(1, 6)]
    assert waits == [30, 60, 120, 200, 200]


def test_attempts_are_bounded() -> None:
    policy = RetryPolicy(max_attempts=3, base_s=10)
    now = chizhou(9, 0)
    assert policy.after_failure(1, now) == now + timedelta(seconds=10)
    assert policy.after_failure(2, now) == now + timedelta(seconds=20)
    assert policy.after_failure(3, now) is None


@pytest.mark.parametrize(
    ("status", "verdict"),
    [
        (200, Verdict.SENT),
        (202, Verdict.SENT),
        (500, Verdict.RETRY),
        (503, Verdict.RETRY),
        (429, Verdict.RETRY),
        (408, Verdict.RETRY),
        (400, Verdict.FAIL),
        (401, Verdict.FAIL),
        (404, Verdict.FAIL),
    ],
)
def test_what_an_answer_means(status: int, verdict: Verdict) -> None:
    assert verdict_of_status(status) is verdict


def test_addresses_are_masked() -> None:
    assert mask_address("13812345678") == "138****5678"
    assert mask_address("oAbCdEfGhIj") == "oAbC***"
    assert "oAbCdEf" not in mask_address("oAbCdEfGhIj")


@pytest.mark.parametrize("value", ["34170219800101001X", "电话13812345678", "x" * 41])
def test_params_never_carry_personal_data(value: str) -> None:
    with pytest.raises(ValueError):
        check_params({"name": value})


def test_short_params_pass() -> None:
    check_params({"name": "张*", "village": "秋浦街道某村", "code": "A1B2C3"})
