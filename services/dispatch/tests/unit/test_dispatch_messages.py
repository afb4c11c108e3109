"""Who a message goes to and what it says, in milliseconds: a doorbell alert to everyone the
press alerts, escalations and unacknowledged changes to the township's duty list; a message
names its cause (one per person per cause) and carries no ID number, phone or address."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from civic.notify.model import Outgoing
from civic.notify.rules import Purpose
from civic.testing import FakeUnitOfWork
from contracts.kinds import AlertChannel
from dispatch.domain.doorbell import Contact, Doorbell
from dispatch.domain.orders import OrderChange
from dispatch.handlers import messages
from dispatch.repository import doorbell as doorbell_repo
from dispatch.repository import messages as messages_repo
from dispatch.repository import recipients as recipients_repo

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)
VILLAGE = "341702108202"
DUTY = [Contact("u-duty-1", AlertChannel.VOICE_CALL), Contact("u-duty-2", AlertChannel.SMS)]


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[Outgoing]:
    """The messages the use cases enqueue (the repositories' SQL replaced by lists)."""
    found: list[Outgoing] = []

    async def enqueue(session: Any, batch: list[Outgoing], *, now: datetime) -> int:
        found.extend(batch)
        return len(batch)

    async def duty(session: Any, township_code: str) -> list[Contact]:
        return DUTY if township_code == VILLAGE[:9] else []

    async def get(session: Any, recipient_id: uuid.UUID) -> Any:
        return SimpleNamespace(display_name="王*")

    monkeypatch.setattr(messages_repo, "enqueue", enqueue)
    monkeypatch.setattr(doorbell_repo, "duty", duty)
    monkeypatch.setattr(recipients_repo, "get", get)
    return found


def _bell() -> Doorbell:
    return Doorbell(
        "bell-1", uuid.uuid4(), uuid.uuid4(), VILLAGE, [], "u-c", AlertChannel.APP_PUSH, "u-c",
        True, NOW,
    )  # fmt: skip


async def test_dispatch_an_alert_goes_to_everyone_the_press_alerts(queued: list[Outgoing]) -> None:
    alert_id = uuid.uuid4()
    targets = [Contact("nb-1", AlertChannel.SMS), Contact("u-c", AlertChannel.APP_PUSH)]
    uow = FakeUnitOfWork(session=object())
    await messages.alert_raised(uow, bell=_bell(), alert_id=alert_id, targets=targets, now=NOW)
    assert [m.user_id for m in queued] == ["nb-1", "u-c"]
    assert {m.purpose for m in queued} == {Purpose.DOORBELL_ALERT}
    assert queued[0].dedupe_key == f"alert:{alert_id}:nb-1"
    assert (queued[0].county_code, queued[0].township_code) == (VILLAGE[:6], VILLAGE[:9])
    assert queued[0].params == {
        "village": "示例二村",
        "name": "王*",
        "code": alert_id.hex[:6].upper(),
    }


async def test_dispatch_an_unacknowledged_change_goes_to_the_township_duty_list(
    queued: list[Outgoing],
) -> None:
    order = SimpleNamespace(
        order_id=uuid.uuid4(),
        version=3,
        display_name="李*",
        township_code=VILLAGE[:9],
        village_code=VILLAGE,
    )
    change = OrderChange(
        uuid.uuid4(), order.order_id, 3, "care-a", "stopped", "assistance_stopped",
        date(2026, 12, 6), None, NOW, None, None, None, None, NOW,
    )  # fmt: skip
    uow = FakeUnitOfWork(session=object())
    await messages.change_unacknowledged(uow, order=order, change=change, now=NOW)  # type: ignore[arg-type]
    await messages.order_escalated(uow, order=order, now=NOW)  # type: ignore[arg-type]
    assert [(m.user_id, m.purpose) for m in queued] == [
        ("u-duty-1", Purpose.UNACKNOWLEDGED_CHANGE),
        ("u-duty-2", Purpose.UNACKNOWLEDGED_CHANGE),
        ("u-duty-1", Purpose.ORDER_ESCALATION),
        ("u-duty-2", Purpose.ORDER_ESCALATION),
    ]
    assert queued[0].params["change"] == "stopped"
    assert queued[0].dedupe_key == f"change:{change.change_id}:u-duty-1"
    assert queued[2].dedupe_key == f"order-escalation:{order.order_id}:3:u-duty-1"
    for message in queued:
        assert set(message.params) <= {"village", "name", "code", "change"}


async def test_dispatch_a_param_a_template_may_not_carry_does_not_stop_the_alert(
    queued: list[Outgoing], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def get(session: Any, recipient_id: uuid.UUID) -> Any:
        return SimpleNamespace(display_name="王13812345678")  # a phone where a name should be

    monkeypatch.setattr(recipients_repo, "get", get)
    alert_id = uuid.uuid4()
    targets = [Contact("nb-1", AlertChannel.SMS)]
    uow = FakeUnitOfWork(session=object())
    await messages.alert_raised(uow, bell=_bell(), alert_id=alert_id, targets=targets, now=NOW)
    assert [m.params for m in queued] == [{"code": alert_id.hex[:6].upper()}]
