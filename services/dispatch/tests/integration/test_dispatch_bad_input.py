"""Bad input the fuzzer (tests/fuzz) drove to a 500, answered with a 422 problem document."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

pytestmark = pytest.mark.integration


async def test_dispatch_a_nul_in_a_contact_address_is_a_422_naming_the_field(
    api: Any, bus: Any, make: SimpleNamespace
) -> None:
    village = "341702101201"
    approved = make.approval(village)
    await bus.publish(approved)
    contact = {"address": "殷汇镇\u0000三组", "phone": "13912345678"}
    # PostgreSQL refuses U+0000 in text (SQLSTATE 22021); nothing is stored: the client's 422.
    got = await api.eventually(
        "PUT",
        f"/recipients/{approved.recipient_id}/contact",
        lambda r: r.status_code != 404,  # until dispatch has the recipient
        json=contact,
        headers=api.village(village),
    )
    assert got.status_code == 422, got.text
    body = got.json()
    assert body["code"] == "invalid_character"
    assert [(e["field"], e["code"]) for e in body["errors"]] == [
        ("body.address", "invalid_character")
    ]
