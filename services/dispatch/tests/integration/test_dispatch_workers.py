"""Issue 19: each provider keeps its worker register; a record by an unregistered worker, or
by an untrained one on a care item, is refused with the reason; officers read the register
and, on a spot check, the worker a record names."""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

import pytest

from contracts import topics
from contracts.dispatch import ServiceDelivered, ServiceRecordRefused

from .steps import accept, offer

pytestmark = pytest.mark.integration

UNREGISTERED_ZH = "服务人员未在服务供给主体人员名册中登记"
UNTRAINED_ZH = "服务人员未参加该服务事项要求的技能培训或能力评价已过期"


async def test_dispatch_a_provider_keeps_its_register_and_officers_read_it(
    api: Any, make: SimpleNamespace
) -> None:
    code = f"wr-{make.suffix()}"
    await api.register(code, ["341702102202"])  # registers w1
    mine = api.provider(code)
    body = {
        "name_zh": "王护理员",
        "qualification": {"name_zh": "养老护理员职业技能等级证书", "number": "YL-7"},
        "trainings": [
            {"name_zh": "岗前培训", "categories": ["cleaning"], "completed_on": "2025-01-02"}
        ],
        "evaluated_on": "2025-06-01",
    }
    first = await api.client.put("/provider/workers/w-7", json=body, headers=mine)
    assert (first.status_code, first.json()["version"]) == (201, 1), first.text
    again = await api.client.put("/provider/workers/w-7", json=body, headers=mine)
    assert (again.status_code, again.json()) == (200, first.json())  # a repeat changes nothing
    left = await api.client.put(
        "/provider/workers/w-7", json=body | {"active": False}, headers=mine
    )
    assert (left.json()["version"], left.json()["active"]) == (2, False)

    listed = (await api.client.get("/provider/workers?size=1", headers=mine)).json()
    assert (listed["total"], [w["worker_ref"] for w in listed["items"]]) == (2, ["w-7"])
    active = (await api.client.get("/provider/workers?active_only=true", headers=mine)).json()
    assert [w["worker_ref"] for w in active["items"]] == ["w1"]

    county = await api.client.get(f"/providers/{code}/workers", headers=api.county())
    assert [w["worker_ref"] for w in county.json()["items"]] == ["w-7", "w1"]
    township = await api.client.get(f"/providers/{code}/workers", headers=api.township("341702102"))
    assert township.json()["total"] == 2
    elsewhere = api.as_("county_officer", "341721", user_id="u-dongzhi")
    assert (
        await api.client.get(f"/providers/{code}/workers", headers=elsewhere)
    ).status_code == 404


async def test_dispatch_bad_register_entries_are_refused_and_change_nothing(
    api: Any, make: SimpleNamespace
) -> None:
    code = f"wb-{make.suffix()}"
    await api.register(code, ["341702103202"])
    mine = api.provider(code)
    phone_as_name = await api.client.put(
        "/provider/workers/w-9", json={"name_zh": "李13800000000"}, headers=mine
    )
    assert phone_as_name.status_code == 422
    assert "worker_name_has_number" in phone_as_name.text
    id_number = await api.client.put(
        "/provider/workers/w-9", json={"name_zh": "李", "id_number": "x"}, headers=mine
    )
    assert id_number.status_code == 422  # no field for it: unknown fields are refused
    no_category = {
        "name_zh": "李",
        "trainings": [{"name_zh": "培训", "categories": [], "completed_on": "2025-01-01"}],
    }
    assert (
        await api.client.put("/provider/workers/w-9", json=no_category, headers=mine)
    ).status_code == 422
    too_long = await api.client.put(
        f"/provider/workers/{'w' * 65}", json={"name_zh": "李"}, headers=mine
    )
    assert too_long.status_code == 422
    officer = await api.client.put(
        "/provider/workers/w-9", json={"name_zh": "李"}, headers=api.county()
    )
    assert officer.status_code == 403
    listed = (await api.client.get("/provider/workers", headers=mine)).json()
    assert [w["worker_ref"] for w in listed["items"]] == ["w1"]


async def test_dispatch_a_record_by_an_unregistered_or_untrained_worker_is_refused(
    api: Any, bus: Any, make: SimpleNamespace
) -> None:
    case = await offer(api, bus, make, "341702006202", "wk")
    order = case.order
    code = order.provider_code
    assert (await accept(api, order)).status_code == 200
    await api.worker(code, "w-new", trainings=[])  # registered, never trained
    await api.worker(code, "w-gone", active=False)  # left the provider
    services = await bus.topic(topics.DISPATCH_SERVICES)
    records = [
        make.record(order.order_id, 0, worker="w-nobody"),
        make.record(order.order_id, 1, worker="w-new"),
        make.record(order.order_id, 2, worker="w-gone"),
        make.record(order.order_id, 3),  # w1: trained for life care, evaluated a month ago
    ]
    answer = await api.client.post(
        "/provider/records/batch", json={"records": records}, headers=api.provider(code)
    )
    assert answer.status_code == 200, answer.text
    outcomes = [(o["accepted"], o["check_code"], o["reason_zh"]) for o in answer.json()["outcomes"]]
    assert outcomes == [
        (False, "worker_unregistered", UNREGISTERED_ZH),
        (False, "worker_untrained", UNTRAINED_ZH),
        (False, "worker_unregistered", UNREGISTERED_ZH),
        (True, None, None),
    ]

    # On the bus: the contract's coarse code and no check code (it does not know these yet).
    refused = await services.wait_for(
        ServiceRecordRefused, record_id=uuid.UUID(records[0]["record_id"])
    )
    assert (refused.reason_code, refused.check_code, refused.reason_zh) == (
        "other",
        None,
        UNREGISTERED_ZH,
    )
    untrained = await services.wait_for(
        ServiceRecordRefused, record_id=uuid.UUID(records[1]["record_id"])
    )
    assert (untrained.reason_code, untrained.reason_zh) == ("other", UNTRAINED_ZH)
    await services.wait_for(ServiceDelivered, record_id=uuid.UUID(records[3]["record_id"]))

    # A retry gets the first answer; the officers see the exact code too.
    retried = await api.client.post(
        "/provider/records", json=records[1], headers=api.provider(code)
    )
    assert (retried.json()["accepted"], retried.json()["check_code"]) == (False, "worker_untrained")
    township = api.township("341702006")
    listed = await api.client.get(f"/orders/{order.order_id}/records", headers=township)
    assert sorted(r["check_code"] or "" for r in listed.json()) == [
        "",
        "worker_unregistered",
        "worker_unregistered",
        "worker_untrained",
    ]


async def test_dispatch_a_spot_check_reads_the_worker_a_record_names(
    api: Any, bus: Any, make: SimpleNamespace
) -> None:
    case = await offer(api, bus, make, "341702004202", "ws")
    order = case.order
    code = order.provider_code
    assert (await accept(api, order)).status_code == 200
    record = make.record(order.order_id, 0)
    assert (
        await api.client.post("/provider/records", json=record, headers=api.provider(code))
    ).json()["accepted"]

    url = f"/records/{record['record_id']}/worker"
    seen = await api.client.get(url, headers=api.township("341702004"))
    assert seen.status_code == 200, seen.text
    found = seen.json()
    assert (found["worker_ref"], found["provider_code"], found["check_code"]) == ("w1", code, None)
    assert found["worker"]["trainings"][0]["categories"] == [
        "capability_building",
        "cleaning",
        "health_care",
        "life_care",
    ]

    # The worker leaves afterwards: the check says so now; the record stays as it was judged.
    await api.worker(code, "w1", active=False)
    now = (await api.client.get(url, headers=api.county())).json()
    assert (now["check_code"], now["reason_zh"]) == ("worker_unregistered", UNREGISTERED_ZH)
    assert (await api.client.get(url, headers=api.township("341702108"))).status_code == 403
    missing = await api.client.get(f"/records/{uuid.uuid4()}/worker", headers=api.county())
    assert missing.status_code == 404
    assert (await api.client.get(url, headers=api.provider(code))).status_code == 403
