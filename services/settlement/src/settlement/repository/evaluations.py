"""The counties' scoring rules and the evaluations they gave: stored and read back."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from sqlalchemy import Select, Subquery, Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from settlement.domain.evaluations import (
    CRITERIA,
    AreaEvaluation,
    ProviderEvaluation,
    ScoringRule,
    Weights,
)
from settlement.orm import area_evaluation, evaluation_rule, provider, provider_evaluation

rule_c, prov_c, area_c = evaluation_rule.c, provider_evaluation.c, area_evaluation.c


def _rule(row: Any) -> ScoringRule:
    weights = Weights(**{name: getattr(row, f"w_{name}") for name in CRITERIA})
    return ScoringRule(
        row.county_code,
        row.version,
        weights,
        row.referral_threshold,
        row.complaints_cap,
        row.accept_within_hours,
        set_by=row.set_by,
        set_at=row.set_at,
    )


async def rules(session: AsyncSession, county_code: str) -> list[ScoringRule]:
    """Every stored version of the county's rule, oldest first."""
    query = (
        select(evaluation_rule).where(rule_c.county_code == county_code).order_by(rule_c.version)
    )
    return [_rule(row) for row in await session.execute(query)]


async def latest_rule(session: AsyncSession, county_code: str) -> ScoringRule | None:
    """The county's newest stored version, if it ever set one."""
    query = (
        select(evaluation_rule)
        .where(rule_c.county_code == county_code)
        .order_by(rule_c.version.desc())
        .limit(1)
    )
    row = (await session.execute(query)).one_or_none()
    return None if row is None else _rule(row)


async def add_rule(session: AsyncSession, rule: ScoringRule) -> ScoringRule:
    """Stores a new version; returns it with the time the database gave it."""
    values = {
        "county_code": rule.county_code,
        "version": rule.version,
        **{f"w_{name}": weight for name, weight in asdict(rule.weights).items()},
        "referral_threshold": rule.referral_threshold,
        "complaints_cap": rule.complaints_cap,
        "accept_within_hours": rule.accept_within_hours,
        "set_by": rule.set_by,
    }
    row = (
        await session.execute(insert(evaluation_rule).values(values).returning(evaluation_rule))
    ).one()
    return _rule(row)


def _names(table: Table) -> list[str]:
    return [column.key for column in table.c]


def _provider(row: Any) -> ProviderEvaluation:
    return ProviderEvaluation(**{name: row._mapping[name] for name in _names(provider_evaluation)})


def _area(row: Any) -> AreaEvaluation:
    return AreaEvaluation(**{name: row._mapping[name] for name in _names(area_evaluation)})


#: Per kind: the table, what names one subject's revisions, how a list is ordered.
_KINDS: dict[str, tuple[Table, tuple[str, ...], tuple[str, ...]]] = {
    "provider": (provider_evaluation, ("provider_id",), ("provider_code", "provider_id")),
    "township": (area_evaluation, ("kind", "division_code"), ("division_code",)),
    "village": (area_evaluation, ("kind", "division_code"), ("division_code",)),
}


def _period_rows(kind: str, county_code: str, period: str) -> Subquery:
    """The period's rows of one kind, each numbered 1 when it is its subject's newest."""
    table, subject, _ = _KINDS[kind]
    newest = func.rank().over(
        partition_by=[table.c[name] for name in subject], order_by=table.c.revision.desc()
    )
    query = select(table, newest.label("newest")).where(
        table.c.county_code == county_code, table.c.period == period
    )
    if table is area_evaluation:
        query = query.where(table.c.kind == kind)
    return query.subquery()


def _select(kind: str, county_code: str, period: str, *, all_revisions: bool) -> Select[Any]:
    table, _, order = _KINDS[kind]
    rows = _period_rows(kind, county_code, period)
    query = select(*(rows.c[name] for name in _names(table)))
    if not all_revisions:
        query = query.where(rows.c.newest == 1)
    return query.order_by(*(rows.c[name] for name in order), rows.c.revision)


async def latest_providers(
    session: AsyncSession, county_code: str, period: str
) -> dict[str, ProviderEvaluation]:
    """The newest revision of each provider's evaluation of the period, by provider id."""
    query = _select("provider", county_code, period, all_revisions=False)
    return {str(row.provider_id): _provider(row) for row in await session.execute(query)}


async def latest_areas(
    session: AsyncSession, county_code: str, period: str, kind: str
) -> dict[str, AreaEvaluation]:
    """The newest revision of each township's (or village's) figures, by division code."""
    query = _select(kind, county_code, period, all_revisions=False)
    return {row.division_code: _area(row) for row in await session.execute(query)}


async def page(
    session: AsyncSession,
    kind: str,
    county_code: str,
    period: str,
    *,
    all_revisions: bool,
    limit: int,
    offset: int,
) -> tuple[list[ProviderEvaluation] | list[AreaEvaluation], int]:
    """A page of the period's evaluations of one kind, and how many there are."""
    query = _select(kind, county_code, period, all_revisions=all_revisions)
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = await session.execute(query.limit(limit).offset(offset))
    if kind == "provider":
        return [_provider(row) for row in rows], int(total or 0)
    return [_area(row) for row in rows], int(total or 0)


async def add_provider(session: AsyncSession, evaluation: ProviderEvaluation) -> None:
    """Stores one revision of a provider's evaluation."""
    await session.execute(insert(provider_evaluation).values(asdict(evaluation)))


async def add_area(session: AsyncSession, evaluation: AreaEvaluation) -> None:
    """Stores one revision of a township's or village's figures."""
    await session.execute(insert(area_evaluation).values(asdict(evaluation)))


async def provider_names(session: AsyncSession, provider_ids: list[uuid.UUID]) -> dict[str, str]:
    """The providers' Chinese names, as dispatch last told them (by provider id)."""
    query = select(provider.c.provider_id, provider.c.name_zh).where(
        provider.c.provider_id.in_(provider_ids)
    )
    return {str(pid): name for pid, name in await session.execute(query)}
