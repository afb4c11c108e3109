"""The provider registry (county officers): admit, change, suspend, reinstate."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Sequence
from typing import Any, TypeVar

from confluent_kafka import KafkaException

from civic import clock
from civic.bus.admin import BusAdminError
from civic.errors import Conflict, NotFound, Unavailable, Unprocessable
from civic.uow import UnitOfWork
from contracts import divisions
from contracts.dispatch.providers import (
    ProviderRegistered,
    ProviderReinstated,
    ProviderSuspended,
    ProviderUpdated,
)
from contracts.enums import ProviderType, ServiceMode
from dispatch.adapters.provider_bus import IssuedCredentials, ProviderBus
from dispatch.domain.providers import (
    Offer,
    ProviderStatus,
    RegisteredProvider,
    Registration,
    Suspension,
    modes_not_allowed,
    townships_of,
)
from dispatch.repository import catalogue, providers

T = TypeVar("T")


async def register_provider(
    cmd: Registration, *, county_code: str, uow: UnitOfWork, bus: ProviderBus
) -> RegisteredProvider:
    """Admits a provider to the county's registry and opens its own topics and ACLs."""
    async with uow:
        if await providers.by_code(uow.session, cmd.code):
            raise Conflict(
                "服务供给主体编码已被使用", code="provider_code_taken", field="body.code"
            )
        values = await _offer_values(uow, cmd.offer, county_code, cmd.provider_type)
        values |= _identity(cmd, county_code)
        await providers.insert(uow.session, values)
        registered = await _get(uow, cmd.code)
        uow.emit(_state_event(ProviderRegistered, registered))
        await _on_the_bus(bus.open([cmd.code]))
        await uow.commit()
        return registered


async def update_provider(
    offer: Offer, *, code: str, county_code: str, uow: UnitOfWork
) -> RegisteredProvider:
    """Changes a provider's offer, area, capacity, qualification or contacts."""
    async with uow:
        registered = await _get(uow, code, county_code=county_code, for_update=True)
        values = await _offer_values(
            uow, offer, county_code, ProviderType(registered.provider_type)
        )
        await providers.update_row(uow.session, registered.provider_id, values | _next(registered))
        registered = await _get(uow, code)
        uow.emit(_state_event(ProviderUpdated, registered))
        await uow.commit()
        return registered


async def suspend_provider(
    cmd: Suspension, *, code: str, county_code: str, uow: UnitOfWork, bus: ProviderBus
) -> RegisteredProvider:
    """Suspends a provider: referral stops choosing it, and its Kafka access ends now."""
    async with uow:
        return await _suspend(cmd, code, county_code, uow, bus)


async def _suspend(
    cmd: Suspension, code: str, county_code: str, uow: UnitOfWork, bus: ProviderBus
) -> RegisteredProvider:
    registered = await _get(uow, code, county_code=county_code, for_update=True)
    if registered.status == ProviderStatus.SUSPENDED:
        return registered
    effective = cmd.effective_date or clock.today()
    values = {
        "status": ProviderStatus.SUSPENDED.value,
        "suspension_reason_code": cmd.reason_code.value,
        "suspension_reason_zh": cmd.reason_zh,
        "suspended_from": effective,
    }
    await providers.update_row(uow.session, registered.provider_id, values | _next(registered))
    registered = await _get(uow, code)
    why = {"reason_code": cmd.reason_code, "reason_zh": cmd.reason_zh}
    uow.emit(ProviderSuspended(**_key(registered), effective_date=effective, **why))
    # Off the bus before the suspension is committed: if this fails, nothing changed.
    await _on_the_bus(bus.close(code))
    await uow.commit()
    return registered


async def reinstate_provider(
    *, code: str, county_code: str, uow: UnitOfWork, bus: ProviderBus
) -> RegisteredProvider:
    """Lets a suspended provider take orders again from today (with new credentials)."""
    async with uow:
        return await _reinstate(code, county_code, uow, bus)


async def _reinstate(
    code: str, county_code: str, uow: UnitOfWork, bus: ProviderBus
) -> RegisteredProvider:
    registered = await _get(uow, code, county_code=county_code, for_update=True)
    if registered.status == ProviderStatus.ACTIVE:
        return registered
    cleared = {"suspension_reason_code": None, "suspension_reason_zh": None, "suspended_from": None}
    values = {"status": ProviderStatus.ACTIVE.value, **cleared}
    await providers.update_row(uow.session, registered.provider_id, values | _next(registered))
    registered = await _get(uow, code)
    uow.emit(ProviderReinstated(**_key(registered), effective_date=clock.today()))
    await _on_the_bus(bus.open([code]))
    await uow.commit()
    return registered


async def issue_credentials(
    *, code: str, county_code: str, uow: UnitOfWork, bus: ProviderBus
) -> IssuedCredentials:
    """A new Kafka password for an active provider; the previous one stops working."""
    async with uow:
        registered = await _get(uow, code, county_code=county_code)
    if registered.status != ProviderStatus.ACTIVE:
        raise Conflict("服务供给主体已暂停，不能发放接入凭证", code="provider_suspended")
    return await _on_the_bus(bus.issue_credentials(code))


async def repair_provider_bus(*, uow: UnitOfWork, bus: ProviderBus) -> list[str]:
    """Creates any missing topic or ACL of an active provider (at start-up)."""
    async with uow:
        codes = await providers.active_codes(uow.session)
    return await bus.open(codes)


async def list_providers(
    *, county_code: str | None, uow: UnitOfWork, page: int, size: int
) -> tuple[Sequence[RegisteredProvider], int]:
    """A page of providers, of one county when given, by code."""
    async with uow:
        return await providers.listed(uow.session, county_code=county_code, page=page, size=size)


async def provider_seen_by(
    *, code: str, division: str | None, uow: UnitOfWork
) -> RegisteredProvider:
    """One provider of the county the caller's jurisdiction lies in."""
    async with uow:
        registered = await providers.by_code(uow.session, code)
    if registered is None or not (division or "").startswith(registered.county_code[:6]):
        raise NotFound("未找到该服务供给主体", code="provider_not_found")
    return registered


# --- helpers ----------------------------------------------------------------------------


async def _get(
    uow: UnitOfWork, code: str, *, county_code: str | None = None, for_update: bool = False
) -> RegisteredProvider:
    registered = await providers.by_code(uow.session, code, for_update=for_update)
    if registered is None or (county_code and registered.county_code != county_code):
        raise NotFound("未找到该服务供给主体", code="provider_not_found")
    return registered


def _identity(cmd: Registration, county_code: str) -> dict[str, Any]:
    return {
        "provider_id": uuid.uuid4(),
        "code": cmd.code,
        "provider_type": cmd.provider_type.value,
        "credit_code": cmd.credit_code,
        "county_code": county_code,
        "status": ProviderStatus.ACTIVE.value,
        "version": 1,
    }


def _next(registered: RegisteredProvider) -> dict[str, Any]:
    return {"version": registered.version + 1}


async def _offer_values(
    uow: UnitOfWork, offer: Offer, county_code: str, kind: ProviderType
) -> dict[str, Any]:
    """The columns a create or update sets, after checking modes, areas and items."""
    values: dict[str, Any] = {}
    if offer.modes is not None:
        _check_modes(kind, offer.modes)
        values["modes"] = sorted(mode.value for mode in offer.modes)
    if offer.areas is not None:
        values |= _area_values(list(offer.areas), county_code)
    if offer.item_codes is not None:
        values |= await _item_values(uow, county_code, list(offer.item_codes))
    if (qualification := offer.qualification) is not None:
        values |= {
            "qualification_name": qualification.name_zh,
            "qualification_number": qualification.number,
            "qualified_from": qualification.valid_from,
            "qualified_until": qualification.valid_until,
        }
    if offer.contacts is not None:
        values["contacts"] = [dict(contact) for contact in offer.contacts]
    return values | dict(offer.details)


def _check_modes(kind: ProviderType, modes: frozenset[ServiceMode]) -> None:
    wrong = modes_not_allowed(kind, modes)
    if wrong:
        names = "、".join(m.label_zh for m in wrong)
        raise Unprocessable(
            f"{kind.label_zh}不能开展：{names}", code="mode_not_allowed", field="body.modes"
        )


def _area_values(areas: list[str], county_code: str) -> dict[str, Any]:
    outside = [a for a in areas if len(a) < 9 or not divisions.contains(county_code, a)]
    if outside:
        raise Unprocessable(
            f"服务区域须为本县(区)的乡镇或村(社区)：{'、'.join(outside)}",
            code="area_outside_county",
            field="body.areas",
        )
    return {
        "township_codes": sorted({a for a in areas if len(a) == 9}),
        "village_codes": sorted({a for a in areas if len(a) == 12}),
    }


async def _item_values(uow: UnitOfWork, county_code: str, codes: list[str]) -> dict[str, Any]:
    known = await catalogue.items_on(uow.session, county_code, clock.today(), codes)
    unknown = sorted(set(codes) - set(known))
    if unknown:
        raise Unprocessable(
            f"服务事项不在县级服务目录中：{'、'.join(unknown)}",
            code="item_not_in_catalogue",
            field="body.item_codes",
        )
    categories = sorted({item.service_category.value for item in known.values()})
    return {"item_codes": sorted(set(codes)), "service_categories": categories}


async def _on_the_bus(change: Awaitable[T]) -> T:
    try:
        return await change
    except (BusAdminError, KafkaException, OSError, TimeoutError) as exc:
        raise Unavailable(
            "消息服务暂不可用，本次变更未保存，请稍后重试", code="kafka_unavailable"
        ) from exc


def _key(registered: RegisteredProvider) -> dict[str, Any]:
    return {
        "provider_id": registered.provider_id,
        "provider_code": registered.code,
        "version": registered.version,
    }


def _state_event(
    cls: type[ProviderRegistered] | type[ProviderUpdated], registered: RegisteredProvider
) -> ProviderRegistered | ProviderUpdated:
    areas = frozenset(registered.township_codes) | frozenset(registered.village_codes)
    return cls(
        **_key(registered),
        name_zh=registered.name_zh,
        provider_type=registered.provider_type,
        credit_code=registered.credit_code,
        county_code=registered.county_code,
        township_codes=tuple(sorted(townships_of(areas))),
        service_categories=tuple(registered.service_categories),
        modes=tuple(registered.modes),
        agreement_ends_on=registered.agreement_ends_on,
    )
