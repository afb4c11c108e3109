"""Inspections at three levels: record a visit (a failed record is reversed), list, read."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any

from pydantic import TypeAdapter

from civic.errors import Conflict, Forbidden, NotFound, ProblemError, Unprocessable
from civic.idempotency import Answer, Retry, remember, replayed
from civic.security import Principal, ensure_jurisdiction
from civic.uow import UnitOfWork
from contracts.kinds import SpotCheckOutcome
from contracts.supervision import InspectionKind, InspectionRecorded
from settlement.domain.inspections import (
    Inspection,
    InspectionFilter,
    InspectionRuleError,
    Subject,
    agree,
    check_day,
    level_of,
    place,
)
from settlement.handlers.spot_checks import recheck_record
from settlement.repository import inspections as repo

_AS_JSON = TypeAdapter(Inspection)
_ANSWERS: dict[str, type[ProblemError]] = {
    "invalid": Unprocessable,
    "forbidden": Forbidden,
    "not_found": NotFound,
    "conflict": Conflict,
}


def refused(error: InspectionRuleError) -> ProblemError:
    """The problem document a broken inspection rule is answered with."""
    return _ANSWERS[error.kind](error.message_zh, code=error.code, field=error.field)


@dataclass(frozen=True)
class RecordInspection:
    """A visit to record: what it names (and where, if nothing named says), and its finding."""

    named: Subject
    kind: InspectionKind
    outcome: SpotCheckOutcome
    findings: str
    checked_on: date


async def record_inspection(
    cmd: RecordInspection,
    *,
    uow: UnitOfWork,
    inspector: Principal,
    today: date,
    idempotency_key: str | None,
) -> Inspection:
    """Records a visit at the inspector's level; a failed finding on a service record takes
    it out of payment (the spot-check path). A retried Idempotency-Key gets the first answer."""
    body = {**asdict(cmd), "named": asdict(cmd.named)}
    route = "settlement.inspections"
    retry = Retry.of(idempotency_key, route=route, user_id=inspector.user_id, body=_json(body))
    try:
        return await _record(cmd, uow=uow, inspector=inspector, today=today, retry=retry)
    except InspectionRuleError as error:
        raise refused(error) from error


async def _record(
    cmd: RecordInspection,
    *,
    uow: UnitOfWork,
    inspector: Principal,
    today: date,
    retry: Retry | None,
) -> Inspection:
    level = level_of(inspector.roles)
    check_day(cmd.checked_on, today)
    async with uow:
        if (first := await replayed(retry, uow)) is not None:
            return _AS_JSON.validate_python(first.body)
        subject = place(await _subject(cmd.named, uow), level, inspector.division)
        _ensure_covers(inspector, subject.township_code, subject.village_code)
        values = {
            **asdict(subject),
            "inspection_id": uuid.uuid4(),
            "supervision_level": level.value,
            "kind": cmd.kind.value,
            "outcome": cmd.outcome.value,
            "findings": cmd.findings,
            "disallowed_fen": 0,
            "checked_by": inspector.user_id,
            "checked_on": cmd.checked_on,
        }
        found = await repo.add(uow.session, values)
        found = replace(found, disallowed_fen=await _reverse(found, uow))
        await repo.set_disallowed(uow.session, found.inspection_id, found.disallowed_fen)
        uow.emit(recorded(found))
        await remember(retry, uow, Answer(201, _AS_JSON.dump_python(found, mode="json")))
        await uow.commit()
    return found


async def _subject(named: Subject, uow: UnitOfWork) -> Subject:
    """What was named, filled in and checked against settlement's read models."""
    if not named.names_something:
        raise InspectionRuleError(
            "invalid",
            "inspection_target_missing",
            "请至少指明一项检查对象：服务对象、工单、服务供给主体或服务记录",
            "body",
        )
    looks = (
        ("record_id", repo.record_subject, "服务记录"),
        ("order_id", repo.order_subject, "服务工单"),
        ("recipient_id", repo.recipient_subject, "救助对象"),
        ("person_id", repo.person_subject, "服务对象"),
        ("provider_id", repo.provider_subject, "服务供给主体"),
    )
    found = []
    for field, look, name_zh in looks:
        if (wanted := getattr(named, field)) is None:
            continue
        if (fact := await look(uow.session, wanted)) is None:
            raise InspectionRuleError(
                "invalid",
                f"{field.removesuffix('_id')}_not_found",
                f"{name_zh}不存在",
                f"body.{field}",
            )
        found.append(fact)
    return agree(named, found)


async def _reverse(found: Inspection, uow: UnitOfWork) -> int:
    """A failed visit of a service record takes it out of payment; returns the fen."""
    if not found.failed or found.record_id is None or found.person_id is None:
        return 0
    return await recheck_record(
        found.person_id, found.record_id, uow=uow, cause=found.inspection_id
    )


def recorded(found: Inspection) -> InspectionRecorded:
    """The event of a recorded visit: ids, codes and the finding's kind, never its notes."""
    return InspectionRecorded(
        inspection_id=found.inspection_id,
        supervision_level=found.supervision_level,
        kind=found.kind,
        outcome=found.outcome,
        county_code=found.county_code,
        township_code=found.township_code,
        person_id=found.person_id,
        record_id=found.record_id,
        provider_id=found.provider_id,
        checked_by=found.checked_by,
        checked_on=found.checked_on,
        disallowed_fen=found.disallowed_fen,
    )


async def get_inspection(
    inspection_id: uuid.UUID, *, uow: UnitOfWork, reader: Principal
) -> Inspection:
    """One inspection inside the reader's jurisdiction, or 404/403."""
    async with uow:
        found = await repo.get(uow.session, inspection_id)
    if found is None:
        raise NotFound("检查记录不存在", code="inspection_not_found")
    _ensure_covers(reader, found.township_code, found.village_code)
    return found


def _ensure_covers(principal: Principal, township_code: str | None, village: str | None) -> None:
    """Staff of the township (or above) or of the village itself; 403 otherwise."""
    if village is not None and principal.covers(village):
        return
    ensure_jurisdiction(principal, str(township_code))


async def inspections_page(
    which: InspectionFilter, *, uow: UnitOfWork, limit: int, offset: int
) -> tuple[list[Inspection], int]:
    """A page of the inspections in a division, and how many there are."""
    async with uow:
        return await repo.find(uow.session, which, limit=limit, offset=offset)


def _json(value: Any) -> Any:
    return TypeAdapter(Any).dump_python(value, mode="json")
