"""The provider registry: county officers admit, change, suspend and reinstate providers."""

from __future__ import annotations

import logging

from fastapi import APIRouter, status

from civic.audit import reads_personal
from civic.bus.grants import provider_group_prefix
from civic.deps import UowDep
from civic.errors import PROBLEM_RESPONSES
from contracts import topics
from dispatch.api.deps import CountyOfficer, DispatchDep, Officer, PageNo, PageSize, county_of
from dispatch.domain.providers import (
    Offer,
    Qualification,
    RegisteredProvider,
    Registration,
    Suspension,
)
from dispatch.handlers import providers as use
from dispatch.schemas.common import Page, view_of
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


def provider_read(registered: RegisteredProvider) -> ProviderRead:
    """The API view of a registered provider."""
    code = registered.code
    return view_of(
        ProviderRead,
        registered,
        qualification=QualificationIn(
            name_zh=registered.qualification_name,
            number=registered.qualification_number,
            valid_from=registered.qualified_from,
            valid_until=registered.qualified_until,
        ),
        contacts=[ContactPerson(**contact) for contact in registered.contacts],
        topics=ProviderTopics(
            orders=topics.provider_orders(code), replies=topics.provider_replies(code)
        ),
    )


def offer_of(body: ProviderCreate | ProviderUpdate) -> Offer:
    """The use cases' offer from a create or change body (unsent fields stay as they are)."""
    qualification = body.qualification
    details = {"name_zh", "capacity", "agreement_ends_on"} & body.model_fields_set
    return Offer(
        modes=None if body.modes is None else frozenset(body.modes),
        areas=None if body.areas is None else tuple(body.areas),
        item_codes=None if body.item_codes is None else tuple(body.item_codes),
        qualification=None
        if qualification is None
        else Qualification(
            qualification.name_zh,
            qualification.number,
            qualification.valid_from,
            qualification.valid_until,
        ),
        contacts=None
        if body.contacts is None
        else tuple(contact.model_dump(mode="json") for contact in body.contacts),
        details={name: getattr(body, name) for name in details},
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    openapi_extra=reads_personal("provider_contacts"),  # contact people's names, phones
    summary="登记服务供给主体",
)
async def register(
    body: ProviderCreate, who: CountyOfficer, uow: UowDep, parts: DispatchDep
) -> ProviderRead:
    """Admits a provider to the county's registry and creates its own Kafka topics."""
    registration = Registration(body.code, body.provider_type, body.credit_code, offer_of(body))
    row = await use.register_provider(
        registration, county_code=county_of(who), uow=uow, bus=parts.provider_bus
    )
    return provider_read(row)


@router.get("", openapi_extra=reads_personal("provider_contacts"), summary="服务供给主体名录")
async def list_providers(
    who: Officer, uow: UowDep, page: PageNo = 1, size: PageSize = 20
) -> Page[ProviderRead]:
    """Lists the providers of the caller's county."""
    county = (who.division or "")[:6] or None
    rows, total = await use.list_providers(county_code=county, uow=uow, page=page, size=size)
    return Page(items=[provider_read(r) for r in rows], total=total, page=page, size=size)


@router.get(
    "/{code}", openapi_extra=reads_personal("provider_contacts"), summary="服务供给主体详情"
)
async def read(code: str, who: Officer, uow: UowDep) -> ProviderRead:
    """One provider of the caller's county."""
    return provider_read(await use.provider_seen_by(code=code, division=who.division, uow=uow))


@router.patch(
    "/{code}", openapi_extra=reads_personal("provider_contacts"), summary="变更服务供给主体信息"
)
async def change(code: str, body: ProviderUpdate, who: CountyOfficer, uow: UowDep) -> ProviderRead:
    """Changes what a provider offers, where, how much, or its qualification and contacts."""
    offer = offer_of(body)
    row = await use.update_provider(offer, code=code, county_code=county_of(who), uow=uow)
    return provider_read(row)


@router.post(
    "/{code}/suspend", openapi_extra=reads_personal("provider_contacts"), summary="暂停服务供给主体"
)
async def suspend(
    code: str, body: ProviderSuspend, who: CountyOfficer, uow: UowDep, parts: DispatchDep
) -> ProviderRead:
    """Suspends a provider: it gets no new orders, and its Kafka access ends at once."""
    county, bus = county_of(who), parts.provider_bus
    suspension = Suspension(body.reason_code, body.reason_zh, body.effective_date)
    row = await use.suspend_provider(suspension, code=code, county_code=county, uow=uow, bus=bus)
    return provider_read(row)


@router.post(
    "/{code}/reinstate",
    openapi_extra=reads_personal("provider_contacts"),
    summary="恢复服务供给主体",
)
async def reinstate(code: str, who: CountyOfficer, uow: UowDep, parts: DispatchDep) -> ProviderRead:
    """Lets a suspended provider take orders again (issue it new Kafka credentials)."""
    county, bus = county_of(who), parts.provider_bus
    row = await use.reinstate_provider(code=code, county_code=county, uow=uow, bus=bus)
    return provider_read(row)


@router.post(
    "/{code}/bus-credentials",
    status_code=status.HTTP_201_CREATED,
    openapi_extra=reads_personal(None),  # the bus login of an organisation
    summary="发放服务供给主体的消息总线接入凭证",
)
async def issue_bus_credentials(
    code: str, who: CountyOfficer, uow: UowDep, parts: DispatchDep
) -> BusCredentials:
    """Issues the provider's Kafka login: shown once, never logged; the previous one ends."""
    bus = parts.provider_bus
    issued = await use.issue_credentials(code=code, county_code=county_of(who), uow=uow, bus=bus)
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
