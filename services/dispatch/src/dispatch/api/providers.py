"""The provider registry: county officers admit, change, suspend and reinstate providers."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, status
from sqlalchemy import RowMapping

from civic.bus.grants import provider_group_prefix
from civic.deps import UowDep
from civic.errors import PROBLEM_RESPONSES, NotFound
from contracts import topics
from dispatch.api.deps import CountyOfficer, DispatchDep, Officer, PageNo, PageSize, county_of
from dispatch.handlers import providers as use
from dispatch.repository import providers as repo
from dispatch.schemas.common import Page
from dispatch.schemas.providers import (
    BusCredentials,
    ContactPerson,
    ProviderCreate,
    ProviderRead,
    ProviderSuspend,
    ProviderTopics,
    ProviderUpdate,
    QualificationIn,
)

log = logging.getLogger(__name__)
router = APIRouter(
    prefix="/providers", tags=["服务供给主体 providers"], responses=PROBLEM_RESPONSES
)


def provider_read(row: RowMapping) -> ProviderRead:
    """The API view of a provider row."""
    built = {"qualification", "contacts", "topics"}
    fields: dict[str, Any] = {
        k: row[k] for k in ProviderRead.model_fields if k in row and k not in built
    }
    return ProviderRead(
        **fields,
        qualification=QualificationIn(
            name_zh=row["qualification_name"],
            number=row["qualification_number"],
            valid_from=row["qualified_from"],
            valid_until=row["qualified_until"],
        ),
        contacts=[ContactPerson(**c) for c in row["contacts"]],
        topics=ProviderTopics(
            orders=topics.provider_orders(row["code"]), replies=topics.provider_replies(row["code"])
        ),
    )


@router.post("", status_code=status.HTTP_201_CREATED, summary="登记服务供给主体")
async def register(
    body: ProviderCreate, who: CountyOfficer, uow: UowDep, parts: DispatchDep
) -> ProviderRead:
    """Admits a provider to the county's registry and creates its own Kafka topics."""
    async with uow:
        row = await use.register_provider(
            body, county_code=county_of(who), uow=uow, bus=parts.provider_bus
        )
    return provider_read(row)


@router.get("", summary="服务供给主体名录")
async def list_providers(
    who: Officer, uow: UowDep, page: PageNo = 1, size: PageSize = 20
) -> Page[ProviderRead]:
    """Lists the providers of the caller's county."""
    county = (who.division or "")[:6] or None
    async with uow:
        rows, total = await repo.listed(uow.session, county_code=county, page=page, size=size)
    return Page(items=[provider_read(r) for r in rows], total=total, page=page, size=size)


@router.get("/{code}", summary="服务供给主体详情")
async def read(code: str, who: Officer, uow: UowDep) -> ProviderRead:
    """One provider of the caller's county."""
    async with uow:
        row = await repo.by_code(uow.session, code)
    if row is None or not (who.division or "").startswith(row["county_code"][:6]):
        raise NotFound("未找到该服务供给主体", code="provider_not_found")
    return provider_read(row)


@router.patch("/{code}", summary="变更服务供给主体信息")
async def change(code: str, body: ProviderUpdate, who: CountyOfficer, uow: UowDep) -> ProviderRead:
    """Changes what a provider offers, where, how much, or its qualification and contacts."""
    async with uow:
        row = await use.update_provider(body, code=code, county_code=county_of(who), uow=uow)
    return provider_read(row)


@router.post("/{code}/suspend", summary="暂停服务供给主体")
async def suspend(
    code: str, body: ProviderSuspend, who: CountyOfficer, uow: UowDep, parts: DispatchDep
) -> ProviderRead:
    """Suspends a provider: it gets no new orders, and its Kafka access ends at once."""
    county, bus = county_of(who), parts.provider_bus
    async with uow:
        row = await use.suspend_provider(body, code=code, county_code=county, uow=uow, bus=bus)
    return provider_read(row)


@router.post("/{code}/reinstate", summary="恢复服务供给主体")
async def reinstate(code: str, who: CountyOfficer, uow: UowDep, parts: DispatchDep) -> ProviderRead:
    """Lets a suspended provider take orders again (issue it new Kafka credentials)."""
    county, bus = county_of(who), parts.provider_bus
    async with uow:
        row = await use.reinstate_provider(code=code, county_code=county, uow=uow, bus=bus)
    return provider_read(row)


@router.post(
    "/{code}/bus-credentials",
    status_code=status.HTTP_201_CREATED,
    summary="发放服务供给主体的消息总线接入凭证",
)
async def issue_bus_credentials(
    code: str, who: CountyOfficer, uow: UowDep, parts: DispatchDep
) -> BusCredentials:
    """Issues the provider's Kafka login: shown once, never logged; the previous one ends."""
    bus = parts.provider_bus
    async with uow:
        issued = await use.issue_credentials(
            code=code, county_code=county_of(who), uow=uow, bus=bus
        )
    log.info("bus credentials issued for provider %s by %s", code, who.user_id)
    return BusCredentials(
        bootstrap_servers=parts.settings.provider_bootstrap_servers or bus.bootstrap,
        ca_certificate_pem=bus.ca_certificate(),
        username=issued.username,
        password=issued.password,
        orders_topic=topics.provider_orders(code),
        replies_topic=topics.provider_replies(code),
        consumer_group_prefix=provider_group_prefix(code),
    )
