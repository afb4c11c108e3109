"""Messages to people's phones: a county's channel (county officers), a person's preference
(the person, or staff of their division), the list staff act on, and delivery receipts from
the gateway (no user token: signed with the channel's secret, ``X-Signature``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, status

from civic import clock
from civic.audit import reads_personal
from civic.deps import UowDep
from civic.errors import PROBLEM_RESPONSES
from civic.notify.channels import SIGNATURE_HEADER, ChannelConfig
from civic.notify.model import Preference
from civic.notify.rules import MessageState, QuietHours
from dispatch.api.deps import AnyStaff, CountyOfficer, Officer, PageNo, PageSize
from dispatch.handlers import messages as use
from dispatch.schemas.common import Page, view_of
from dispatch.schemas.messages import (
    ChannelBody,
    ChannelRead,
    MessageRead,
    PreferenceBody,
    PreferenceRead,
    ReceiptBody,
)

router = APIRouter(tags=["消息通知 messages"], responses=PROBLEM_RESPONSES)


@router.put(
    "/notification-channels/{county_code}",
    openapi_extra=reads_personal(None),  # the county's endpoint; the secret is write-only
    summary="配置县(区)消息通道",
)
async def put_channel(
    county_code: str, body: ChannelBody, who: CountyOfficer, uow: UowDep
) -> ChannelRead:
    """Sets the county's SMS gateway or WeChat channel, its templates and secret."""
    secret = body.secret.get_secret_value() if body.secret else ""
    templates = {str(k): v for k, v in body.templates.items()}
    config = ChannelConfig(county_code, body.kind, str(body.endpoint_url), templates, secret)
    view = await use.configure_channel(config, officer=who, uow=uow, now=clock.now())
    return view_of(ChannelRead, view)


@router.get(
    "/notification-channels/{county_code}",
    openapi_extra=reads_personal(None),
    summary="查看县(区)消息通道",
)
async def get_channel(county_code: str, who: CountyOfficer, uow: UowDep) -> ChannelRead:
    """The county's channel (never its secret)."""
    return view_of(
        ChannelRead, await use.read_channel(county_code=county_code, officer=who, uow=uow)
    )


def _preference_read(pref: Preference) -> PreferenceRead:
    quiet = pref.quiet
    return PreferenceRead(
        user_id=pref.user_id,
        division_code=pref.division_code,
        kind=pref.kind.value,
        address_set=bool(pref.address),
        quiet_start=quiet.start if quiet else None,
        quiet_end=quiet.end if quiet else None,
    )


@router.put(
    "/message-preferences/{user_id}",
    openapi_extra=reads_personal(None),  # the phone or openid is write-only: never answered
    summary="设置消息接收方式",
)
async def put_preference(
    user_id: str, body: PreferenceBody, who: AnyStaff, uow: UowDep
) -> PreferenceRead:
    """Sets how a staff user or contact is reached, and their quiet hours."""
    quiet = None
    if body.quiet_start is not None and body.quiet_end is not None:
        quiet = QuietHours(body.quiet_start, body.quiet_end)
    pref = Preference(user_id, body.division_code, body.kind, body.address, quiet)
    saved = await use.set_preference(pref, who=who, uow=uow, now=clock.now())
    return _preference_read(saved)


@router.get(
    "/message-preferences/{user_id}",
    openapi_extra=reads_personal(None),
    summary="查看消息接收方式",
)
async def get_preference(user_id: str, who: AnyStaff, uow: UowDep) -> PreferenceRead:
    """How a person is reached (whether an address is held; never the address)."""
    return _preference_read(await use.read_preference(user_id=user_id, who=who, uow=uow))


def _shown(params: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in params.items() if k != "name"}


@router.get("/messages", openapi_extra=reads_personal(None), summary="消息发送情况")
async def list_messages(
    who: Officer,
    uow: UowDep,
    state: Annotated[MessageState | None, Query(description="Only this state.")] = None,
    division_code: Annotated[
        str | None, Query(description="A township or county (default: yours).")
    ] = None,
    page: PageNo = 1,
    size: PageSize = 20,
) -> Page[MessageRead]:
    """Messages of a township or county, newest first; ``state=failed`` is the list to act on."""
    within = division_code or who.division or ""
    rows, total = await use.list_messages(
        within=within,
        state=state.value if state else None,
        page=page,
        size=size,
        who=who,
        uow=uow,
    )
    # The list names no one: the masked name a template carries stays out of it.
    items = [view_of(MessageRead, row, params=_shown(row.params)) for row in rows]
    return Page(items=items, total=total, page=page, size=size)


@router.post(
    "/messages/receipts/{county_code}",
    status_code=status.HTTP_204_NO_CONTENT,
    openapi_extra=reads_personal(None),
    summary="送达回执 (gateway)",
)
async def receipt(
    county_code: str,
    body: ReceiptBody,
    request: Request,
    uow: UowDep,
    signature: Annotated[str | None, Header(alias=SIGNATURE_HEADER)] = None,
) -> None:
    """The gateway says a message was delivered, or could not be."""
    taken = use.Receipt(
        county_code,
        body.reference,
        body.status == "delivered",
        body.at,
        await request.body(),
        signature,
    )
    await use.take_receipt(taken, uow=uow)
