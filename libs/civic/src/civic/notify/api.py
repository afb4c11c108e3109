"""The routes of messages, mounted by every service that sends them (``message_router``):
a county's channel (county officers), a person's preference (the person, or staff of their
division), the list staff act on, and delivery receipts from the gateway (no user token:
signed with the channel's secret, ``X-Signature``).

Each sending service holds its own tables (no shared database), so a county configures its
channel in each service that sends its people messages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Query, Request, status

from civic import clock
from civic.audit import reads_personal
from civic.deps import PageNumber, UowDep
from civic.errors import PROBLEM_RESPONSES
from civic.notify import handlers as use
from civic.notify.channels import SIGNATURE_HEADER, ChannelConfig
from civic.notify.model import Message, Preference
from civic.notify.rules import MessageState, QuietHours
from civic.notify.schemas import (
    CHANNEL_EXAMPLES,
    PREFERENCE_EXAMPLES,
    RECEIPT_EXAMPLES,
    ChannelBody,
    ChannelRead,
    MessagePage,
    MessageRead,
    PreferenceBody,
    PreferenceRead,
    ReceiptBody,
)
from civic.notify.tables import MessageTables
from civic.security import Principal

#: Where a gateway posts its receipts (the sender's callback URL ends so).
RECEIPTS_PATH = "/messages/receipts/{county_code}"
PageSize = Annotated[int, Query(ge=1, le=100, description="Rows per page.")]
StateQuery = Annotated[MessageState | None, Query(description="Only this state.")]
DivisionQuery = Annotated[str | None, Query(description="A township or county (default: yours).")]
Signature = Annotated[str | None, Header(alias=SIGNATURE_HEADER)]
ChannelIn = Annotated[ChannelBody, Body(openapi_examples=CHANNEL_EXAMPLES)]
PreferenceIn = Annotated[PreferenceBody, Body(openapi_examples=PREFERENCE_EXAMPLES)]
ReceiptIn = Annotated[ReceiptBody, Body(openapi_examples=RECEIPT_EXAMPLES)]


def _dependency(caller: Any) -> Callable[..., Any]:
    """The dependency of a service's ``Annotated[Principal, Depends(...)]`` alias (or itself)."""
    for meta in getattr(caller, "__metadata__", ()):
        if hasattr(meta, "dependency"):
            found: Callable[..., Any] = meta.dependency
            return found
    given: Callable[..., Any] = caller
    return given


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


def _message_read(message: Message) -> MessageRead:
    values = asdict(message)
    # The list names no one: the masked name a template carries stays out of it.
    values["params"] = {k: v for k, v in message.params.items() if k != "name"}
    return MessageRead(**{k: values[k] for k in MessageRead.model_fields})


def _channel_read(view: use.ChannelView) -> ChannelRead:
    return ChannelRead(**asdict(view))


def message_router(
    tables: MessageTables, *, county_officer: Any, officer: Any, staff: Any
) -> APIRouter:
    """The message routes on ``tables``; the callers are the service's role dependencies
    (its ``Annotated[Principal, Depends(require_roles(...))]`` aliases)."""
    router = APIRouter(tags=["消息通知 messages"], responses=PROBLEM_RESPONSES)
    _channels(router, tables, Depends(_dependency(county_officer)))
    _preferences(router, tables, Depends(_dependency(staff)))
    _messages(router, tables, Depends(_dependency(officer)))
    return router


def _channels(router: APIRouter, tables: MessageTables, county_officer: Any) -> None:
    @router.put(
        "/notification-channels/{county_code}",
        openapi_extra=reads_personal(None),  # the county's endpoint; the secret is write-only
        summary="配置县(区)消息通道",
    )
    async def put_channel(
        county_code: str, body: ChannelIn, uow: UowDep, who: Principal = county_officer
    ) -> ChannelRead:
        """Sets the county's SMS gateway or WeChat channel, its templates and secret."""
        secret = body.secret.get_secret_value() if body.secret else ""
        templates = {str(k): v for k, v in body.templates.items()}
        config = ChannelConfig(county_code, body.kind, str(body.endpoint_url), templates, secret)
        view = await use.configure_channel(
            config, tables=tables, officer=who, uow=uow, now=clock.now()
        )
        return _channel_read(view)

    @router.get(
        "/notification-channels/{county_code}",
        openapi_extra=reads_personal(None),
        summary="查看县(区)消息通道",
    )
    async def get_channel(
        county_code: str, uow: UowDep, who: Principal = county_officer
    ) -> ChannelRead:
        """The county's channel (never its secret)."""
        view = await use.read_channel(county_code=county_code, tables=tables, officer=who, uow=uow)
        return _channel_read(view)


def _preferences(router: APIRouter, tables: MessageTables, staff: Any) -> None:
    @router.put(
        "/message-preferences/{user_id}",
        openapi_extra=reads_personal(None),  # the phone or openid is write-only: never answered
        summary="设置消息接收方式",
    )
    async def put_preference(
        user_id: str, body: PreferenceIn, uow: UowDep, who: Principal = staff
    ) -> PreferenceRead:
        """Sets how a person is reached, and their quiet hours."""
        quiet = None
        if body.quiet_start is not None and body.quiet_end is not None:
            quiet = QuietHours(body.quiet_start, body.quiet_end)
        pref = Preference(user_id, body.division_code, body.kind, body.address, quiet)
        saved = await use.set_preference(pref, tables=tables, who=who, uow=uow, now=clock.now())
        return _preference_read(saved)

    @router.get(
        "/message-preferences/{user_id}",
        openapi_extra=reads_personal(None),
        summary="查看消息接收方式",
    )
    async def get_preference(user_id: str, uow: UowDep, who: Principal = staff) -> PreferenceRead:
        """How a person is reached (whether an address is held; never the address)."""
        pref = await use.read_preference(user_id=user_id, tables=tables, who=who, uow=uow)
        return _preference_read(pref)


def _messages(router: APIRouter, tables: MessageTables, officer: Any) -> None:
    @router.get("/messages", openapi_extra=reads_personal(None), summary="消息发送情况")
    async def list_messages(
        uow: UowDep,
        state: StateQuery = None,
        division_code: DivisionQuery = None,
        page: PageNumber = 1,
        size: PageSize = 20,
        who: Principal = officer,
    ) -> MessagePage:
        """Messages of a township or county, newest first; ``state=failed`` is to act on."""
        rows, total = await use.list_messages(
            within=division_code or who.division or "",
            state=state.value if state else None,
            page=page,
            size=size,
            tables=tables,
            who=who,
            uow=uow,
        )
        items = [_message_read(row) for row in rows]
        return MessagePage(items=items, total=total, page=page, size=size)

    @router.post(
        RECEIPTS_PATH,
        status_code=status.HTTP_204_NO_CONTENT,
        openapi_extra=reads_personal(None),
        summary="送达回执 (gateway)",
    )
    async def receipt(
        county_code: str,
        body: ReceiptIn,
        request: Request,
        uow: UowDep,
        signature: Signature = None,
    ) -> None:
        """The gateway says a message was delivered, or could not be."""
        delivered = body.status == "delivered"
        raw = await request.body()
        taken = use.Receipt(county_code, body.reference, delivered, body.at, raw, signature)
        await use.take_receipt(taken, tables=tables, uow=uow)
