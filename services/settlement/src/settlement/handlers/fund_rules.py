"""Restricted funds (专款专用): publish a county's fund rules, list them, resolve held lines.

A new version re-checks the county's held records (it may release them from its first day);
a county officer's resolution of a hold names the fund to pay it from (one the rules allow
for that line) or refuses it for good, and the record is re-checked in the same transaction,
so its lines post at once. Every version is announced as ``FundRulesPublished`` (the city's
big-data platform reads it), through the outbox in the version's own transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import TypeAdapter

from civic import clock
from civic.errors import Conflict, NotFound, Unprocessable
from civic.idempotency import Answer, Retry, remember, replayed
from civic.security import Principal, ensure_jurisdiction
from civic.uow import UnitOfWork
from contracts.settlement import FundRulesPublished, FundRuleTerms
from settlement.domain import fund_rules as rules
from settlement.domain.fund_rules import (
    FundRule,
    FundRuleError,
    FundRuleVersion,
    HeldLine,
    HoldDecision,
    HoldFilter,
    Resolution,
)
from settlement.domain.reasons import NotBillableReason
from settlement.domain.records import RecordSelection, ServiceRecord
from settlement.handlers.billing import judge, recheck
from settlement.repository import fund_rules as repo
from settlement.repository import locks
from settlement.repository.billing import SqlBillingStore

_HELD = NotBillableReason.FUND_RESTRICTED.value


def _cause(*parts: object) -> uuid.UUID:
    """An id for what caused a re-check (a publication, a resolution), from its parts."""
    return uuid.uuid5(uuid.NAMESPACE_URL, "settlement:" + ":".join(map(str, parts)))


@dataclass(frozen=True)
class PublishRules:
    """A county officer's new version of the county's fund rules."""

    county_code: str
    effective_from: date
    rules: tuple[FundRule, ...]
    published_by: str


async def publish_rules(
    cmd: PublishRules, *, uow: UnitOfWork, today: date, idempotency_key: str | None = None
) -> FundRuleVersion:
    """Adds a version (never rewrites one) and re-checks the county's held records by it; a
    retried key gets the version its first request made (no second version, no second event)."""
    fingerprint = {"county_code": cmd.county_code, "effective_from": cmd.effective_from}
    fingerprint["rules"] = cmd.rules
    retry = Retry.of(
        idempotency_key,
        route="settlement.fund_rules",
        user_id=cmd.published_by,
        body=TypeAdapter(Any).dump_python(fingerprint, mode="json"),
    )
    try:
        rules.check_rules(cmd.rules)
        async with uow:
            if (first := await replayed(retry, uow)) is not None:
                return await _version_numbered(uow, cmd.county_code, int(first.body["version"]))
            await locks.lock(uow.session, "fund_rules", cmd.county_code)
            known = (await repo.versions(uow.session, [cmd.county_code])).get(cmd.county_code)
            number = rules.next_version(known[0] if known else None, cmd.effective_from, today)
            version = FundRuleVersion(
                cmd.county_code, number, cmd.effective_from, cmd.rules, cmd.published_by
            )
            await repo.insert_version(uow.session, version)
            uow.emit(published(version))
            await _recheck_held(uow, version)
            await remember(retry, uow, Answer(201, {"version": number}))
            await uow.commit()
            return version
    except FundRuleError as error:
        raise Unprocessable(error.message_zh, code=error.code, field=error.field) from error


async def _version_numbered(uow: UnitOfWork, county_code: str, number: int) -> FundRuleVersion:
    found = (await repo.versions(uow.session, [county_code])).get(county_code, [])
    return next(version for version in found if version.version == number)


def published(version: FundRuleVersion) -> FundRulesPublished:
    """The announcement of a version: the rules' terms only, lists sorted, no officer named."""
    funds = tuple(
        FundRuleTerms.model_validate(
            {
                "funding_source": rule.funding_source,
                "recipient_categories": sorted(rule.recipient_categories),
                "recipient_conditions": sorted(rule.special_conditions),
                "service_categories": sorted(rule.service_categories),
                "modes": sorted(rule.modes),
                "purchaser_levels": sorted(rule.purchaser_levels),
                "fallback_funding_source": rule.fallback_funding_source,
            }
        )
        for rule in version.rules
    )
    return FundRulesPublished(
        county_code=version.county_code,
        version=version.version,
        effective_from=version.effective_from,
        funds=funds,
    )


async def _recheck_held(uow: UnitOfWork, version: FundRuleVersion) -> None:
    """Re-prices the county's held records that the new version may release."""
    held = await repo.held_in_county(uow.session, version.county_code, version.effective_from)
    if not held:
        return
    store = SqlBillingStore(uow)
    await store.hold_people(person_id for _, person_id in held)
    which = RecordSelection(record_ids=tuple(record_id for record_id, _ in held))
    cause = _cause("fund_rules", version.county_code, version.version)
    await recheck(which, uow=uow, cause=cause, store=store)


async def rule_versions(county_code: str, *, uow: UnitOfWork) -> list[FundRuleVersion]:
    """Every version of the county's fund rules, newest first."""
    async with uow:
        return (await repo.versions(uow.session, [county_code])).get(county_code, [])


async def holds_page(
    which: HoldFilter, *, uow: UnitOfWork, limit: int, offset: int
) -> tuple[list[HeldLine], int]:
    """A page of the records held by the fund rules, with why, and how many there are."""
    async with uow:
        return await repo.holds_page(uow.session, which, limit=limit, offset=offset)


@dataclass(frozen=True)
class ResolveHold:
    """A county officer's decision on a held record."""

    record_id: uuid.UUID
    decision: HoldDecision
    funding_source: str | None
    note_zh: str


async def resolve_hold(cmd: ResolveHold, *, uow: UnitOfWork, officer: Principal) -> ServiceRecord:
    """Keeps the county's decision and re-prices the record by it; returns where it stands."""
    async with uow:
        store = SqlBillingStore(uow)
        row = await _held_row(uow, store, cmd.record_id, officer)
        resolution = Resolution(cmd.decision, cmd.funding_source, cmd.note_zh)
        if cmd.decision is HoldDecision.ASSIGN:
            await _ensure_allowed(row, store, resolution)
        values = {
            "record_id": row.record_id,
            "decision": cmd.decision.value,
            "funding_source": cmd.funding_source,
            "note_zh": cmd.note_zh,
            "decided_by": officer.user_id,
        }
        await repo.set_resolution(uow.session, values)
        cause = _cause("fund_hold", row.record_id, clock.now().isoformat())
        await recheck(RecordSelection(record_id=row.record_id), uow=uow, cause=cause, store=store)
        (row,) = await store.find_records(RecordSelection(record_id=cmd.record_id))
        await uow.commit()
        return row


async def _held_row(
    uow: UnitOfWork, store: SqlBillingStore, record_id: uuid.UUID, officer: Principal
) -> ServiceRecord:
    """The record, held against a concurrent re-check: in the officer's county, and held."""
    person_id = await repo.person_of(uow.session, record_id)
    if person_id is None:
        raise NotFound("服务记录不存在", code="record_not_found")
    # The person first, as every billing path holds them, then the record.
    await store.hold_person(person_id)
    (row,) = await store.find_records(RecordSelection(record_id=record_id))
    ensure_jurisdiction(officer, row.county_code)
    if row.reason_code != _HELD:
        raise Conflict("该服务记录未因资金用途不符而待县级处理", code="not_held")
    return row


async def _ensure_allowed(
    row: ServiceRecord, store: SqlBillingStore, resolution: Resolution
) -> None:
    """An assignment names a fund the rules let pay this line (else 422 with why)."""
    if resolution.funding_source is None:
        raise Unprocessable(
            "指定资金来源时须填写资金来源", code="fund_required", field="body.funding_source"
        )
    judged = await judge(row, store=store, resolution=resolution)
    if not judged.billable:
        why = judged.note_zh or (judged.reason and judged.reason.label_zh)
        raise Unprocessable(
            why or "该资金来源不能支付此服务", code="fund_not_allowed", field="body.funding_source"
        )
