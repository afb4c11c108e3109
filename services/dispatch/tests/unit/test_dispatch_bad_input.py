"""Bad input the fuzzer (tests/fuzz) drove to a 500 is now a 422 problem document.

The app runs in-process with no database and no broker: each request is refused by request
validation before a handler reads anything.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from civic.asyncapi import DOCS_ENV
from devstack import tokens
from dispatch.main import create_app
from dispatch.settings import Settings

pytestmark = pytest.mark.unit

TOWNSHIP = "341702100"


@pytest.fixture
async def call(tmp_path: Path) -> AsyncIterator[Callable[..., Any]]:
    public_key = tokens.ensure_keys(tmp_path).read_text()
    # No request here reaches a handler, so no key is ever loaded from the folder.
    given = {"auth_public_key_pem": public_key, "sealing_master_keys_dir": str(tmp_path)}
    app = create_app(Settings.model_validate({**DOCS_ENV, **given}))
    officer = tokens.mint(tmp_path, user_id="o", roles=["township_officer"], division=TOWNSHIP)
    provider = tokens.mint(tmp_path, user_id="p", roles=["provider"], provider_code="meals-1")
    county = tokens.mint(tmp_path, user_id="c", roles=["county_officer"], division="341702")
    bearer = {"officer": officer, "provider": provider, "county": county}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://dispatch"
    ) as client:

        async def send(who: str, method: str, url: str, body: Any) -> tuple[int, str, list[str]]:
            got = await client.request(
                method, url, json=body, headers={"Authorization": f"Bearer {bearer[who]}"}
            )
            problem = got.json()
            return got.status_code, problem["code"], [e["field"] for e in problem["errors"]]

        yield send


async def test_a_duty_list_naming_a_person_twice_is_a_422(call: Callable[..., Any]) -> None:
    members = [{"user_id": "officer-1"}, {"user_id": "officer-2"}, {"user_id": "officer-1"}]
    got = await call("officer", "PUT", f"/townships/{TOWNSHIP}/duty-list", {"members": members})
    assert got == (422, "duplicate_value", ["body.members"])


def record(**changes: str) -> dict[str, Any]:
    return {
        "record_id": str(uuid.uuid4()),
        "order_id": str(uuid.uuid4()),
        "item_code": "LC-03",
        "quantity": 1,
        "service_date": "2026-12-05",
        "started_at": "2026-12-05T09:00:00+08:00",
        "ended_at": "2026-12-05T10:00:00+08:00",
        "worker_ref": "w1",
        "recipient_confirmed": True,
        **changes,
    }


@pytest.mark.parametrize(
    ("field", "instant"),
    [
        ("started_at", "0001-01-01T00:00:00+08:00"),  # before year 1 in UTC
        ("started_at", "9999-12-31T23:59:59-12:00"),  # after year 9999 in UTC
        ("ended_at", "1278-06-30T01:47:48Z"),
    ],
)
async def test_a_service_time_outside_2000_to_2099_is_a_422(
    call: Callable[..., Any], field: str, instant: str
) -> None:
    one = await call("provider", "POST", "/provider/records", record(**{field: instant}))
    assert one == (422, "time_out_of_range", [f"body.{field}"])
    batch = {"records": [record(), record(**{field: instant})]}
    many = await call("provider", "POST", "/provider/records/batch", batch)
    assert many == (422, "time_out_of_range", [f"body.records.1.{field}"])


@pytest.mark.parametrize("field", ["capacity", "name_zh"])
async def test_clearing_a_providers_capacity_or_name_is_a_422(
    call: Callable[..., Any], field: str
) -> None:
    got = await call("county", "PATCH", "/providers/meals-1", {field: None})
    assert got == (422, "cannot_be_cleared", [f"body.{field}"])
