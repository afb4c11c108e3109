"""Worker registers and evaluations: each provider keeps its own register and reads its own
scores on its portal; county and township officers read a provider's register and, on a spot
check, the worker a service record names."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Path, Query, Response, status

from civic.audit import reads_personal
from civic.deps import UowDep
from civic.errors import PROBLEM_RESPONSES
from dispatch.api.deps import Officer, PageNo, PageSize, ProviderUser, provider_code_of
from dispatch.domain.evaluations import Evaluation
from dispatch.domain.workers import Certificate, Entry, Training, Worker
from dispatch.handlers import workers as use
from dispatch.schemas.common import Page, view_of
from dispatch.schemas.workers import (
    EvaluationRead,
    RecordWorkerRead,
    TrainingIn,
    WorkerPut,
    WorkerQualification,
    WorkerRead,
)

provider_router = APIRouter(
    prefix="/provider", tags=["服务供给主体端 provider"], responses=PROBLEM_RESPONSES
)
officer_router = APIRouter(tags=["服务人员名册 workers"], responses=PROBLEM_RESPONSES)

WorkerRef = Path(min_length=1, max_length=64, description="The provider's own reference.")
ActiveOnly = Query(False, description="Only workers who have not left.")


@provider_router.put(
    "/workers/{worker_ref}", openapi_extra=reads_personal(None), summary="登记或更新服务人员"
)
async def put_worker(
    body: WorkerPut, who: ProviderUser, uow: UowDep, response: Response, worker_ref: str = WorkerRef
) -> WorkerRead:
    """Adds or replaces one worker of the caller's register (repeating it changes nothing)."""
    kept = await use.keep_worker(
        entry_of(worker_ref, body), provider_code=provider_code_of(who), uow=uow
    )
    if kept.changed and kept.worker.version == 1:
        response.status_code = status.HTTP_201_CREATED
    return worker_read(kept.worker)


@provider_router.get("/workers", openapi_extra=reads_personal(None), summary="本机构服务人员名册")
async def my_workers(
    who: ProviderUser,
    uow: UowDep,
    active_only: bool = ActiveOnly,
    page: PageNo = 1,
    size: PageSize = 20,
) -> Page[WorkerRead]:
    """The caller's own register, by worker_ref."""
    rows, total = await use.own_workers(
        provider_code=provider_code_of(who), active_only=active_only, uow=uow, page=page, size=size
    )
    return Page(items=[worker_read(w) for w in rows], total=total, page=page, size=size)


@provider_router.get(
    "/evaluations", openapi_extra=reads_personal(None), summary="本机构绩效评价结果"
)
async def my_evaluations(
    who: ProviderUser, uow: UowDep, page: PageNo = 1, size: PageSize = 20
) -> Page[EvaluationRead]:
    """The caller's own evaluations, latest period first (how results reach the provider)."""
    rows, total = await use.own_evaluations(
        provider_code=provider_code_of(who), uow=uow, page=page, size=size
    )
    return Page(items=[evaluation_read(e) for e in rows], total=total, page=page, size=size)


@officer_router.get(
    "/providers/{code}/workers", openapi_extra=reads_personal(None), summary="服务人员名册"
)
async def provider_workers(
    code: str,
    who: Officer,
    uow: UowDep,
    active_only: bool = ActiveOnly,
    page: PageNo = 1,
    size: PageSize = 20,
) -> Page[WorkerRead]:
    """The register of a provider of the caller's county."""
    rows, total = await use.register_seen_by(
        code=code, officer=who, active_only=active_only, uow=uow, page=page, size=size
    )
    return Page(items=[worker_read(w) for w in rows], total=total, page=page, size=size)


@officer_router.get(
    "/records/{record_id}/worker",
    openapi_extra=reads_personal("service_record"),  # who served the person, and when
    summary="抽查：服务记录的服务人员",
)
async def record_worker(record_id: uuid.UUID, who: Officer, uow: UowDep) -> RecordWorkerRead:
    """The register entry of the worker a service record names, checked against its day."""
    found = await use.record_worker(record_id=record_id, officer=who, uow=uow)
    return RecordWorkerRead(
        record_id=found.record_id,
        provider_code=found.provider_code,
        worker_ref=found.worker_ref,
        worker=None if found.worker is None else worker_read(found.worker),
        check_code=found.check,
        reason_zh=None if found.check is None else found.check.label_zh,
    )


def entry_of(worker_ref: str, body: WorkerPut) -> Entry:
    """The register use case's entry from a PUT body."""
    q = body.qualification
    return Entry(
        worker_ref,
        body.name_zh,
        None if q is None else Certificate(q.name_zh, q.number, q.valid_until),
        tuple(Training(t.name_zh, frozenset(t.categories), t.completed_on) for t in body.trainings),
        body.evaluated_on,
        body.active,
    )


def worker_read(worker: Worker) -> WorkerRead:
    """The API view of a register entry."""
    q = worker.qualification
    return WorkerRead(
        worker_ref=worker.worker_ref,
        name_zh=worker.name_zh,
        qualification=None
        if q is None
        else WorkerQualification(name_zh=q.name_zh, number=q.number, valid_until=q.valid_until),
        trainings=[
            TrainingIn(
                name_zh=t.name_zh, categories=sorted(t.categories), completed_on=t.completed_on
            )
            for t in worker.trainings
        ],
        evaluated_on=worker.evaluated_on,
        active=worker.active,
        version=worker.version,
    )


def evaluation_read(evaluation: Evaluation) -> EvaluationRead:
    """The API view of an evaluation."""
    return view_of(EvaluationRead, evaluation, below_threshold=evaluation.below_threshold)
