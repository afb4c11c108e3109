"""The love doorbell: registration by village staff, presses from the device gateway,
answers from helpers, and the township's duty list.

The device gateway is not a person and holds no user token: it signs each request body
with a shared secret (HMAC-SHA256 in ``X-Doorbell-Signature: sha256=<hex>``).
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, status

from civic import clock
from civic.audit import reads_personal
from civic.deps import UowDep
from civic.errors import PROBLEM_RESPONSES, Unauthorized, Unavailable
from civic.security import PrincipalDep
from dispatch.api.deps import (
    AnyStaff,
    DispatchDep,
    Officer,
    PageNo,
    PageSize,
    TownshipOfficer,
    VillageStaff,
)
from dispatch.domain.doorbell import AlertState, Contact
from dispatch.handlers import doorbell as use
from dispatch.handlers import views
from dispatch.handlers.doorbell import AlertHistory, DoorbellRegistration, Press
from dispatch.schemas.common import Page, view_of
from dispatch.schemas.doorbell import (
    Ack,
    AlertListed,
    AlertRead,
    DoorbellBody,
    DoorbellRead,
    DutyList,
    DutyMember,
    Notice,
    PressBody,
)

router = APIRouter(tags=["爱心门铃 love doorbell"], responses=PROBLEM_RESPONSES)


async def gateway_signed(
    request: Request,
    parts: DispatchDep,
    signature: Annotated[str | None, Header(alias="X-Doorbell-Signature")] = None,
) -> None:
    """Admits a request only if the device gateway signed its body."""
    secret = parts.settings.doorbell_gateway_secret
    if secret is None:
        raise Unavailable("未配置门铃网关密钥", code="gateway_not_configured")
    expected = hmac.new(secret.get_secret_value().encode(), await request.body(), hashlib.sha256)
    if not signature or not hmac.compare_digest(signature, f"sha256={expected.hexdigest()}"):
        raise Unauthorized("门铃网关签名无效", code="bad_gateway_signature")


def alert_read(history: AlertHistory) -> AlertRead:
    """An alert with its notices and acknowledgements."""
    return view_of(
        AlertRead,
        history.alert,
        notices=[Notice(**asdict(notice)) for notice in history.notices],
        acks=[Ack(**asdict(answer)) for answer in history.acks],
    )


@router.post(
    "/doorbells",
    status_code=status.HTTP_201_CREATED,
    openapi_extra=reads_personal("doorbell"),
    summary="登记爱心门铃",
)
async def register(body: DoorbellBody, who: VillageStaff, uow: UowDep) -> DoorbellRead:
    """Registers a doorbell in a recipient's home with the neighbours it alerts."""
    bell = DoorbellRegistration(
        body.device_id,
        body.recipient_id,
        tuple(body.helper_ids),
        body.coordinator_user_id,
        body.coordinator_channel,
    )
    row = await use.register_doorbell(bell, staff=who, uow=uow)
    return view_of(DoorbellRead, row)


@router.post(
    "/doorbell/presses",
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(gateway_signed)],
    openapi_extra=reads_personal("doorbell_alert"),  # read by the gateway: user "anonymous"
    summary="门铃按下 (device gateway)",
)
async def press(body: PressBody, uow: UowDep, parts: DispatchDep) -> AlertRead:
    """A press: the alert goes out at once; the same press sent twice raises one alert."""
    pressed = Press(body.press_id, body.device_id, body.pressed_at)
    history = await use.take_press(pressed, uow=uow, timing=parts.timing, now=clock.now())
    return alert_read(history)


@router.post(
    "/doorbell/alerts/{alert_id}/acknowledge",
    openapi_extra=reads_personal("doorbell_alert"),
    summary="响应求助",
)
async def acknowledge(alert_id: uuid.UUID, who: PrincipalDep, uow: UowDep) -> AlertRead:
    """A helper (or village staff) answers the alert; escalation stops."""
    history = await use.acknowledge_alert(alert_id=alert_id, who=who, uow=uow, now=clock.now())
    return alert_read(history)


@router.get(
    "/doorbell/alerts/{alert_id}",
    openapi_extra=reads_personal("doorbell_alert"),
    summary="求助详情",
)
async def read_alert(alert_id: uuid.UUID, who: AnyStaff, uow: UowDep) -> AlertRead:
    """An alert with every notice, answer and escalation."""
    return alert_read(await use.alert_history(alert_id=alert_id, who=who, uow=uow))


@router.get(
    "/townships/{township_code}/doorbell-alerts",
    openapi_extra=reads_personal("doorbell_alert"),
    summary="乡镇(街道)爱心门铃求助",
)
async def township_alerts(
    township_code: str,
    who: Officer,
    uow: UowDep,
    state: AlertState | None = Query(None, description="open (nobody answered) or acknowledged."),
    page: PageNo = 1,
    size: PageSize = 20,
) -> Page[AlertListed]:
    """The alerts of the township's villages, newest first."""
    found, total = await views.township_alerts(
        township_code=township_code, state=state, officer=who, uow=uow, page=page, size=size
    )
    items = [
        view_of(AlertListed, listed.alert, display_name=listed.display_name) for listed in found
    ]
    return Page(items=items, total=total, page=page, size=size)


@router.put(
    "/townships/{township_code}/duty-list",
    openapi_extra=reads_personal("duty_list"),  # officers' logins and how to call them
    summary="设置乡镇值班名单",
)
async def set_duty(
    township_code: str, body: DutyList, who: TownshipOfficer, uow: UowDep
) -> list[DutyMember]:
    """Replaces who is alerted when nobody answers a doorbell in time."""
    members = [Contact(member.user_id, member.channel) for member in body.members]
    duty = await use.set_duty_list(members, township_code=township_code, officer=who, uow=uow)
    return [DutyMember(user_id=contact.user_id, channel=contact.channel) for contact in duty]
