"""The provider registry: county officers only, topics created, every change published."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from contracts import topics
from contracts.dispatch import (
    ProviderRegistered,
    ProviderReinstated,
    ProviderSuspended,
    ProviderUpdated,
)

pytestmark = pytest.mark.integration


async def test_dispatch_registering_a_provider_opens_its_topics_and_announces_it(
    api: Any, bus: Any, make: SimpleNamespace
) -> None:
    code = f"reg-{make.suffix()}"
    provider = await api.register(code, ["341702106", "341702107201"], items=("LC-01", "CL-01"))
    assert provider["township_codes"] == ["341702106"]
    assert provider["village_codes"] == ["341702107201"]
    assert provider["service_categories"] == ["cleaning", "life_care"]

    admin = AIOKafkaAdminClient(**bus.bootstrap.aiokafka())
    await admin.start()
    try:
        existing = set(await admin.list_topics())
    finally:
        await admin.close()
    replies = topics.provider_replies(code)
    assert {topics.provider_orders(code), replies, topics.dlq(replies)} <= existing

    registry = await bus.topic(topics.DISPATCH_PROVIDERS)
    registered = await registry.wait_for(ProviderRegistered, provider_code=code)
    assert registered.township_codes == ("341702106", "341702107")
    assert registered.provider_type == "social_work_org"

    changed = await api.client.patch(
        f"/providers/{code}", json={"capacity": 3}, headers=api.county()
    )
    assert (changed.json()["capacity"], changed.json()["version"]) == (3, 2)
    await registry.wait_for(ProviderUpdated, provider_code=code, version=2)
    suspend = {"reason_code": "misconduct", "reason_zh": "服务记录造假"}
    await api.client.post(f"/providers/{code}/suspend", json=suspend, headers=api.county())
    stopped = await registry.wait_for(ProviderSuspended, provider_code=code)
    assert (stopped.reason_code, stopped.version) == ("misconduct", 3)
    back = await api.client.post(f"/providers/{code}/reinstate", headers=api.county())
    assert back.json()["status"] == "active"
    await registry.wait_for(ProviderReinstated, provider_code=code, version=4)


async def test_dispatch_the_registry_refuses_what_does_not_fit(
    api: Any, make: SimpleNamespace
) -> None:
    code = f"bad-{make.suffix()}"
    body = {
        "code": code,
        "name_zh": "某慈善会",
        "provider_type": "charity",
        "areas": ["341702108201"],
        "item_codes": ["LC-01"],
        "modes": ["institutional_care"],
        "capacity": 5,
        "qualification": {
            "name_zh": "慈善组织登记证书",
            "number": "C-1",
            "valid_from": "2024-01-01",
            "valid_until": "2030-12-31",
        },
        "contacts": [{"name_zh": "李会长", "phone": "13800000001"}],
    }
    wrong_mode = await api.client.post("/providers", json=body, headers=api.county())
    assert (wrong_mode.status_code, wrong_mode.json()["code"]) == (422, "mode_not_allowed")
    other_county = body | {"modes": ["charity_referral"], "areas": ["341721100201"]}
    outside = await api.client.post("/providers", json=other_county, headers=api.county())
    assert outside.json()["code"] == "area_outside_county"
    unknown = body | {"modes": ["charity_referral"], "item_codes": ["ZZ-99"]}
    missing = await api.client.post("/providers", json=unknown, headers=api.county())
    assert missing.json()["code"] == "item_not_in_catalogue"
    ok = body | {"modes": ["charity_referral"]}
    township = await api.client.post("/providers", json=ok, headers=api.township("341702108"))
    assert township.status_code == 403
    extra = await api.client.post(
        "/providers", json=ok | {"status": "active"}, headers=api.county()
    )
    assert extra.status_code == 422
    assert (await api.client.post("/providers", json=ok, headers=api.county())).status_code == 201
    again = await api.client.post("/providers", json=ok, headers=api.county())
    assert (again.status_code, again.json()["code"]) == (409, "provider_code_taken")
