"""Issue 19: referral passes by a provider scored below the county's threshold or whose
agreement has ended (the township's queue says why), and prefers the better scored; the
orders such a provider already holds continue, their records accepted."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from contracts import topics
from contracts.dispatch import OrderAssigned, ServiceDelivered, ServiceOrderEscalated
from contracts.samples import sample
from contracts.supervision import ProviderEvaluated

from .steps import accept

pytestmark = pytest.mark.integration

BELOW_ZH = "服务供给主体绩效评价低于县级转介门槛"
ENDED_ZH = "服务供给主体服务协议已到期"
AT = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)


def evaluation(provider: dict[str, Any], period: str, score: int, **fields: Any) -> Any:
    """Settlement's evaluation of ``provider`` (threshold 60 unless told)."""
    values = {
        "provider_id": uuid.UUID(provider["provider_id"]),
        "provider_code": provider["code"],
        "county_code": "341702",
        "period": period,
        "rule_version": 1,
        "score": score,
        "referral_threshold": 60,
        "occurred_at": AT,
    }
    return sample(ProviderEvaluated, **(values | fields))


async def evaluated(bus: Any, probe: Any, event: Any) -> None:
    """Settlement publishes the evaluation; returns once dispatch has taken it in."""
    await bus.publish(event)
    await probe.applied(event.event_id)


async def placed(bus: Any, make: SimpleNamespace, village: str, code: str) -> Any:
    """A new recipient approved in ``village``, whose order ``code`` is offered."""
    approved = make.approval(village)
    await bus.publish(approved)
    return await (await bus.provider(code)).wait_for(
        OrderAssigned, recipient_id=approved.recipient_id
    )


async def queued(bus: Any, make: SimpleNamespace, village: str) -> Any:
    """A new recipient approved in ``village``, whose order waits in the township's queue."""
    approved = make.approval(village)
    await bus.publish(approved)
    orders = await bus.topic(topics.DISPATCH_ORDERS)
    return await orders.wait_for(ServiceOrderEscalated, recipient_id=approved.recipient_id)


async def record_counts(api: Any, bus: Any, make: SimpleNamespace, order: Any, i: int) -> None:
    """The provider reports a service on its open order, and it counts."""
    body = make.record(order.order_id, i)
    answer = await api.client.post(
        "/provider/records", json=body, headers=api.provider(order.provider_code)
    )
    assert answer.json()["accepted"], answer.text
    services = await bus.topic(topics.DISPATCH_SERVICES)
    await services.wait_for(ServiceDelivered, record_id=uuid.UUID(body["record_id"]))


async def test_dispatch_a_provider_below_the_threshold_gets_no_new_referrals_but_keeps_its_orders(
    api: Any, bus: Any, make: SimpleNamespace, probe: Any
) -> None:
    village = "341702001202"
    code = f"sc-{make.suffix()}"
    provider = await api.register(code, [village])
    held = await placed(bus, make, village, code)
    assert (await accept(api, held)).status_code == 200

    low = evaluation(provider, "2026-10", 50)
    await evaluated(bus, probe, low)
    passed_by = await queued(bus, make, village)
    assert (passed_by.unplaced_reason, passed_by.reason_zh) == ("other", BELOW_ZH)
    queue = await api.client.get(
        f"/townships/{village[:9]}/queue", headers=api.township(village[:9])
    )
    mine = [o for o in queue.json()["items"] if o["order_id"] == str(passed_by.order_id)]
    assert [(o["unplaced_reason"], o["unplaced_reason_zh"]) for o in mine] == [("other", BELOW_ZH)]
    await record_counts(api, bus, make, held, 0)  # its open order continues

    # An older month scored well, an earlier scoring of this month arriving late, and a
    # replay of this one under another event id, change nothing.
    await evaluated(bus, probe, evaluation(provider, "2026-09", 95))
    late = evaluation(provider, "2026-10", 95, occurred_at=AT - timedelta(hours=1))
    await evaluated(bus, probe, late)
    replay = low.model_copy(update={"event_id": uuid.uuid4(), "score": 95})
    await evaluated(bus, probe, replay)
    still = await queued(bus, make, village)
    assert still.reason_zh == BELOW_ZH
    scores = await api.client.get("/provider/evaluations", headers=api.provider(code))
    assert [(e["period"], e["score"], e["below_threshold"]) for e in scores.json()["items"]] == [
        ("2026-10", 50, True),
        ("2026-09", 95, False),
    ]

    # The county re-scores the month under a new rule version: referral resumes.
    await evaluated(bus, probe, evaluation(provider, "2026-10", 75, rule_version=2))
    await placed(bus, make, village, code)
    await record_counts(api, bus, make, held, 1)


async def test_dispatch_a_provider_whose_agreement_ended_gets_no_new_referrals_but_keeps_its_orders(
    api: Any, bus: Any, make: SimpleNamespace
) -> None:
    village = "341702003202"
    code = f"ag-{make.suffix()}"
    await api.register(code, [village])
    held = await placed(bus, make, village, code)
    assert (await accept(api, held)).status_code == 200

    yesterday = (make.today() - timedelta(days=1)).isoformat()
    ended = await api.client.patch(
        f"/providers/{code}", json={"agreement_ends_on": yesterday}, headers=api.county()
    )
    assert ended.json()["agreement_ends_on"] == yesterday, ended.text
    passed_by = await queued(bus, make, village)
    assert (passed_by.unplaced_reason, passed_by.reason_zh) == ("other", ENDED_ZH)
    await record_counts(api, bus, make, held, 0)  # its open order continues

    # Nor may an officer hand it the queued order.
    override = await api.client.post(
        f"/orders/{passed_by.order_id}/reassign",
        json={"provider_code": code, "reason_zh": "指定该机构"},
        headers=api.township(village[:9]),
    )
    assert (override.status_code, override.json()["code"]) == (422, "agreement_ended")
    assert override.json()["title"] == ENDED_ZH


async def test_dispatch_referral_prefers_the_better_scored_provider(
    api: Any, bus: Any, make: SimpleNamespace, probe: Any
) -> None:
    village = "341702005202"
    tail = make.suffix()
    good, better = f"pa-{tail}", f"pb-{tail}"  # equal load: the lower code would get it
    first = await api.register(good, [village])
    second = await api.register(better, [village])
    await evaluated(bus, probe, evaluation(first, "2026-10", 70))
    await evaluated(bus, probe, evaluation(second, "2026-10", 90))
    offered = await placed(bus, make, village, better)
    assert offered.provider_code == better
    assert (await bus.provider(good)).events(OrderAssigned, recipient_id=offered.recipient_id) == []
