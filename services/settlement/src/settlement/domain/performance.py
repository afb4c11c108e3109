"""Provider performance (绩效评价): services ordered vs delivered, acceptance, spot checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from contracts.enums import PeriodUnit
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


def percent(part: int, whole: int) -> float | None:
    """A share as a percentage with one decimal (a report figure, never money)."""
    if whole <= 0:
        return None
    return round(100 * part / whole, 1)


@dataclass
class ProviderScore:
    """One provider's figures for a period."""

    provider_id: str
    provider_code: str
    orders: int = 0
    accepted: int = 0
    declined: int = 0
    accept_hours_total: float = 0.0
    ordered_services: int = 0
    delivered_services: int = 0
    billed_fen: int = 0
    checked: int = 0
    passed: int = 0

    def summary(self) -> dict[str, object]:
        """The figures and the rates derived from them."""
        mean_hours = self.accept_hours_total / self.accepted if self.accepted else None
        return {
            "provider_id": self.provider_id,
            "provider_code": self.provider_code,
            "orders": self.orders,
            "accepted": self.accepted,
            "declined": self.declined,
            "mean_hours_to_accept": None if mean_hours is None else round(mean_hours, 1),
            "ordered_services": self.ordered_services,
            "delivered_services": self.delivered_services,
            "delivery_rate_percent": percent(self.delivered_services, self.ordered_services),
            "billed_fen": self.billed_fen,
            "spot_checked": self.checked,
            "spot_passed": self.passed,
            "pass_rate_percent": percent(self.passed, self.checked),
            "complaints": None,  # no complaint data reaches settlement yet
        }
