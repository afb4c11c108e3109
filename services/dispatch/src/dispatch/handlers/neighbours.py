"""Neighbour mutual aid (邻里互助): trained neighbours per village, and what they did."""

from __future__ import annotations

import uuid
from dataclasses import asdict

from civic.audit import saw
from civic.errors import Conflict, NotFound, Unprocessable
from civic.security import Principal, ensure_jurisdiction
from civic.uow import UnitOfWork
from contracts import divisions
from contracts.dispatch.services import NeighbourServiceRecorded
from dispatch.domain.neighbours import Helper, HelperYear, NeighbourService, RegisteredHelper
from dispatch.domain.recipients import Recipient
from dispatch.repository import neighbours, recipients


async def village_helpers(
    *, village_code: str, staff: Principal, uow: UnitOfWork
) -> list[RegisteredHelper]:
    """The village's trained neighbours."""
    ensure_jurisdiction(staff, village_code)
    async with uow:
        return await neighbours.helpers(uow.session, village_code)


async def year_totals(
    *, village_code: str, year: int, staff: Principal, uow: UnitOfWork
) -> list[HelperYear]:
    """Per helper, the services recorded in a year."""
    ensure_jurisdiction(staff, village_code)
    async with uow:
        return await neighbours.year_totals(uow.session, village_code, year)


async def register_helper(
    cmd: Helper, *, village_code: str, staff: Principal, uow: UnitOfWork
) -> RegisteredHelper:
    """Registers a trained neighbour of the village."""
    _check_village(village_code, staff)
    async with uow:
        if await neighbours.helper_by_user(uow.session, village_code, cmd.user_id):
            raise Conflict("该邻里志愿者已登记", code="helper_exists", field="body.user_id")
        values = asdict(cmd) | {
            "channel": cmd.channel.value,
            "helper_id": uuid.uuid4(),
            "village_code": village_code,
        }
        await neighbours.add_helper(uow.session, values)
        await uow.commit()
        helper = await neighbours.helper_by_user(uow.session, village_code, cmd.user_id)
        assert helper is not None
        return helper


async def record_neighbour_service(
    cmd: NeighbourService, *, village_code: str, staff: Principal, uow: UnitOfWork
) -> NeighbourService:
    """Records what a neighbour did for a recipient, for the township's yearly subsidy."""
    _check_village(village_code, staff)
    async with uow:
        return await _record_service(cmd, village_code, staff, uow)


async def _record_service(
    cmd: NeighbourService, village_code: str, staff: Principal, uow: UnitOfWork
) -> NeighbourService:
    held = await neighbours.service(uow.session, cmd.record_id)
    if held is not None:  # a retry
        await _name_recipient(uow, held.recipient_id)
        return held
    await _check_parties(cmd, village_code, uow)
    values = asdict(cmd) | {"village_code": village_code, "recorded_by": staff.user_id}
    await neighbours.add_service(uow.session, values)
    recipient = await recipients.get(uow.session, cmd.recipient_id)
    assert recipient is not None
    saw(recipient.person_id)
    uow.emit(_recorded(cmd, recipient, staff.user_id))
    await uow.commit()
    done = await neighbours.service(uow.session, cmd.record_id)
    assert done is not None
    return done


def _recorded(
    cmd: NeighbourService, recipient: Recipient, recorded_by: str
) -> NeighbourServiceRecorded:
    return NeighbourServiceRecorded(
        person_id=recipient.person_id,
        record_id=cmd.record_id,
        helper_id=cmd.helper_id,
        recipient_id=cmd.recipient_id,
        service_date=cmd.service_date,
        count=cmd.count,
        item_code=cmd.item_code,
        county_code=recipient.county_code,
        township_code=recipient.township_code,
        village_code=recipient.village_code,
        recorded_by=recorded_by,
    )


async def _name_recipient(uow: UnitOfWork, recipient_id: uuid.UUID) -> None:
    """Names, for the read audit, the person a record shows by recipient_id only."""
    recipient = await recipients.get(uow.session, recipient_id)
    if recipient is not None:
        saw(recipient.person_id)


def _check_village(village_code: str, staff: Principal) -> None:
    if len(village_code) != 12 or divisions.get(village_code) is None:
        raise NotFound("未找到该村(社区)", code="village_not_found")
    ensure_jurisdiction(staff, village_code)


async def _check_parties(cmd: NeighbourService, village_code: str, uow: UnitOfWork) -> None:
    if not await neighbours.helpers(uow.session, village_code, ids=[cmd.helper_id]):
        raise Unprocessable("该邻里志愿者不属于本村(社区)", code="helper_not_in_village")
    recipient = await recipients.get(uow.session, cmd.recipient_id)
    if recipient is None or recipient.village_code != village_code:
        raise Unprocessable("该服务对象不属于本村(社区)", code="recipient_not_in_village")
