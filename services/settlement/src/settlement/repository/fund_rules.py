"""Fund rule versions, the records they hold and the county's resolutions of those holds."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from settlement.domain.fund_rules import (
    FundRule,
    FundRuleVersion,
    HeldLine,
    HoldDecision,
    HoldFilter,
    Resolution,
)
from settlement.domain.reasons import NotBillableReason
from settlement.orm import service_record
from settlement.orm.fund_rules import fund_hold, fund_hold_resolution, fund_rule_version

v, h, res, r = fund_rule_version.c, fund_hold.c, fund_hold_resolution.c, service_record.c
_HELD = NotBillableReason.FUND_RESTRICTED.value
#: A hold billing noted: record, county, township, the fund asked, why (Chinese), when.
HoldNote = tuple[uuid.UUID, str, str, str, str, datetime]

_LISTS = (
    "recipient_categories",
    "special_conditions",
    "service_categories",
    "modes",
    "purchaser_levels",
)


def rule_json(rule: FundRule) -> dict[str, Any]:
    """A fund's rule as the version's JSON keeps it (lists sorted)."""
    lists = {name: sorted(getattr(rule, name)) for name in _LISTS}
    fallback = rule.fallback_funding_source
    return {"funding_source": rule.funding_source, **lists, "fallback_funding_source": fallback}


def _rule(value: dict[str, Any]) -> FundRule:
    lists = {name: frozenset(value.get(name) or ()) for name in _LISTS}
    return FundRule(
        value["funding_source"],
        **lists,
        fallback_funding_source=value.get("fallback_funding_source"),
    )


def _version(row: Any) -> FundRuleVersion:
    rules = tuple(_rule(value) for value in row.funds)
    return FundRuleVersion(
        row.county_code, row.version, row.effective_from, rules, row.published_by, row.published_at
    )


async def versions(
    session: AsyncSession, county_codes: Iterable[str]
) -> dict[str, list[FundRuleVersion]]:
    """Every version of each county that has any, newest first (one read for a batch)."""
    counties = list(set(county_codes))
    if not counties:
        return {}
    query = select(fund_rule_version).where(v.county_code.in_(counties))
    found: dict[str, list[FundRuleVersion]] = {}
    for row in await session.execute(query.order_by(v.county_code, v.version.desc())):
        found.setdefault(row.county_code, []).append(_version(row))
    return found


async def insert_version(session: AsyncSession, version: FundRuleVersion) -> None:
    """Stores a new version of a county's fund rules."""
    await session.execute(
        pg_insert(fund_rule_version).values(
            county_code=version.county_code,
            version=version.version,
            effective_from=version.effective_from,
            funds=[rule_json(rule) for rule in version.rules],
            published_by=version.published_by,
        )
    )


async def resolutions(
    session: AsyncSession, record_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, Resolution]:
    """The county's decisions on the records it resolved."""
    wanted = list(set(record_ids))
    if not wanted:
        return {}
    query = select(res.record_id, res.decision, res.funding_source, res.note_zh)
    rows = await session.execute(query.where(res.record_id.in_(wanted)))
    return {
        row.record_id: Resolution(HoldDecision(row.decision), row.funding_source, row.note_zh)
        for row in rows
    }


async def person_of(session: AsyncSession, record_id: uuid.UUID) -> uuid.UUID | None:
    """The person a record serves (a plain read, no lock), or None if it is not kept."""
    query = select(r.person_id).where(r.record_id == record_id)
    return (await session.execute(query)).scalar_one_or_none()


async def set_resolution(session: AsyncSession, values: dict[str, Any]) -> None:
    """Keeps the county's decision on a record; a record held again (a later version of the
    rules refused the fund it named) takes a new decision in its place."""
    stmt = pg_insert(fund_hold_resolution).values(**values, decided_at=func.now())
    names = ("decision", "funding_source", "note_zh", "decided_by", "decided_at")
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[res.record_id], set_={name: stmt.excluded[name] for name in names}
        )
    )


async def note_holds(session: AsyncSession, notes: Sequence[HoldNote]) -> None:
    """Keeps why each record is held now (the fund asked and the reason)."""
    names = ("record_id", "county_code", "township_code", "funding_source", "why_zh", "held_at")
    stmt = pg_insert(fund_hold).values([dict(zip(names, note, strict=True)) for note in notes])
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[h.record_id], set_={name: stmt.excluded[name] for name in names[3:]}
        )
    )


async def held_in_county(
    session: AsyncSession, county_code: str, since: date
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(record, person) of the county's records held by the fund rules that stand for
    ``since`` or later."""
    query = (
        select(r.record_id, r.person_id)
        .select_from(fund_hold.join(service_record, r.record_id == h.record_id))
        .where(h.county_code == county_code, r.reason_code == _HELD, r.covers_until >= since)
    )
    return [(row.record_id, row.person_id) for row in await session.execute(query)]


def _hold_conditions(which: HoldFilter) -> list[Any]:
    # Driven by the holds (indexed by county and township), never a scan of the records.
    conditions = [r.reason_code == _HELD]
    if which.county_code is not None:
        conditions.append(h.county_code == which.county_code)
    if which.township_code is not None:
        conditions.append(h.township_code == which.township_code)
    return conditions


_HELD_RECORDS = fund_hold.join(service_record, r.record_id == h.record_id)


async def holds_page(
    session: AsyncSession, which: HoldFilter, *, limit: int, offset: int
) -> tuple[list[HeldLine], int]:
    """A page of held records (oldest service first), and how many there are."""
    conditions = _hold_conditions(which)
    count = select(func.count()).select_from(_HELD_RECORDS).where(*conditions)
    total = int((await session.execute(count)).scalar_one())
    query = (
        select(
            r.record_id,
            r.person_id,
            r.recipient_id,
            r.county_code,
            r.township_code,
            r.provider_code,
            r.item_code,
            r.service_date,
            h.funding_source,
            h.why_zh,
        )
        .select_from(_HELD_RECORDS)
        .where(*conditions)
        .order_by(r.service_date, r.record_id)
        .limit(limit)
        .offset(offset)
    )
    rows = await session.execute(query)
    return [HeldLine(**row) for row in rows.mappings()], total
