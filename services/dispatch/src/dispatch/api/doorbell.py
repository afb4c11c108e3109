"""The love doorbell: registration by village staff, presses from the device gateway,
answers from helpers, and the township's duty list.

The device gateway is not a person and holds no user token: it signs each request body
with a shared secret (HMAC-SHA256 in ``X-Doorbell-Signature: sha256=<hex>``).
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, status
from sqlalchemy import RowMapping

from civic import clock
from civic.deps import UowDep
from civic.errors import PROBLEM_RESPONSES, Unauthorized, Unavailable
from civic.security import PrincipalDep
from dispatch.api.deps import AnyStaff, DispatchDep, TownshipOfficer, VillageStaff
from dispatch.handlers import doorbell as use
from dispatch.repository import doorbell as repo
from dispatch.schemas.doorbell import (
    Ack,
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


async def alert_read(uow: UowDep, alert: RowMapping) -> AlertRead:
    """An alert with its notices and acknowledgements."""
    notices = await repo.notices(uow.session, alert["alert_id"])
    acks = await repo.acks(uow.session, alert["alert_id"])
    return AlertRead(
        **{k: alert[k] for k in AlertRead.model_fields if k in alert},
        notices=[Notice(**{k: n[k] for k in Notice.model_fields}) for n in notices],
        acks=[Ack(**{k: a[k] for k in Ack.model_fields}) for a in acks],
    )


@router.post("/doorbells", status_code=status.HTTP_201_CREATED, summary="登记爱心门铃")
async def register(body: DoorbellBody, who: VillageStaff, uow: UowDep) -> DoorbellRead:
    """Registers a doorbell in a recipient's home with the neighbours it alerts."""
    async with uow:
        row = await use.register_doorbell(body, staff=who, uow=uow)
    return DoorbellRead(**{k: row[k] for k in DoorbellRead.model_fields})


@router.post(
    "/doorbell/presses",
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(gateway_signed)],
    summary="门铃按下 (device gateway)",
)
async def press(body: PressBody, uow: UowDep, parts: DispatchDep) -> AlertRead:
    """A press: the alert goes out at once; the same press sent twice raises one alert."""
    async with uow:
        alert = await use.take_press(body, uow=uow, timing=parts.timing, now=clock.now())
        return await alert_read(uow, alert)


@router.post("/doorbell/alerts/{alert_id}/acknowledge", summary="响应求助")
async def acknowledge(alert_id: uuid.UUID, who: PrincipalDep, uow: UowDep) -> AlertRead:
    """A helper (or village staff) answers the alert; escalation stops."""
    async with uow:
        alert = await use.acknowledge_alert(alert_id=alert_id, who=who, uow=uow, now=clock.now())
        return await alert_read(uow, alert)


@router.get("/doorbell/alerts/{alert_id}", summary="求助详情")
async def read_alert(alert_id: uuid.UUID, who: AnyStaff, uow: UowDep) -> AlertRead:
    """An alert with every notice, answer and escalation."""
    async with uow:
        alert = await use.alert_history(alert_id=alert_id, who=who, uow=uow)
        return await alert_read(uow, alert)


@router.put("/townships/{township_code}/duty-list", summary="设置乡镇值班名单")
async def set_duty(
    township_code: str, body: DutyList, who: TownshipOfficer, uow: UowDep
) -> list[DutyMember]:
    """Replaces who is alerted when nobody answers a doorbell in time."""
    async with uow:
        rows = await use.set_duty_list(body, township_code=township_code, officer=who, uow=uow)
    return [DutyMember(user_id=r["user_id"], channel=r["channel"]) for r in rows]
