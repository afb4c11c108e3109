"""Issue 16: every settlement route that answers with a person's data (service records,
ledger lines, their CSV exports, spot checks) leaves a line naming who read whose data."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest

from contracts.dispatch import ProviderRegistered
from contracts.enums import FeeUnit
from contracts.samples import sample
from devstack.read_audit import AuditedCall, check_reads
from settlement.handlers import readmodels

from .test_settlement_fund_rules import fund_hold_calls

pytestmark = pytest.mark.integration

#: 青阳县, 2025: no other test records services there, so the one drawn record is ours.
COUNTY, TOWNSHIP, YEAR, MONTH = "341723", "341723108", 2025, "2025-03"

Auth = Callable[..., dict[str, str]]


def _as(auth: Auth, role: str, division: str) -> tuple[str, dict[str, str]]:
    user_id = f"reader-{uuid.uuid4().hex[:8]}"
    return user_id, auth(role, division, user_id=user_id)


@dataclass(frozen=True)
class Served:
    """A person served once in MONTH, whose statement is drafted and whose service is drawn."""

    person_id: uuid.UUID
    statement_id: uuid.UUID
    spot_check_id: uuid.UUID
    provider_code: str


async def _served(scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Auth) -> Served:
    world = scenario(TOWNSHIP)
    registered = sample(
        ProviderRegistered,
        provider_id=world.provider_id,
        provider_code=world.provider_code,
        county_code=COUNTY,
    )
    await world.run(readmodels.note_provider, registered)
    who = await world.approve()
    order = await world.order(who, "CL-01", FeeUnit.VISIT)
    delivered = await world.deliver(order, date(2025, 3, 11))
    [statement_id] = await world.settle(MONTH)
    drawn = await client.post(
        f"/spot-checks/{COUNTY}/{YEAR}/draws",
        json={"seed": "read-audit"},
        headers=auth("county_officer", COUNTY),
    )
    assert drawn.status_code == 201, drawn.text
    query = "select spot_check_id from spot_check where record_id = :record"
    [(spot_check_id,)] = await world.sql(query, record=delivered.record_id)
    return Served(who.person_id, statement_id, spot_check_id, world.provider_code)


def _calls(
    served: Served, client: httpx.AsyncClient, auth: Auth, auditor: tuple[str, dict[str, str]]
) -> dict[str, AuditedCall]:
    person = served.person_id
    officer_id, officer = _as(auth, "township_officer", TOWNSHIP)
    checker_id, checker = _as(auth, "county_officer", COUNTY)
    month = {"township_code": TOWNSHIP, "month": MONTH}
    period = {"township_code": TOWNSHIP, "period": MONTH}
    lines_csv = f"/statements/{served.statement_id}/lines.csv"
    result = f"/spot-checks/{served.spot_check_id}/result"
    return {
        "GET /records": AuditedCall(
            lambda: client.get("/records", params=month, headers=officer), officer_id, person
        ),
        "GET /ledger": AuditedCall(
            lambda: client.get("/ledger", params=period, headers=officer), officer_id, person
        ),
        "GET /ledger.csv": AuditedCall(
            lambda: client.get("/ledger.csv", params=period, headers=officer), officer_id, person
        ),
        "GET /statements/{statement_id}/lines.csv": AuditedCall(
            lambda: client.get(lines_csv, headers=officer), officer_id, person
        ),
        "GET /spot-checks/{county_code}/{year}": AuditedCall(
            lambda: client.get(f"/spot-checks/{COUNTY}/{YEAR}", headers=checker),
            checker_id,
            person,
        ),
        "POST /spot-checks/{spot_check_id}/result": AuditedCall(
            lambda: client.post(result, json={"outcome": "confirmed"}, headers=checker),
            checker_id,
            person,
        ),
        **_inspection_calls(served, client, officer, officer_id),
        **_payment_calls(served, client, auth),
        "GET /audit/reads": AuditedCall(
            lambda: client.get(
                "/audit/reads", params={"person_id": str(person)}, headers=auditor[1]
            ),
            auditor[0],
            person,
        ),
    }


def _inspection_calls(
    served: Served, client: httpx.AsyncClient, officer: dict[str, str], officer_id: str
) -> dict[str, AuditedCall]:
    """Issue 19's routes: a visit recorded, listed, and read with its notes."""
    visit = {
        "kind": "planned",
        "person_id": str(served.person_id),
        "outcome": "confirmed",
        "findings": "入户回访",
        "checked_on": "2025-03-12",
    }

    async def read_one() -> httpx.Response:
        made = await client.post("/inspections", json=visit, headers=officer)
        return await client.get(f"/inspections/{made.json()['inspection_id']}", headers=officer)

    person = served.person_id
    return {
        "POST /inspections": AuditedCall(
            lambda: client.post("/inspections", json=visit, headers=officer), officer_id, person
        ),
        "GET /inspections": AuditedCall(
            lambda: client.get("/inspections", headers=officer), officer_id, person
        ),
        "GET /inspections/{inspection_id}": AuditedCall(read_one, officer_id, person),
    }


def _payment_calls(served: Served, client: httpx.AsyncClient, auth: Auth) -> dict[str, AuditedCall]:
    """Issue 21's reads of a provider's bank account: set, read masked, and in a bank file."""
    county_id, county = _as(auth, "county_officer", COUNTY)
    checker_id, checker = _as(auth, "checker", TOWNSHIP)
    account = f"/providers/{served.provider_code}/bank-account"
    body = {
        "account_no": "6228480012345678901",
        "account_name": "青阳县社工站",
        "bank_name": "农行",
    }

    async def bank_file() -> httpx.Response:
        township = auth("township_officer", TOWNSHIP)
        await client.post(f"/statements/{served.statement_id}/confirm", headers=township)
        made = await client.post(
            "/payment-batches", json={"township_code": TOWNSHIP}, headers=township
        )
        url = f"/payment-batches/{made.json()['batch_id']}"
        await client.post(f"{url}/approve", headers=checker)
        return await client.get(f"{url}/bank-file", headers=checker)

    return {
        "PUT /providers/{provider_code}/bank-account": AuditedCall(
            lambda: client.put(account, json=body, headers=county), county_id, None
        ),
        "GET /providers/{provider_code}/bank-account": AuditedCall(
            lambda: client.get(account, headers=checker), checker_id, None
        ),
        "GET /payment-batches/{batch_id}/bank-file": AuditedCall(bank_file, checker_id, None),
    }


async def test_settlement_every_route_that_reads_personal_data_leaves_a_line(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Auth
) -> None:
    served = await _served(scenario, client, auth)
    auditor_id = f"auditor-{uuid.uuid4().hex[:8]}"
    auditor = auth("auditor", "341700", user_id=auditor_id)
    # The calls run in route order, /audit/reads first: one read for it to find before.
    _, officer = _as(auth, "township_officer", TOWNSHIP)
    month = {"township_code": TOWNSHIP, "month": MONTH}
    assert (await client.get("/records", params=month, headers=officer)).status_code == 200
    holds = await fund_hold_calls(scenario, client, auth)
    calls = {**_calls(served, client, auth, (auditor_id, auditor)), **holds}
    assert await check_reads(client, calls, auditor=auditor) == []


async def test_settlement_a_stranger_cannot_ask_the_auditors_questions(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    _, officer = _as(auth, "county_officer", COUNTY)
    asked = await client.get("/audit/reads", params={"user_id": "anyone"}, headers=officer)
    assert asked.status_code == 403
