"""The journeys' service visits stay inside the order and apart at any hour in Chizhou."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from civic import clock
from contracts import calendar
from devstack.journeys import care

pytestmark = pytest.mark.unit

_CHIZHOU = ZoneInfo("Asia/Shanghai")
_ORDER_DAY = date(2027, 1, 1)


class _RecordingApi:
    """Stands in for the HTTP client: keeps each record body the provider would send."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []

    def token(self, **_claims: Any) -> str:
        return "token"

    async def call(self, *_route: str, token: str, json: dict[str, Any]) -> dict[str, Any]:
        self.bodies.append(json)
        return json


async def _visits(at: datetime, minutes_ago: list[int]) -> list[tuple[datetime, datetime]]:
    api = _RecordingApi()
    order = {"order_id": "o-1", "item_code": "LC-03", "start_date": _ORDER_DAY.isoformat()}
    with clock.using(clock.Clock.fixed(at)):
        for minutes in minutes_ago:
            await care.report_service(  # type: ignore[arg-type]
                api, "P1", order, minutes_ago=minutes, register=False
            )
    for body in api.bodies:
        began = datetime.fromisoformat(body["started_at"])
        assert body["service_date"] == calendar.day_of(began).isoformat()
    return [
        (datetime.fromisoformat(b["started_at"]), datetime.fromisoformat(b["ended_at"]))
        for b in api.bodies
    ]


@pytest.mark.parametrize(
    "after_midnight",
    [timedelta(seconds=2), timedelta(seconds=40), timedelta(minutes=21), timedelta(hours=9)],
)
async def test_visits_of_one_worker_are_inside_the_order_and_never_overlap(
    after_midnight: timedelta,
) -> None:
    first_day = datetime(2027, 1, 1, tzinfo=_CHIZHOU)
    now = first_day + after_midnight
    visits = await _visits(now, [50, 20, 0, 119])
    for began, ended in visits:
        assert first_day <= began < ended <= now
    for (_, earlier_end), (later_start, _) in pairwise(sorted(visits)):
        assert earlier_end <= later_start, visits


async def test_late_in_the_day_a_visit_lasts_a_minute_and_ends_minutes_ago() -> None:
    now = datetime(2027, 1, 1, 15, 0, tzinfo=_CHIZHOU)
    [(began, ended)] = await _visits(now, [30])
    assert (ended, ended - began) == (now - timedelta(minutes=30), timedelta(minutes=1))
