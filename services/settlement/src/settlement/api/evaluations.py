"""Routes of the performance evaluations (绩效评价): the county's rule, runs, results, export."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from civic import clock
from civic.audit import reads_personal
from civic.deps import UowDep
from civic.errors import PROBLEM_RESPONSES
from contracts.fields import Period
from settlement.adapters.evaluation_sheet import evaluations_csv
from settlement.api.common import Checker, County, PagingDep, ensure_county
from settlement.domain.evaluations import (
    AreaEvaluation,
    ProviderEvaluation,
    ScoringRule,
    Weights,
)
from settlement.handlers import evaluations as use_cases
from settlement.schemas.common import Page
from settlement.schemas.evaluations import EvaluationRead, RuleRead, RuleSet, RunCreate, RunRead

router = APIRouter(tags=["evaluations 绩效评价"])

PeriodQ = Annotated[Period, Query(description="YYYY-MM for a month, YYYY for a year.")]
Kind = Literal["provider", "township", "village"]


@router.put(
    "/evaluation-rules/{county_code}",
    response_model=RuleRead,
    responses=PROBLEM_RESPONSES,
    summary="设置绩效评分规则",
    openapi_extra=reads_personal(None),
)
async def set_rule(county_code: str, body: RuleSet, officer: County, uow: UowDep) -> RuleRead:
    """Sets the county's scoring rule; a change makes a new version, the same terms do not."""
    ensure_county(officer, county_code)
    terms = ScoringRule(
        county_code,
        weights=Weights(**body.weights.model_dump()),
        referral_threshold=body.referral_threshold,
        complaints_cap=body.complaints_cap,
        accept_within_hours=body.accept_within_hours,
    )
    change = await use_cases.set_rule(terms, uow=uow, user=officer.user_id)
    return _rule(change.rule, changed=change.changed)


@router.get(
    "/evaluation-rules/{county_code}",
    response_model=list[RuleRead],
    responses=PROBLEM_RESPONSES,
    summary="绩效评分规则各版本",
    openapi_extra=reads_personal(None),
)
async def rule_versions(county_code: str, officer: Checker, uow: UowDep) -> list[RuleRead]:
    """Every version of the county's rule, oldest first; the default if it never set one."""
    ensure_county(officer, county_code)
    return [_rule(rule) for rule in await use_cases.rule_versions(county_code, uow=uow)]


@router.post(
    "/evaluations/runs",
    response_model=RunRead,
    responses=PROBLEM_RESPONSES,
    summary="开展绩效评价",
    openapi_extra=reads_personal(None),
)
async def run(body: RunCreate, officer: County, uow: UowDep) -> RunRead:
    """Evaluates the county's providers, townships and villages for a month or a year."""
    ensure_county(officer, body.county_code)
    result = await use_cases.run_evaluations(
        body.county_code, body.period, uow=uow, now=clock.now()
    )
    return RunRead(
        county_code=result.county_code,
        period=result.period,
        rule_version=result.rule.version,
        referral_threshold=result.rule.referral_threshold,
        evaluated=[_evaluation(e) for e in result.providers],
        unchanged=result.unchanged,
        areas_revised=result.areas,
        not_scored=result.not_scored,
    )


@router.get(
    "/evaluations",
    response_model=Page[EvaluationRead],
    responses=PROBLEM_RESPONSES,
    summary="绩效评价结果",
    # Scores and counts of providers, townships and villages: nobody served is named.
    openapi_extra=reads_personal(None),
)
async def evaluations(
    county_code: Annotated[str, Query(description="County-level unit.")],
    period: PeriodQ,
    officer: Checker,
    uow: UowDep,
    paging: PagingDep,
    kind: Annotated[Kind, Query(description="provider, township or village.")] = "provider",
    all_revisions: Annotated[
        bool, Query(description="Every revision, not only the newest.")
    ] = False,
) -> Page[EvaluationRead]:
    """The period's evaluations of one kind, newest revision of each (or every revision)."""
    ensure_county(officer, county_code)
    found, total = await use_cases.evaluations_page(
        kind,
        county_code,
        period,
        all_revisions=all_revisions,
        uow=uow,
        limit=paging.size,
        offset=paging.offset,
    )
    items = [_evaluation(e) for e in found]
    return Page(items=items, total=total, page=paging.page, size=paging.size)


@router.get(
    "/evaluations/export.csv",
    responses=PROBLEM_RESPONSES,
    summary="导出绩效评价(CSV,第三方评估)",
    openapi_extra=reads_personal(None),
)
async def export(
    county_code: Annotated[str, Query(description="County-level unit.")],
    period: PeriodQ,
    officer: Checker,
    uow: UowDep,
) -> StreamingResponse:
    """The providers' newest evaluations as CSV (UTF-8 with BOM, Chinese headers)."""
    ensure_county(officer, county_code)
    found, names = await use_cases.latest_for_export(county_code, period, uow=uow)
    name = f"evaluations-{county_code}-{period}.csv"
    return StreamingResponse(
        evaluations_csv(found, names),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _rule(rule: ScoringRule, *, changed: bool | None = None) -> RuleRead:
    return RuleRead(
        county_code=rule.county_code,
        version=rule.version,
        weights=asdict(rule.weights),
        referral_threshold=rule.referral_threshold,
        complaints_cap=rule.complaints_cap,
        accept_within_hours=rule.accept_within_hours,
        set_by=rule.set_by,
        set_at=rule.set_at,
        is_default=rule.set_by is None,
        changed=changed,
    )


def _evaluation(found: ProviderEvaluation | AreaEvaluation) -> EvaluationRead:
    if isinstance(found, AreaEvaluation):
        return EvaluationRead.model_validate({**asdict(found), "subject": found.division_code})
    return EvaluationRead.model_validate(
        {
            **asdict(found),
            "kind": "provider",
            "subject": str(found.provider_id),
            "below_threshold": found.below_threshold,
        }
    )
