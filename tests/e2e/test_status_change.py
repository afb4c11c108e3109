"""Issue 7: stopping aid reaches every provider, the ledger and the notice board, in one trace."""

from __future__ import annotations

import re
import uuid

import pytest

from civic import clock
from civic.bus.grants import CITY_SYSTEM
from contracts import topics
from contracts.dispatch import ServiceDelivered
from contracts.samples import sample
from devstack.journeys import care, city
from devstack.journeys.application import (
    VILLAGE,
    catalogue_loaded,
)
from devstack.journeys.db import fetch, wait_until
from devstack.journeys.kafka import produce_raw
from devstack.journeys.traces import services_in, spans_of
from devstack.stack import Stack

pytestmark = pytest.mark.e2e


async def billed(stack: Stack, record_id: str) -> bool:
    rows = await fetch(
        stack.database_url("settlement"),
        "select billing_status from service_record where record_id = $1::uuid",
        record_id,
    )
    return bool(rows) and rows[0]["billing_status"] == "billed"


def removals(html: str) -> int:
    """How many people the board lists as removed this month."""
    return int(re.search(r"退出（(\d+) 人）", html).group(1))  # type: ignore[union-attr]


def current_section(html: str) -> str:
    """The board's list of those served now."""
    return html.split('id="current"')[1].split('id="additions"')[0]


async def board(stack: Stack) -> str:
    import httpx

    async with httpx.AsyncClient(base_url=stack.service_url("archive")) as client:
        return (await client.get(f"/boards/{VILLAGE}")).text


async def test_stopping_aid_reaches_providers_ledger_and_board_in_one_trace(
    e2e_stack: Stack,
) -> None:
    await catalogue_loaded(e2e_stack, "intake")
    await catalogue_loaded(e2e_stack, "review")
    tag = uuid.uuid4().hex[:6]
    case, recipient_id, orders = await care.approved_with_two_providers(e2e_stack, tag)
    (meals, meal_order) = orders[0]
    served = await care.report_service(case.api, meals, meal_order, minutes_ago=30)
    assert served.status_code == 200 and served.json()["accepted"], served.text
    record_id = served.json()["record_id"]
    await wait_until(lambda: billed(e2e_stack, record_id))

    async def listed() -> bool:
        return case.masked_name in current_section(await board(e2e_stack))

    await wait_until(listed)
    html_before = await board(e2e_stack)
    removed_before = removals(html_before)
    # The board shows masked names only, and other tests of the session serve people of the
    # same village (a namesake may share the mask): count this mask among those served.
    served_before = current_section(html_before).count(case.masked_name)

    # The officer's request starts its own trace; both providers are told on their own topics.
    today = clock.today()
    stop, _ = await care.stop_heard_by_providers(e2e_stack, recipient_id, orders, on=today)

    # Settlement reverses what was billed from the stop date, and refuses a later record.
    async def reversed_() -> bool:
        rows = await fetch(
            e2e_stack.database_url("settlement"),
            "select kind from ledger_line where record_id = $1::uuid",
            record_id,
        )
        return {"charge", "reversal"} <= {r["kind"] for r in rows}

    await wait_until(reversed_)
    late = sample(
        ServiceDelivered,
        order_id=uuid.UUID(meal_order["order_id"]),
        recipient_id=uuid.UUID(recipient_id),
        person_id=uuid.UUID(meal_order["person_id"]),
        subject_key=meal_order["person_id"],
        provider_code=meals,
        item_code="LC-03",
        service_date=today,
        village_code=VILLAGE,
        township_code="341702100",
        county_code="341702",
    )
    await produce_raw(
        e2e_stack.kafka_access(),
        topics.DISPATCH_SERVICES,
        late.to_json_bytes(),
        key=late.subject_key.encode(),
    )

    async def refused() -> bool:
        rows = await fetch(
            e2e_stack.database_url("settlement"),
            "select billing_status, reason_code from service_record where record_id = $1::uuid",
            str(late.record_id),
        )
        return (
            bool(rows)
            and rows[0]["billing_status"] != "billed"
            and rows[0]["reason_code"] is not None
        )

    await wait_until(refused)

    # The village board no longer lists the person among those served, and lists the removal
    # (other tests of the session stop people of the same village too: the count only grows).
    async def dropped() -> bool:
        html = await board(e2e_stack)
        removed = html.split('id="removals"')[1]
        listed = case.masked_name in removed and removals(html) >= removed_before + 1
        return current_section(html).count(case.masked_name) < served_before and listed

    await wait_until(dropped)

    # One trace from review's HTTP span to the consumers in dispatch, settlement and archive.
    async def traced() -> bool:
        spans = spans_of(e2e_stack.sink_file, stop.trace_id)
        return "review" in services_in(spans, "SERVER") and {
            "dispatch",
            "settlement",
            "archive",
        } <= services_in(spans, "CONSUMER")

    await wait_until(traced)


async def test_the_city_systems_report_stops_aid_once_even_when_sent_twice(
    e2e_stack: Stack,
) -> None:
    await catalogue_loaded(e2e_stack, "intake")
    await catalogue_loaded(e2e_stack, "review")
    case, recipient_id, orders = await care.approved_with_two_providers(
        e2e_stack, uuid.uuid4().hex[:6]
    )
    today = clock.today()
    # The city seals the ID number to intake's inbound public key, for each report anew.
    inbound = city.inbound_key(e2e_stack.secrets_dir)
    reports = [
        city.sealed_report(
            case.id_number,
            inbound,
            case_id=f"CZ-{case.trace_id[:5]}K{case.trace_id[5:10]}",  # no phone-like digit run
            status="stopped",
            category="tekun",
            effective_date=today,
            reason_code="TB01",
            county_code="341702",
            township_code="341702100",
            village_code=VILLAGE,
        )
        for _ in range(2)  # the same report, re-sent with a new event id
    ]
    officer = case.token("township_officer", "341702100", "e2e-officer")
    # The city system writes as its own Kafka principal and signs each report's exact bytes.
    as_city = e2e_stack.kafka_access(CITY_SYSTEM)
    city_key = city.signing_key(e2e_stack.secrets_dir)

    async def recipient() -> dict:
        got = await case.api.call("review", "GET", f"/recipients/{recipient_id}", token=officer)
        return got.json()

    await city.produce_signed_report(as_city, reports[0], city_key)

    # A stop waits on the township's queue: nothing changes until an officer confirms it.
    async def held() -> dict | None:
        got = await case.api.call(
            "review", "GET", "/townships/341702100/city-reports?size=100", token=officer
        )
        mine = [r for r in got.json()["items"] if r["recipient_id"] == recipient_id]
        return mine[0] if mine else None

    pending = await wait_until(held)
    assert (await recipient())["status"] == "active"
    confirmed = await case.api.call(
        "review", "POST", f"/city-reports/{pending['report_id']}/confirm", token=officer
    )
    assert confirmed.status_code == 200, confirmed.text
    await wait_until(lambda: _is(recipient, "status", "stopped"))
    await city.produce_signed_report(as_city, reports[1], city_key)

    # The repeat reached intake (processed) and changed nothing at review.
    async def repeat_processed() -> bool:
        rows = await fetch(
            e2e_stack.database_url("intake"),
            "select 1 from processed_event where event_id = $1::uuid",
            str(reports[1].event_id),
        )
        return bool(rows)

    await wait_until(repeat_processed)
    state = await recipient()
    assert state["status"] == "stopped" and state["status_version"] == 2
    again = await case.api.call(
        "review", "POST", f"/city-reports/{pending['report_id']}/confirm", token=officer
    )
    assert again.status_code == 409 and again.json()["code"] == "city_report_decided"
    # Both providers' orders were cancelled by the city's confirmed report as by an officer's.
    for provider, order in orders:
        token = case.api.token(roles=["provider"], provider_code=provider, user_id=f"u-{provider}")

        async def cancelled(o: dict = order, t: str = token) -> bool:
            got = await case.api.call(
                "dispatch", "GET", f"/provider/orders/{o['order_id']}", token=t
            )
            return got.json()["status"] == "cancelled"

        await wait_until(cancelled)


async def _is(read: object, field: str, value: str) -> bool:
    data = await read()  # type: ignore[operator]
    return bool(data.get(field) == value)
