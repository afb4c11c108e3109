"""The provider registry (county officers): admit, change, suspend, reinstate."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from typing import Any, TypeVar

from confluent_kafka import KafkaException
from sqlalchemy import RowMapping

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
from dispatch.domain.providers import ProviderStatus, modes_not_allowed, townships_of
from dispatch.provider_bus import IssuedCredentials, ProviderBus
from dispatch.repository import catalogue, providers
from dispatch.schemas.providers import ProviderCreate, ProviderSuspend, ProviderUpdate

T = TypeVar("T")


async def register_provider(
    cmd: ProviderCreate, *, county_code: str, uow: UnitOfWork, bus: ProviderBus
) -> RowMapping:
    """Admits a provider to the county's registry and opens its own topics and ACLs."""
    if await providers.by_code(uow.session, cmd.code):
        raise Conflict("服务供给主体编码已被使用", code="provider_code_taken", field="body.code")
    values = await _offer_values(uow, cmd, county_code, cmd.provider_type)
    values |= _identity(cmd, county_code)
    await providers.insert(uow.session, values)
    row = await _get(uow, cmd.code)
    uow.emit(_state_event(ProviderRegistered, row))
    await _on_the_bus(bus.open([cmd.code]))
    await uow.commit()
    return row


async def update_provider(
    cmd: ProviderUpdate, *, code: str, county_code: str, uow: UnitOfWork
) -> RowMapping:
    """Changes a provider's offer, area, capacity, qualification or contacts."""
    row = await _get(uow, code, county_code=county_code, for_update=True)
    values = await _offer_values(uow, cmd, county_code, ProviderType(row["provider_type"]))
    await providers.update_row(uow.session, row["provider_id"], values | _next(row))
    row = await _get(uow, code)
    uow.emit(_state_event(ProviderUpdated, row))
    await uow.commit()
    return row


async def suspend_provider(
    cmd: ProviderSuspend, *, code: str, county_code: str, uow: UnitOfWork, bus: ProviderBus
) -> RowMapping:
    """Suspends a provider: referral stops choosing it, and its Kafka access ends now."""
    row = await _get(uow, code, county_code=county_code, for_update=True)
    if row["status"] == ProviderStatus.SUSPENDED:
        return row
    effective = cmd.effective_date or clock.today()
    values = {
        "status": ProviderStatus.SUSPENDED.value,
        "suspension_reason_code": cmd.reason_code.value,
        "suspension_reason_zh": cmd.reason_zh,
        "suspended_from": effective,
    }
    await providers.update_row(uow.session, row["provider_id"], values | _next(row))
    row = await _get(uow, code)
    why = {"reason_code": cmd.reason_code, "reason_zh": cmd.reason_zh}
    uow.emit(ProviderSuspended(**_key(row), effective_date=effective, **why))
    # Off the bus before the suspension is committed: if this fails, nothing changed.
    await _on_the_bus(bus.close(code))
    await uow.commit()
    return row


async def reinstate_provider(
    *, code: str, county_code: str, uow: UnitOfWork, bus: ProviderBus
) -> RowMapping:
    """Lets a suspended provider take orders again from today (with new credentials)."""
    row = await _get(uow, code, county_code=county_code, for_update=True)
    if row["status"] == ProviderStatus.ACTIVE:
        return row
    cleared = {"suspension_reason_code": None, "suspension_reason_zh": None, "suspended_from": None}
    values = {"status": ProviderStatus.ACTIVE.value, **cleared}
    await providers.update_row(uow.session, row["provider_id"], values | _next(row))
    row = await _get(uow, code)
    uow.emit(ProviderReinstated(**_key(row), effective_date=clock.today()))
    await _on_the_bus(bus.open([code]))
    await uow.commit()
    return row


async def issue_credentials(
    *, code: str, county_code: str, uow: UnitOfWork, bus: ProviderBus
) -> IssuedCredentials:
    """A new Kafka password for an active provider; the previous one stops working."""
    row = await _get(uow, code, county_code=county_code)
    if row["status"] != ProviderStatus.ACTIVE:
        raise Conflict("服务供给主体已暂停，不能发放接入凭证", code="provider_suspended")
    return await _on_the_bus(bus.issue_credentials(code))


async def repair_provider_bus(*, uow: UnitOfWork, bus: ProviderBus) -> list[str]:
    """Creates any missing topic or ACL of an active provider (at start-up)."""
    return await bus.open(await providers.active_codes(uow.session))


# --- helpers ----------------------------------------------------------------------------


async def _get(
    uow: UnitOfWork, code: str, *, county_code: str | None = None, for_update: bool = False
) -> RowMapping:
    row = await providers.by_code(uow.session, code, for_update=for_update)
    if row is None or (county_code and row["county_code"] != county_code):
        raise NotFound("未找到该服务供给主体", code="provider_not_found")
    return row


def _identity(cmd: ProviderCreate, county_code: str) -> dict[str, Any]:
    return {
        "provider_id": uuid.uuid4(),
        "code": cmd.code,
        "provider_type": cmd.provider_type.value,
        "credit_code": cmd.credit_code,
        "county_code": county_code,
        "status": ProviderStatus.ACTIVE.value,
        "version": 1,
    }


def _next(row: RowMapping) -> dict[str, Any]:
    return {"version": row["version"] + 1}


async def _offer_values(
    uow: UnitOfWork, cmd: ProviderCreate | ProviderUpdate, county_code: str, kind: ProviderType
) -> dict[str, Any]:
    """The columns a create or update sets, after checking modes, areas and items."""
    values: dict[str, Any] = {}
    if cmd.modes is not None:
        _check_modes(kind, frozenset(cmd.modes))
        values["modes"] = sorted(m.value for m in set(cmd.modes))
    if cmd.areas is not None:
        values |= _area_values(cmd.areas, county_code)
    if cmd.item_codes is not None:
        values |= await _item_values(uow, county_code, cmd.item_codes)
    if cmd.qualification is not None:
        q = cmd.qualification
        values |= {
            "qualification_name": q.name_zh,
            "qualification_number": q.number,
            "qualified_from": q.valid_from,
            "qualified_until": q.valid_until,
        }
    if cmd.contacts is not None:
        values["contacts"] = [c.model_dump(mode="json") for c in cmd.contacts]
    plain = {"name_zh", "capacity", "agreement_ends_on"} & cmd.model_fields_set
    return values | {name: getattr(cmd, name) for name in plain}


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


def _key(row: RowMapping) -> dict[str, Any]:
    return {
        "provider_id": row["provider_id"],
        "provider_code": row["code"],
        "version": row["version"],
    }


def _state_event(
    cls: type[ProviderRegistered] | type[ProviderUpdated], row: RowMapping
) -> ProviderRegistered | ProviderUpdated:
    areas = frozenset(row["township_codes"]) | frozenset(row["village_codes"])
    return cls(
        **_key(row),
        name_zh=row["name_zh"],
        provider_type=row["provider_type"],
        credit_code=row["credit_code"],
        county_code=row["county_code"],
        township_codes=tuple(sorted(townships_of(areas))),
        service_categories=tuple(row["service_categories"]),
        modes=tuple(row["modes"]),
        agreement_ends_on=row["agreement_ends_on"],
    )
