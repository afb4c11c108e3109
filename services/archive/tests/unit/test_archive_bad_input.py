"""Bad input the fuzzer (tests/fuzz) drove to a 500 is now a 422 problem document.

The app runs in-process with no database and no broker: each request is refused before a
handler reads anything.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from archive.main import create_app
from archive.settings import Settings
from civic.asyncapi import DOCS_ENV
from devstack import tokens

from .fakes import NO_KEYS_LOADED

pytestmark = pytest.mark.unit

VILLAGE = "341702100201"


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    public_key = tokens.ensure_keys(tmp_path).read_text()
    app = create_app(
        Settings.model_validate({**DOCS_ENV, **NO_KEYS_LOADED, "auth_public_key_pem": public_key})
    )
    token = tokens.mint(tmp_path, user_id="t", roles=["county_officer"], division="341702")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://archive",
        headers={"Authorization": f"Bearer {token}"},
    ) as c:
        yield c


def problem(got: httpx.Response) -> tuple[int, str, list[str], str]:
    body = got.json()
    return got.status_code, body["code"], [e["field"] for e in body["errors"]], body["title"]


@pytest.mark.parametrize("month", ["0000-01", "9999-12", "٢٠٢٦-12"])
@pytest.mark.parametrize("route", ["ledger", "ledger.csv"])
async def test_a_ledger_month_outside_2000_to_2099_or_in_other_digits_is_a_422(
    client: httpx.AsyncClient, route: str, month: str
) -> None:
    got = await client.get(f"/villages/{VILLAGE}/{route}", params={"month": month})
    status, code, fields, _ = problem(got)
    assert (status, code, fields) == (422, "string_pattern_mismatch", ["query.month"])


async def test_a_board_on_a_day_past_the_calendar_is_a_422(client: httpx.AsyncClient) -> None:
    got = await client.get(f"/boards/{VILLAGE}", params={"as_of": "9999-12-31"})
    status, code, fields, title = problem(got)
    assert (status, code, fields) == (422, "date_out_of_range", ["query.as_of"])
    assert "2099-12-31" in title
