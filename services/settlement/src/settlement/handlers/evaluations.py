"""Performance evaluations (绩效评价): the county's versioned rule, runs, revisions, reads."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from civic.uow import UnitOfWork
from contracts.supervision import ProviderEvaluated
from settlement.domain import evaluations as rules
from settlement.domain.evaluations import AreaEvaluation, ProviderEvaluation, ScoringRule
from settlement.domain.performance import ProviderScore
from settlement.handlers import performance
from settlement.repository import evaluations as repo
from settlement.repository import locks


@dataclass(frozen=True)
class RuleChange:
    """What a county officer asked for, and whether it made a new version."""

    rule: ScoringRule
    changed: bool


@dataclass
class RunResult:
    """What a run stored: the rule used, the new revisions, and what stayed as it was."""

    county_code: str
    period: str
    rule: ScoringRule
    providers: list[ProviderEvaluation] = field(default_factory=list)
    unchanged: int = 0
    areas: int = 0
    not_scored: list[str] = field(default_factory=list)


async def rule_in_force(county_code: str, *, uow: UnitOfWork) -> ScoringRule:
    """The county's newest version, or the default (version 1) if it never set one."""
    async with uow:
        latest = await repo.latest_rule(uow.session, county_code)
    return latest or rules.default_rule(county_code)


async def rule_versions(county_code: str, *, uow: UnitOfWork) -> list[ScoringRule]:
    """Every version of the county's rule, oldest first (only the default if it set none)."""
    async with uow:
        stored = await repo.rules(uow.session, county_code)
    return stored or [rules.default_rule(county_code)]


async def set_rule(terms: ScoringRule, *, uow: UnitOfWork, user: str) -> RuleChange:
    """Makes ``terms`` the county's rule: version n+1 if they differ from version n."""
    async with uow:
        await locks.lock(uow.session, "evaluation_rule", terms.county_code)
        current = await repo.latest_rule(uow.session, terms.county_code)
        if current is None:
            current = rules.default_rule(terms.county_code)
            if not current.same_terms(terms):  # the default is kept as version 1
                current = await repo.add_rule(uow.session, current)
        if current.same_terms(terms):
            return RuleChange(current, changed=False)
        stored = await repo.add_rule(uow.session, current.next(terms, set_by=user))
        await uow.commit()
    return RuleChange(stored, changed=True)


async def run_evaluations(
    county_code: str, period: str, *, uow: UnitOfWork, now: datetime
) -> RunResult:
    """Evaluates the county's providers, townships and villages; new findings are revisions."""
    async with uow:
        await locks.lock(uow.session, "evaluation_run", county_code, period)
        rule = await rule_in_force(county_code, uow=uow)
        result = RunResult(county_code, period, rule)
        scores = await performance.provider_scores(
            county_code, period, uow=uow, accept_within_hours=rule.accept_within_hours
        )
        latest = await repo.latest_providers(uow.session, county_code, period)
        for figures in scores.values():
            if figures.had_orders:
                await _evaluate(figures, latest.get(figures.provider_id), result, uow, now)
        await _evaluate_areas(result, uow, now)
        await uow.commit()
    return result


async def _evaluate(
    figures: ProviderScore,
    prior: ProviderEvaluation | None,
    result: RunResult,
    uow: UnitOfWork,
    now: datetime,
) -> None:
    score = rules.score(figures, result.rule)
    if score is None:
        result.not_scored.append(figures.provider_id)
        return
    candidate = _candidate(figures, score, result, now, prior)
    if prior is not None and prior.same_result(candidate):
        result.unchanged += 1
        return
    await repo.add_provider(uow.session, candidate)
    uow.emit(_evaluated(candidate, figures))
    result.providers.append(candidate)


def _candidate(
    figures: ProviderScore,
    score: int,
    result: RunResult,
    now: datetime,
    prior: ProviderEvaluation | None,
) -> ProviderEvaluation:
    rule = result.rule
    found = {**figures.summary(), "criteria_percent": rules.percents(figures, rule)}
    return ProviderEvaluation(
        uuid.UUID(figures.provider_id),
        figures.provider_code,
        result.county_code,
        result.period,
        rule.version,
        score,
        rule.referral_threshold,
        rules.plain(found),
        revision=1 if prior is None else prior.revision + 1,
        computed_at=now,
    )


def _evaluated(evaluation: ProviderEvaluation, figures: ProviderScore) -> ProviderEvaluated:
    return ProviderEvaluated(
        provider_id=evaluation.provider_id,
        provider_code=evaluation.provider_code,
        county_code=evaluation.county_code,
        period=evaluation.period,
        rule_version=evaluation.rule_version,
        score=evaluation.score,
        referral_threshold=evaluation.threshold,
        records_billed=figures.records_billed,
        records_reversed=figures.records_reversed,
        complaints_substantiated=figures.complaints_substantiated,
        checks_failed=figures.checks_failed,
    )


async def _evaluate_areas(result: RunResult, uow: UnitOfWork, now: datetime) -> None:
    county_code, period = result.county_code, result.period
    found = {
        "township": await performance.township_figures(county_code, period, uow=uow),
        "village": await performance.village_figures(county_code, period, uow=uow),
    }
    for kind, by_code in found.items():
        latest = await repo.latest_areas(uow.session, county_code, period, kind)
        for code, figures in by_code.items():
            prior = latest.get(code)
            plain = rules.plain(figures)
            if prior is not None and prior.figures == plain:
                continue
            revision = 1 if prior is None else prior.revision + 1
            evaluation = AreaEvaluation(
                kind, code, county_code, period, plain, revision=revision, computed_at=now
            )
            await repo.add_area(uow.session, evaluation)
            result.areas += 1


async def evaluations_page(
    kind: str,
    county_code: str,
    period: str,
    *,
    all_revisions: bool,
    uow: UnitOfWork,
    limit: int,
    offset: int,
) -> tuple[list[ProviderEvaluation] | list[AreaEvaluation], int]:
    """A page of the period's evaluations of one kind (newest revisions unless asked)."""
    async with uow:
        return await repo.page(
            uow.session,
            kind,
            county_code,
            period,
            all_revisions=all_revisions,
            limit=limit,
            offset=offset,
        )


async def latest_for_export(
    county_code: str, period: str, *, uow: UnitOfWork
) -> tuple[list[ProviderEvaluation], dict[str, str]]:
    """The newest revision of every provider's evaluation of the period, and their names."""
    async with uow:
        latest = await repo.latest_providers(uow.session, county_code, period)
        found = sorted(latest.values(), key=lambda e: (e.provider_code, str(e.provider_id)))
        names = await repo.provider_names(uow.session, [e.provider_id for e in found])
    return found, names
