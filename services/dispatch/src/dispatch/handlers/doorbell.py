"""The love doorbell (爱心门铃): a press alerts the household's neighbour helpers and the
village coordinator at once; an answer is recorded; silence escalates to the township.

Every press, notice, answer and escalation is kept. The answer deadline is stored with
the alert, so the watcher that escalates survives restarts and runs on any replica.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from civic.audit import saw
from civic.errors import Forbidden, NotFound, Unprocessable
from civic.security import Principal, ensure_jurisdiction
from civic.uow import UnitOfWork
from contracts.dispatch.doorbell import (
    AlertAcknowledged,
    AlertEscalated,
    AlertSent,
    DoorbellPressed,
)
from contracts.enums import Role
from contracts.kinds import AlertChannel
from dispatch.domain.doorbell import (
    Alert,
    AlertAnswer,
    AlertNotice,
    Contact,
    Doorbell,
    alert_targets,
    answer_deadline,
    seconds_between,
)
from dispatch.handlers import Timing, messages
from dispatch.repository import doorbell, neighbours, recipients

log = logging.getLogger(__name__)
BATCH = 50
#: Staff who may answer any alert of a village they cover.
ANSWERING_ROLES = (Role.COORDINATOR, Role.VILLAGE_STAFF, Role.TOWNSHIP_OFFICER)


@dataclass(frozen=True)
class DoorbellRegistration:
    """A doorbell in a recipient's home, the neighbour helpers and the coordinator it alerts."""

    device_id: str
    recipient_id: uuid.UUID
    helper_ids: tuple[uuid.UUID, ...]
    coordinator_user_id: str
    coordinator_channel: AlertChannel


@dataclass(frozen=True)
class Press:
    """One press of a doorbell, as the device gateway reports it."""

    press_id: str
    device_id: str
    pressed_at: datetime


@dataclass(frozen=True)
class AlertHistory:
    """An alert with everyone it notified and every answer, in order."""

    alert: Alert
    notices: Sequence[AlertNotice]
    acks: Sequence[AlertAnswer]


async def register_doorbell(
    cmd: DoorbellRegistration, *, staff: Principal, uow: UnitOfWork
) -> Doorbell:
    """Registers a doorbell in a recipient's home with the helpers it alerts."""
    async with uow:
        return await _register(cmd, staff, uow)


async def _register(cmd: DoorbellRegistration, staff: Principal, uow: UnitOfWork) -> Doorbell:
    recipient = await recipients.get(uow.session, cmd.recipient_id)
    if recipient is None:
        raise NotFound("未找到该服务对象", code="recipient_not_found")
    village = recipient.village_code
    ensure_jurisdiction(staff, village)
    found = await neighbours.helpers(uow.session, village, ids=cmd.helper_ids)
    if len(found) != len(set(cmd.helper_ids)):
        raise Unprocessable("邻里志愿者须为本村(社区)已登记人员", code="helper_not_in_village")
    values = {
        "device_id": cmd.device_id,
        "recipient_id": cmd.recipient_id,
        "helper_ids": list(cmd.helper_ids),
        "coordinator_user_id": cmd.coordinator_user_id,
        "coordinator_channel": cmd.coordinator_channel.value,
        "person_id": recipient.person_id,
        "village_code": village,
        "registered_by": staff.user_id,
        "active": True,
    }
    await doorbell.register(uow.session, values)
    await uow.commit()
    bell = await doorbell.device(uow.session, cmd.device_id)
    assert bell is not None
    return bell


async def take_press(cmd: Press, *, uow: UnitOfWork, timing: Timing, now: datetime) -> AlertHistory:
    """Raises the alert of a press and sends it to the helpers and coordinator at once."""
    async with uow:
        alert = await _take_press(cmd, uow, timing, now)
        return await _history(uow, alert)


async def _take_press(cmd: Press, uow: UnitOfWork, timing: Timing, now: datetime) -> Alert:
    held = await doorbell.alert_by_press(uow.session, cmd.press_id)
    if held is not None:
        return held  # the gateway sent the press again
    bell = await doorbell.device(uow.session, cmd.device_id)
    if bell is None or not bell.active:
        raise NotFound("未登记的爱心门铃", code="doorbell_not_registered")
    targets = await _targets(uow, bell)
    alert_id = uuid.uuid4()
    answer_by = answer_deadline(now, timing.doorbell_answer.total_seconds())
    await doorbell.add_alert(uow.session, _alert_columns(alert_id, cmd, bell, now, answer_by))
    await doorbell.add_notices(uow.session, alert_id, targets, "alert")
    await messages.alert_raised(uow, bell=bell, alert_id=alert_id, targets=targets, now=now)
    _announce_press(uow, cmd, bell, alert_id, targets)
    await uow.commit()
    return await _alert(uow, alert_id)


def _announce_press(
    uow: UnitOfWork, cmd: Press, bell: Doorbell, alert_id: uuid.UUID, targets: list[Contact]
) -> None:
    about = {"person_id": bell.person_id, "alert_id": alert_id}
    village = bell.village_code
    uow.emit(
        DoorbellPressed(
            **about, device_id=cmd.device_id, village_code=village, pressed_at=cmd.pressed_at
        )
    )
    channels = tuple(sorted({t.channel for t in targets}))
    uow.emit(AlertSent(**about, helper_ids=tuple(t.user_id for t in targets), channels=channels))


async def acknowledge_alert(
    *, alert_id: uuid.UUID, who: Principal, uow: UnitOfWork, now: datetime
) -> AlertHistory:
    """Records that a helper (or village staff) answered; the first answer stops escalation."""
    async with uow:
        alert = await _acknowledge(alert_id, who, uow, now)
        return await _history(uow, alert)


async def _acknowledge(
    alert_id: uuid.UUID, who: Principal, uow: UnitOfWork, now: datetime
) -> Alert:
    alert = await _alert(uow, alert_id, for_update=True)
    alerted = {notice.user_id for notice in await doorbell.notices(uow.session, alert_id)}
    staff = who.has_any(*ANSWERING_ROLES) and who.covers(alert.village_code)
    if who.user_id not in alerted and not staff:
        raise Forbidden("您不在此次求助的通知名单中", code="not_alerted")
    seconds = seconds_between(alert.received_at, now)
    ack = {"user_id": who.user_id, "acknowledged_at": now, "seconds_to_acknowledge": seconds}
    await doorbell.add_ack(uow.session, {"alert_id": alert_id, **ack})
    if alert.acknowledged_at is None:
        await doorbell.mark(uow.session, alert_id, {"acknowledged_at": now})
    uow.emit(
        AlertAcknowledged(
            **_about(alert), acknowledged_by=who.user_id, seconds_to_acknowledge=seconds
        )
    )
    await uow.commit()
    return await _alert(uow, alert_id)


async def escalate_unanswered_alerts(*, uow: UnitOfWork, now: datetime) -> int:
    """Sends alerts nobody answered in time to their township's duty list; returns how many."""
    async with uow:
        late = await doorbell.unanswered(uow.session, now, BATCH)
        for alert in late:
            await _escalate(uow, alert, now)
        await uow.commit()
        return len(late)


async def _escalate(uow: UnitOfWork, alert: Alert, now: datetime) -> None:
    township = alert.village_code[:9]
    duty = await doorbell.duty(uow.session, township)
    if not duty:
        log.warning("township %s has no duty list; escalation goes to the role only", township)
    await doorbell.add_notices(uow.session, alert.alert_id, duty, "escalation")
    await messages.alert_escalated(uow, alert=alert, duty=duty, now=now)
    await doorbell.mark(uow.session, alert.alert_id, {"escalated_at": now, "escalation_level": 1})
    uow.emit(
        AlertEscalated(
            **_about(alert),
            level=1,
            escalated_to=Role.TOWNSHIP_OFFICER,
            notified_ids=tuple(d.user_id for d in duty),
            township_code=township,
        )
    )


async def set_duty_list(
    members: list[Contact], *, township_code: str, officer: Principal, uow: UnitOfWork
) -> list[Contact]:
    """Replaces the township's duty list for escalated alerts."""
    if len(township_code) != 9:
        raise NotFound("未找到该乡镇(街道)", code="township_not_found")
    ensure_jurisdiction(officer, township_code)
    async with uow:
        await doorbell.set_duty(uow.session, township_code, members)
        await uow.commit()
        return await doorbell.duty(uow.session, township_code)


async def alert_history(*, alert_id: uuid.UUID, who: Principal, uow: UnitOfWork) -> AlertHistory:
    """An alert, for staff of its village or township."""
    async with uow:
        alert = await _alert(uow, alert_id)
        ensure_jurisdiction(who, alert.village_code)
        return await _history(uow, alert)


async def _history(uow: UnitOfWork, alert: Alert) -> AlertHistory:
    # The alert names its person to the audit only: the gateway and the neighbours who answer
    # see the alert, never whose it is.
    saw(alert.person_id)
    alert_id = alert.alert_id
    notices = await doorbell.notices(uow.session, alert_id)
    return AlertHistory(alert, notices, await doorbell.acks(uow.session, alert_id))


async def _alert(uow: UnitOfWork, alert_id: uuid.UUID, *, for_update: bool = False) -> Alert:
    alert = await doorbell.alert(uow.session, alert_id, for_update=for_update)
    if alert is None:
        raise NotFound("未找到该求助", code="alert_not_found")
    return alert


def _about(alert: Alert) -> dict[str, object]:
    return {"person_id": alert.person_id, "alert_id": alert.alert_id}


async def _targets(uow: UnitOfWork, bell: Doorbell) -> list[Contact]:
    helpers = await neighbours.helpers(uow.session, bell.village_code, ids=bell.helper_ids)
    contacts = [Contact(helper.user_id, helper.channel) for helper in helpers if helper.active]
    coordinator = bell.coordinator
    return alert_targets(contacts, coordinator)


def _alert_columns(
    alert_id: uuid.UUID, cmd: Press, bell: Doorbell, now: datetime, answer_by: datetime
) -> dict[str, object]:
    return {
        "alert_id": alert_id,
        "press_id": cmd.press_id,
        "device_id": cmd.device_id,
        "person_id": bell.person_id,
        "village_code": bell.village_code,
        "pressed_at": cmd.pressed_at,
        "received_at": now,
        "answer_by": answer_by,
    }
