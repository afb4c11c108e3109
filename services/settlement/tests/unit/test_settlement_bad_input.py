"""Bad input the fuzzer (tests/fuzz) drove to a 500 is now a 422 problem document.

The app runs in-process with no database and no broker: each request is refused by request
validation before a handler reads anything.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from civic.asyncapi import DOCS_ENV
from devstack import tokens
from settlement.main import create_app
from settlement.settings import Settings

pytestmark = pytest.mark.unit

COUNTY, TOWNSHIP = "341702", "341702100"


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    public_key = tokens.ensure_keys(tmp_path).read_text()
    app = create_app(Settings.model_validate({**DOCS_ENV, "auth_public_key_pem": public_key}))
    token = tokens.mint(tmp_path, user_id="t", roles=["county_officer"], division=COUNTY)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://settlement",
        headers={"Authorization": f"Bearer {token}"},
    ) as c:
        yield c


def problem(got: httpx.Response) -> tuple[int, str, list[str]]:
    body = got.json()
    return got.status_code, body["code"], [e["field"] for e in body["errors"]]


@pytest.mark.parametrize("month", ["0000-01", "9999-12", "٢٠٢٦-12"])
async def test_a_month_of_records_outside_2000_to_2099_is_a_422(
    client: httpx.AsyncClient, month: str
) -> None:
    got = await client.get("/records", params={"township_code": TOWNSHIP, "month": month})
    assert problem(got) == (422, "string_pattern_mismatch", ["query.month"])


@pytest.mark.parametrize("month", ["0000-01", "9999-12"])
async def test_a_performance_month_outside_2000_to_2099_is_a_422(
    client: httpx.AsyncClient, month: str
) -> None:
    got = await client.get(f"/performance/{COUNTY}/{month}")
    assert problem(got) == (422, "string_pattern_mismatch", ["path.month"])


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (f"/funds/{COUNTY}/2026/assistance-total", "total_fen"),
        (f"/funds/{COUNTY}/2026/budgets/tekun_care", "amount_fen"),
    ],
)
async def test_an_amount_past_what_the_ledger_holds_is_a_422(
    client: httpx.AsyncClient, path: str, field: str
) -> None:
    got = await client.put(path, json={field: 3387658072500908064768})
    assert problem(got) == (422, "less_than_equal", [f"body.{field}"])
