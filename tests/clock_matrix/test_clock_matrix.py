"""Correct at any hour: the real processes, their clocks started just before and just after
midnight in Chizhou at a month's end and at New Year, on a machine set to UTC or to Shanghai.

Each run restarts the six services with ``CLOCK_START`` (the test process shares the same
clock) and walks the whole path: application → survey → approval → orders → a service →
its ledger line → the board; then a suspension that ends by itself, and a stop. Every date
the services derive must be the Chizhou day: 00:00:10 in Chizhou is still the previous day
in UTC, so a service that counts days in UTC (or in the machine's zone) fails here.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest

from civic import clock
from civic.clock import Clock
from contracts import calendar
from contracts.calendar import CHIZHOU
from devstack.journeys import care
from devstack.journeys.application import (
    COUNTY,
    TOWNSHIP,
    VILLAGE,
    Case,
    catalogue_loaded,
)
from devstack.journeys.db import fetch, wait_until
from devstack.stack import Stack

pytestmark = pytest.mark.e2e

#: Seconds between spawning the services and the moment their clock reads the chosen
#: instant: about how long six services take to start, so the path begins there.
LEAD_S = 20.0
SURVEY_DUE_DAYS = 7


def _instants() -> list[tuple[str, datetime, str]]:
    """(name, instant in Chizhou, machine TZ), always ahead of today and of each other."""
    year = clock.today().year + 1
    return [
        ("month-end-2359", datetime(year, 1, 31, 23, 59, 50, tzinfo=CHIZHOU), "UTC"),
        ("month-start-0000", datetime(year, 3, 1, 0, 0, 10, tzinfo=CHIZHOU), "Asia/Shanghai"),
        ("new-year-eve-2359", datetime(year, 12, 31, 23, 59, 50, tzinfo=CHIZHOU), "Asia/Shanghai"),
        ("new-year-0000", datetime(year + 2, 1, 1, 0, 0, 10, tzinfo=CHIZHOU), "UTC"),
    ]


@pytest.fixture(scope="module", params=_instants(), ids=lambda p: f"{p[0]}-TZ={p[2]}")
def at_the_instant(
    request: pytest.FixtureRequest, stack: Stack
) -> Iterator[tuple[Stack, datetime]]:
    """The six services restarted with their clocks set to the instant, in the machine TZ."""
    _, instant, zone = request.param
    anchor = clock.machine_now() + timedelta(seconds=LEAD_S)
    env = {
        "TZ": zone,
        "CLOCK_START": instant.isoformat(),
        "CLOCK_START_AT": anchor.isoformat(),
        "CONSUMER_RETRY_BACKOFF_S": "0.05",
        "SUSPENSION_SWEEP_INTERVAL_S": "1",
        "SURVEY_DUE_DAYS": str(SURVEY_DUE_DAYS),
    }
    previous_tz = os.environ.get("TZ")
    os.environ["TZ"] = zone  # this process too: nothing here may depend on it
    time.tzset()
    stack.stop_services()
    stack.start_services(extra_env=env)
    try:
        with clock.using(Clock.starting_at(instant, anchor=anchor)):
            yield stack, instant
    finally:
        stack.stop_services()
        if previous_tz is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = previous_tz
        time.tzset()


async def test_the_whole_path_falls_on_chizhou_days(
    at_the_instant: tuple[Stack, datetime],
) -> None:
    stack, instant = at_the_instant
    # The services were ready before their clocks reached the instant: the path starts there.
    await wait_until(lambda: _at_or_after(instant), timeout=LEAD_S + 5)
    for service in ("intake", "review"):
        await catalogue_loaded(stack, service)
    yesterday = clock.today() - timedelta(days=1)
    case, recipient_id, orders = await care.approved_with_two_providers(
        stack, uuid.uuid4().hex[:6], effective=yesterday
    )
    await _survey_was_due_a_week_after_registration(case)
    (meals, meal_order) = orders[0]
    record_id, service_day = await _a_service_is_billed_in_its_chizhou_month(
        case, meals, meal_order
    )
    await _the_board_lists_the_person_from_the_chizhou_day_it_changed(stack, case)
    await _a_suspension_ends_on_its_chizhou_day(case, recipient_id, yesterday)
    await _the_neighbour_year_and_the_follow_up_month_are_chizhou_s(case)
    await _a_stop_reaches_providers_ledger_and_board(stack, case, recipient_id, orders)
    lines = await fetch(
        stack.database_url("settlement"),
        "select kind, amount_fen from ledger_line where record_id = $1::uuid",
        record_id,
    )
    assert {line["kind"] for line in lines} >= {"charge", "reversal"}
    assert sum(line["amount_fen"] for line in lines) == 0, service_day


async def _at_or_after(moment: datetime) -> bool:
    return clock.now() >= moment


async def _survey_was_due_a_week_after_registration(case: Case) -> None:
    token = case.token("township_officer", TOWNSHIP, "e2e-officer")
    got = await case.api.call("intake", "GET", f"/applications/{case.application_id}", token=token)
    assert got.status_code == 200, got.text
    registered = next(s for s in got.json()["timeline"] if s["status"]["code"] == "registered")
    registered_at = datetime.fromisoformat(registered["occurred_at"])
    # Intake's clock and this process's are one clock (same start, same anchor).
    assert abs(clock.now() - registered_at) < timedelta(minutes=2), registered_at
    day = calendar.day_of(registered_at)
    staff = case.token("village_staff", VILLAGE, "e2e-village-staff")
    task = await case.api.call("survey", "GET", f"/survey-tasks/{case.survey_id}", token=staff)
    assert task.status_code == 200, task.text
    assert date.fromisoformat(task.json()["due_date"]) == day + timedelta(days=SURVEY_DUE_DAYS)
    assert task.json()["overdue"] is False


async def _a_service_is_billed_in_its_chizhou_month(
    case: Case, provider: str, order: dict[str, Any]
) -> tuple[str, date]:
    served = await care.report_service(case.api, provider, order, minutes_ago=0)
    assert served.status_code == 200, served.text
    assert served.json()["accepted"], served.text  # not outside the order's period
    record_id = served.json()["record_id"]
    url = case.stack.database_url("settlement")

    async def line() -> Any:
        rows = await fetch(
            url,
            "select period, service_month, service_date from ledger_line"
            " where record_id = $1::uuid and kind = 'charge'",
            record_id,
        )
        return rows[0] if rows else None

    charged = await wait_until(line)
    service_day: date = charged["service_date"]
    assert charged["service_month"] == f"{service_day:%Y-%m}" == charged["period"]
    assert service_day in (clock.today(), clock.today() - timedelta(days=1))
    return record_id, service_day


async def _the_board_lists_the_person_from_the_chizhou_day_it_changed(
    stack: Stack, case: Case
) -> None:
    url = stack.database_url("archive")

    async def first_listed() -> datetime | None:
        rows = await fetch(
            url,
            "select valid_from, html from board_version where village_code = $1 order by version",
            VILLAGE,
        )
        listing = [r["valid_from"] for r in rows if case.masked_name in _current(r["html"])]
        return listing[0] if listing else None

    since: datetime = await wait_until(first_listed)
    day = calendar.day_of(since)
    async with httpx.AsyncClient(base_url=stack.service_url("archive")) as client:
        on_the_day = (await client.get(f"/boards/{VILLAGE}", params={"as_of": str(day)})).text
        before = day - timedelta(days=1)
        the_day_before = await client.get(f"/boards/{VILLAGE}", params={"as_of": str(before)})
    assert case.masked_name in _current(on_the_day)
    assert the_day_before.status_code == 404 or case.masked_name not in _current(
        the_day_before.text
    )


def _current(html: str) -> str:
    return (
        html.split('id="current"')[1].split('id="additions"')[0] if 'id="current"' in html else ""
    )


async def _a_suspension_ends_on_its_chizhou_day(
    case: Case, recipient_id: str, yesterday: date
) -> None:
    """Suspended since yesterday until today: the suspension clock resumes it at once."""
    # Read once: at 23:59:50 the day may turn while we wait, and the resumption's day is the
    # expected end we sent, not the day the test happens to look.
    today = clock.today()
    changed = await care.change_status(
        case,
        recipient_id,
        {
            "status": "suspended",
            "effective_date": yesterday.isoformat(),
            "expected_end": today.isoformat(),
            "reason_code": "assistance_suspended",
            "reason_zh": "住院治疗",
        },
    )
    assert changed.status_code == 200, changed.text
    officer = case.token("township_officer", TOWNSHIP, "e2e-officer")

    async def resumed() -> dict[str, Any] | None:
        got = await case.api.call("review", "GET", f"/recipients/{recipient_id}", token=officer)
        body: dict[str, Any] = got.json()
        return body if body["status"] == "resumed" else None

    state = await wait_until(resumed, timeout=30)
    assert date.fromisoformat(state["status_effective_date"]) == today


async def _the_neighbour_year_and_the_follow_up_month_are_chizhou_s(case: Case) -> None:
    staff = case.token("township_officer", TOWNSHIP, "e2e-officer")
    year_before = clock.today().year  # the year may turn during the call, a second to midnight
    summary = await case.api.call(
        "dispatch", "GET", f"/villages/{VILLAGE}/neighbour-services/summary", token=staff
    )
    assert summary.status_code == 200, summary.text
    assert summary.json()["year"] in {year_before, clock.today().year}
    admin = case.api.token(roles=["admin"], division=COUNTY[:4] + "00", user_id="e2e-admin")
    run = await case.api.call("intake", "POST", f"/follow-ups/{clock.month()}", token=admin)
    assert run.status_code == 200, run.text  # this month, not one "in the future"


async def _a_stop_reaches_providers_ledger_and_board(
    stack: Stack, case: Case, recipient_id: str, orders: list[tuple[str, dict[str, Any]]]
) -> None:
    today = clock.today()  # what we send; the day may turn while the notices travel
    _, notices = await care.stop_heard_by_providers(stack, recipient_id, orders, on=today)
    for notice in notices.values():
        assert notice.effective_date == today
        assert calendar.day_of(notice.acknowledge_by) >= today

    async def removed() -> bool:
        async with httpx.AsyncClient(base_url=stack.service_url("archive")) as client:
            html = (await client.get(f"/boards/{VILLAGE}")).text
        return case.masked_name not in _current(html)

    await wait_until(removed)
