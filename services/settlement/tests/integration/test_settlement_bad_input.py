"""Bad input the fuzzer (tests/fuzz) drove to a 500, answered with a 422 problem document."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

pytestmark = pytest.mark.integration


async def test_a_nul_character_postgresql_cannot_store_is_a_422_naming_the_field(
    client: httpx.AsyncClient, auth: Callable[..., dict[str, str]]
) -> None:
    # 东至县 in 2031: no other test draws there. The seed reaches PostgreSQL, which refuses
    # U+0000 in text (SQLSTATE 22021); nothing is stored, so it is the client's 422.
    got = await client.post(
        "/spot-checks/341721/2031/draws",
        json={"seed": "+\u00000"},
        headers=auth("county_officer", "341721"),
    )
    assert got.status_code == 422, got.text
    body = got.json()
    assert body["code"] == "invalid_character"
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("body.seed", "invalid_character")]
    assert "U+0000" in body["title"]
