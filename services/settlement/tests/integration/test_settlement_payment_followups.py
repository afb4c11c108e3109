"""Follow-ups to issue 21 the console needed: pending reversals visible, payment exceptions
resolved by a person, and publishing a catalogue version or drawing spot checks retried safely.

青阳县 (341723), townships 107 and 109, services in 2035 and catalogue versions from 2036: no
other test pays, draws or publishes there then.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from civic import clock
from contracts.enums import FeeUnit, FundingSource
from settlement.domain.catalogue import demo_items

from .payment_steps import RETURN_COLUMNS, RETURN_HEADER, Auth, upload_return, user_as

pytestmark = pytest.mark.integration

COUNTY, T_REVERSAL, T_EXCEPTION, YEAR = "341723", "341723107", "341723109", 2035
HEADER = RETURN_HEADER
FORMAT = {
    "columns": [
        {"field": "line_ref", "header_zh": "业务参考号"},
        {"field": "amount_fen", "header_zh": "金额(分)"},
    ],
    "return_columns": RETURN_COLUMNS,
}


@pytest.fixture(autouse=True)
def after_2035() -> Iterator[None]:
    """Every month of 2035 has closed (Asia/Shanghai), so its statements can be confirmed."""
    with clock.using(clock.Clock.fixed(datetime(2036, 1, 20, 2, tzinfo=UTC))):
        yield


async def _sent_batch(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Auth, township: str, month: str
) -> tuple[Any, dict[str, Any], dict[str, str]]:
    """A confirmed statement in a batch approved and sent by a checker: (row, batch, checker)."""
    put = await client.put(
        f"/payment-formats/{COUNTY}", json=FORMAT, headers=auth("county_officer", COUNTY)
    )
    assert put.status_code == 200, put.text
    world = scenario(township)
    who = await world.approve()
    order = await world.order(
        who, "CL-01", FeeUnit.VISIT, funding_source=FundingSource.OTHER_SERVICE_AID
    )
    await world.deliver(order, date.fromisoformat(f"{month}-11"))
    await world.settle(month)
    row = await world.statement(month)
    _, confirmer = user_as(auth, "township_officer", township)
    done = await client.post(f"/statements/{row.statement_id}/confirm", headers=confirmer)
    assert done.status_code == 200, done.text
    _, maker = user_as(auth, "township_officer", township)
    made = await client.post("/payment-batches", json={"township_code": township}, headers=maker)
    assert made.status_code == 201, made.text
    batch = made.json()
    _, checker = user_as(auth, "checker", township)
    url = f"/payment-batches/{batch['batch_id']}"
    assert (await client.post(f"{url}/approve", headers=checker)).status_code == 200
    assert (await client.get(f"{url}/bank-file", headers=checker)).status_code == 200
    return row, batch, checker


async def _return(
    client: httpx.AsyncClient, batch_id: str, text: str, who: dict[str, str]
) -> dict[str, Any]:
    done = await upload_return(client, batch_id, (HEADER + text).encode("utf-8-sig"), who)
    assert done.status_code == 200, done.text
    return dict(done.json())


async def test_settlement_a_pending_reversal_is_visible_until_it_is_approved(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Auth
) -> None:
    row, batch, checker = await _sent_batch(scenario, client, auth, T_REVERSAL, "2035-03")
    [line] = batch["lines"]
    await _return(
        client, batch["batch_id"], f"{line['line_ref']},成功,ABC-77,,2035-04-02\r\n", checker
    )
    requester_id, requester = user_as(auth, "township_officer", T_REVERSAL)
    statement_url = f"/statements/{row.statement_id}"
    assert (await client.get(statement_url, headers=checker)).json()["pending_reversal"] is None
    queue = {"township_code": T_REVERSAL}
    assert (await client.get("/payment-reversals", params=queue, headers=checker)).json()[
        "total"
    ] == 0

    asked = await client.post(
        f"{statement_url}/payment-reversal", json={"reason_zh": "银行重复入账"}, headers=requester
    )
    assert asked.status_code == 201, asked.text
    pending = (await client.get(statement_url, headers=checker)).json()["pending_reversal"]
    assert (pending["requested_by"], pending["reason_zh"], pending["amount_fen"]) == (
        requester_id,
        "银行重复入账",
        row.total_fen,
    )
    assert pending["reversal_id"] == asked.json()["reversal_id"] and pending["requested_at"]
    listed = (await client.get("/payment-reversals", params=queue, headers=checker)).json()
    assert (listed["total"], listed["items"][0]["statement_id"]) == (1, str(row.statement_id))
    assert listed["items"][0]["statement_status"] == "paid"
    elsewhere = auth("checker", T_EXCEPTION)
    assert (
        await client.get("/payment-reversals", params=queue, headers=elsewhere)
    ).status_code == 403

    approved = await client.post(f"{statement_url}/payment-reversal/approve", headers=checker)
    assert approved.status_code == 200, approved.text
    assert (await client.get(statement_url, headers=checker)).json()["pending_reversal"] is None
    assert (await client.get("/payment-reversals", params=queue, headers=checker)).json()[
        "total"
    ] == 0
    done = {**queue, "state": "approved"}
    history = (await client.get("/payment-reversals", params=done, headers=checker)).json()
    assert [(x["status"], x["approved_at"] is not None) for x in history["items"]] == [
        ("approved", True)
    ]


async def test_settlement_a_payment_exception_is_resolved_once_by_a_person_who_says_why(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Auth
) -> None:
    row, batch, checker = await _sent_batch(scenario, client, auth, T_EXCEPTION, "2035-05")
    [line] = batch["lines"]
    text = f"{line['line_ref']},成功,ABC-88,,2035-06-02\r\nB999998-1,成功,ABC-89,,2035-06-02\r\n"
    assert (await _return(client, batch["batch_id"], text, checker))["counts"]["flagged"] == 1
    where = {"township_code": T_EXCEPTION}
    [flagged] = (await client.get("/payment-exceptions", params=where, headers=checker)).json()[
        "items"
    ]
    assert (flagged["line_ref"], flagged["resolved_by"]) == ("B999998-1", None)
    url = f"/payment-exceptions/{flagged['exception_id']}/resolution"

    empty = await client.post(url, json={"note_zh": "  "}, headers=checker)
    assert empty.status_code == 422, empty.text
    assert (empty.json()["code"], empty.json()["errors"][0]["field"]) == (
        "note_required",
        "body.note_zh",
    )
    assert empty.json()["errors"][0]["message"] == "请填写处理说明"
    county = auth("county_officer", COUNTY)
    wrong = await client.post(url, json={"note_zh": "已核实"}, headers=county)
    assert wrong.status_code == 403
    outside = auth("checker", T_REVERSAL)
    assert (await client.post(url, json={"note_zh": "已核实"}, headers=outside)).status_code == 403
    missing = await client.post(
        f"/payment-exceptions/{uuid.uuid4()}/resolution", json={"note_zh": "x"}, headers=checker
    )
    assert (missing.status_code, missing.json()["code"]) == (404, "payment_exception_not_found")

    resolver_id, resolver = user_as(auth, "township_officer", T_EXCEPTION)
    note = "已与银行核实：该笔为他行误退回，无需处理"
    done = await client.post(url, json={"note_zh": note}, headers=resolver)
    assert done.status_code == 200, done.text
    assert (done.json()["resolved_by"], done.json()["resolution_note_zh"]) == (resolver_id, note)
    assert done.json()["resolved_at"] is not None
    twice = await client.post(url, json={"note_zh": "再次处理"}, headers=checker)
    assert (twice.status_code, twice.json()["code"]) == (409, "exception_already_resolved")

    opened = (await client.get("/payment-exceptions", params=where, headers=checker)).json()
    assert opened["total"] == 0
    resolved = {**where, "state": "resolved"}
    closed = (await client.get("/payment-exceptions", params=resolved, headers=checker)).json()
    assert [(x["exception_id"], x["resolved_by"]) for x in closed["items"]] == [
        (flagged["exception_id"], resolver_id)
    ]
    # The same return again flags nothing new; the resolved row stays resolved.
    await _return(client, batch["batch_id"], text, checker)
    assert (await client.get("/payment-exceptions", params=where, headers=checker)).json()[
        "total"
    ] == 0
    # No money moved: the statement the batch paid stays paid, by the bank's return.
    paid = await scenario(T_EXCEPTION).sql(
        "select status from statement where statement_id = :s", s=row.statement_id
    )
    assert paid == [("paid",)]


def _items() -> list[dict[str, Any]]:
    return [item.model_dump(mode="json") | {"is_example": False} for item in demo_items()]


async def test_settlement_publishing_a_catalogue_version_twice_with_one_key_makes_one(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    officer = auth("county_officer", COUNTY, user_id=f"county-{uuid.uuid4().hex[:8]}")
    url = f"/catalogue/{COUNTY}/versions"
    before = len((await client.get(url, headers=officer)).json())
    body = {"effective_from": (clock.today() + timedelta(days=1)).isoformat(), "items": _items()}
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = await client.post(url, json=body, headers=officer | key)
    again = await client.post(url, json=body, headers=officer | key)
    assert (first.status_code, again.status_code) == (201, 201), again.text
    assert again.json() == first.json()
    assert len((await client.get(url, headers=officer)).json()) == before + 1
    other = {**body, "effective_from": (clock.today() + timedelta(days=2)).isoformat()}
    reused = await client.post(url, json=other, headers=officer | key)
    assert (reused.status_code, reused.json()["code"]) == (409, "idempotency_key_reused")

    second = await client.post(url, json=other, headers=officer | {"Idempotency-Key": "k2"})
    assert second.status_code == 201, second.text
    assert second.json()["version"] == first.json()["version"] + 1
    assert len((await client.get(url, headers=officer)).json()) == before + 2


async def test_settlement_drawing_spot_checks_twice_with_one_key_draws_once(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Auth
) -> None:
    officer = auth("county_officer", COUNTY, user_id=f"county-{uuid.uuid4().hex[:8]}")
    url = f"/spot-checks/{COUNTY}/{YEAR}/draws"
    key = {"Idempotency-Key": str(uuid.uuid4())}
    body = {"seed": "2035-青阳-1"}
    first = await client.post(url, json=body, headers=officer | key)
    again = await client.post(url, json=body, headers=officer | key)
    assert (first.status_code, again.status_code) == (201, 201), again.text
    assert again.json() == first.json()
    count = "select count(*) from spot_check_draw where county_code = :c and year = :y"
    world = scenario(T_EXCEPTION)
    assert await world.sql(count, c=COUNTY, y=YEAR) == [(1,)]
    bad = await client.post(url, json=body, headers=officer | {"Idempotency-Key": "k" * 201})
    assert (bad.status_code, bad.json()["code"]) == (422, "bad_idempotency_key")
    other = await client.post(url, json=body, headers=officer | {"Idempotency-Key": "d2"})
    assert other.status_code == 201 and other.json()["draw_id"] != first.json()["draw_id"]
    assert await world.sql(count, c=COUNTY, y=YEAR) == [(2,)]
