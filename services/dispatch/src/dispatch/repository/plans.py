"""Plan agreement: plans with their state, the counties' plan rules, flagged records."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import RowMapping, exists, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from dispatch.adapters.sealing import open_values
from dispatch.domain.plans import DecisionLevel, HeldPlan, PlanRule, PlanState
from dispatch.orm import plan_item, service_order, service_plan, service_record
from dispatch.orm_living import plan_rule

p = service_plan.c
_PLAN_COLUMNS = [getattr(p, name) for name in HeldPlan.__dataclass_fields__]


def _plan(row: RowMapping) -> HeldPlan:
    values = open_values(service_plan, row, row=row["plan_id"])
    values["state"] = PlanState(values["state"])
    values["decision_level"] = DecisionLevel(values["decision_level"])
    return HeldPlan(**values)


async def get(
    session: AsyncSession, plan_id: uuid.UUID, *, for_update: bool = False
) -> HeldPlan | None:
    """One plan (locked for the decision that follows, when asked)."""
    stmt = select(*_PLAN_COLUMNS).where(p.plan_id == plan_id)
    if for_update:
        stmt = stmt.with_for_update()
    row = (await session.execute(stmt)).mappings().first()
    return None if row is None else _plan(row)


async def items(session: AsyncSession, plan_id: uuid.UUID) -> list[RowMapping]:
    """The plan's items: order, item and planned frequency."""
    i = plan_item.c
    stmt = (
        select(i.order_id, i.item_code, i.frequency_times, i.frequency_per)
        .where(i.plan_id == plan_id)
        .order_by(i.item_code, i.order_id)
    )
    return list((await session.execute(stmt)).mappings().all())


async def decide(session: AsyncSession, plan_id: uuid.UUID, values: dict[str, Any]) -> None:
    """Writes an officer's answer on the plan."""
    stmt = update(service_plan).where(p.plan_id == plan_id).values(**values, decided_at=func.now())
    await session.execute(stmt)


async def listed(
    session: AsyncSession,
    *,
    division: str,
    state: PlanState | None,
    level: DecisionLevel | None,
    page: int,
    size: int,
) -> tuple[Sequence[HeldPlan], int]:
    """A page of the plans of a county or township, oldest submission first (a queue)."""
    where = [p.township_code.startswith(division, autoescape=True)]
    if state is not None:
        where.append(p.state == state.value)
    if level is not None:
        where.append(p.decision_level == level.value)
    total = await session.scalar(select(func.count()).select_from(service_plan).where(*where))
    stmt = select(*_PLAN_COLUMNS).where(*where).order_by(p.submitted_at, p.plan_id)
    rows = (await session.execute(stmt.offset((page - 1) * size).limit(size))).mappings()
    return [_plan(row) for row in rows], int(total or 0)


async def agreed_for_order(session: AsyncSession, order_id: uuid.UUID) -> bool:
    """True if an agreed plan covers the order."""
    i = plan_item.c
    stmt = select(
        exists().where(
            i.order_id == order_id, i.plan_id == p.plan_id, p.state == PlanState.AGREED.value
        )
    )
    return bool(await session.scalar(stmt))


# --- the counties' rules -----------------------------------------------------------------

r = plan_rule.c


def _rule(row: RowMapping) -> PlanRule:
    return PlanRule(**row)


async def latest_rule(session: AsyncSession, county_code: str) -> PlanRule | None:
    """The county's rule in force (its latest version), or None if it never set one."""
    stmt = select(plan_rule).where(r.county_code == county_code).order_by(r.version.desc()).limit(1)
    row = (await session.execute(stmt)).mappings().first()
    return None if row is None else _rule(row)


async def add_rule(session: AsyncSession, values: dict[str, Any]) -> PlanRule:
    """Adds the county's next rule version (serialised per county) and returns it."""
    county = values["county_code"]
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
        {"key": f"dispatch-plan-rule:{county}"},
    )
    held = await session.scalar(select(func.max(r.version)).where(r.county_code == county))
    stmt = plan_rule.insert().values(**values, version=(held or 0) + 1).returning(plan_rule)
    return _rule((await session.execute(stmt)).mappings().one())


# --- flagged records ---------------------------------------------------------------------


async def flagged_records(
    session: AsyncSession, *, division: str, flag: str, page: int, size: int
) -> tuple[list[RowMapping], int]:
    """A page of a county's or township's flagged records, newest service first."""
    s, o = service_record.c, service_order.c
    where = [s.flag == flag, o.village_code.startswith(division, autoescape=True)]
    joined = service_record.join(service_order, o.order_id == s.order_id)
    total = await session.scalar(select(func.count()).select_from(joined).where(*where))
    stmt = (
        select(
            s.record_id,
            s.order_id,
            s.provider_code,
            s.item_code,
            s.service_date,
            s.flag,
            o.person_id,
            o.recipient_id,
            o.township_code,
            o.village_code,
        )
        .select_from(joined)
        .where(*where)
        .order_by(s.service_date.desc(), s.record_id)
    )
    rows = (await session.execute(stmt.offset((page - 1) * size).limit(size))).mappings()
    return list(rows.all()), int(total or 0)
