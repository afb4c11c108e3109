"""Provider performance (绩效评价): ordered vs delivered, acceptance, checks, complaints."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from contracts.enums import PeriodUnit
from settlement.domain.months import first_day, last_day
from settlement.domain.timelines import OrderTimeline

_PERIOD_DAYS = {PeriodUnit.DAY: 1, PeriodUnit.WEEK: 7, PeriodUnit.MONTH: 30, PeriodUnit.YEAR: 365}


def active_days(order: OrderTimeline, start: date, end: date) -> int:
    """Days from ``start`` to ``end`` (inclusive) on which the order could be served."""
    days = (end - start).days + 1
    return sum(1 for i in range(days) if order.blocked_on(start + timedelta(days=i)) is None)


def expected_services(times: int, per: PeriodUnit, days: int) -> int:
    """Services an order's frequency asks for over ``days`` active days, rounded half up."""
    per_days = _PERIOD_DAYS[per]
    return (2 * times * days + per_days) // (2 * per_days)


def period_bounds(period: str) -> tuple[date, date]:
    """The first and last day of a ``YYYY-MM`` month or a ``YYYY`` year."""
    if len(period) == 4:
        return date(int(period), 1, 1), date(int(period), 12, 31)
    return first_day(period), last_day(period)


def percent(part: int, whole: int) -> float | None:
    """A share as a percentage with one decimal (a report figure, never money)."""
    if whole <= 0:
        return None
    return round(100 * part / whole, 1)


@dataclass
class ProviderScore:
    """One provider's figures for a period (counts only: nothing here names a person)."""

    provider_id: str
    provider_code: str
    had_orders: bool = False
    orders: int = 0
    accepted: int = 0
    accepted_on_time: int = 0
    declined: int = 0
    accept_seconds_total: int = 0
    accept_within_hours: int = 24
    ordered_services: int = 0
    delivered_services: int = 0
    billed_fen: int = 0
    records_billed: int = 0
    records_reversed: int = 0
    checked: int = 0
    passed: int = 0
    inspected: int = 0
    inspections_passed: int = 0
    complaints_substantiated: int = 0

    def note_answer(self, seconds: int) -> None:
        """An order of the period accepted ``seconds`` after it was made."""
        self.accepted += 1
        self.accept_seconds_total += seconds
        if seconds <= self.accept_within_hours * 3600:
            self.accepted_on_time += 1

    def summary(self) -> dict[str, object]:
        """The figures and the rates derived from them."""
        mean_hours = self.accept_seconds_total / 3600 / self.accepted if self.accepted else None
        return {
            "provider_id": self.provider_id,
            "provider_code": self.provider_code,
            "orders": self.orders,
            "accepted": self.accepted,
            "declined": self.declined,
            "mean_hours_to_accept": None if mean_hours is None else round(mean_hours, 1),
            "accept_within_hours": self.accept_within_hours,
            "accepted_on_time": self.accepted_on_time,
            "ordered_services": self.ordered_services,
            "delivered_services": self.delivered_services,
            "delivery_rate_percent": percent(self.delivered_services, self.ordered_services),
            "billed_fen": self.billed_fen,
            "records_billed": self.records_billed,
            "records_reversed": self.records_reversed,
            "spot_checked": self.checked,
            "spot_passed": self.passed,
            "pass_rate_percent": percent(self.passed, self.checked),
            "inspected": self.inspected,
            "inspections_passed": self.inspections_passed,
            "checks_failed": self.checks_failed,
            "complaints_substantiated": self.complaints_substantiated,
            # dispatch holds the providers' acknowledgements of status changes; settlement not.
            "status_changes_acknowledged_on_time": None,
        }

    @property
    def checks_failed(self) -> int:
        """Spot checks and inspections with a finding other than confirmed."""
        return self.checked - self.passed + self.inspected - self.inspections_passed
