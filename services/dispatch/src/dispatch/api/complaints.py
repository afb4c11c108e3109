"""Complaints and the hotline (投诉与服务热线): filing, the queue, notes, the resolution, and
the provider's own report and response."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, status

from civic.audit import reads_personal
from civic.deps import UowDep
from civic.errors import PROBLEM_RESPONSES, RATE_LIMITED_RESPONSES
from civic.idempotency import check_key
from civic.rate_limits import APP_RATE_LIMIT
from civic.security import Principal, require_roles
from contracts.enums import Role
from contracts.supervision import ComplaintCategory
from dispatch.api.deps import (
    DispatchDep,
    Officer,
    PageNo,
    PageSize,
    ProviderUser,
    provider_code_of,
)
from dispatch.domain.complaints import Complaint, ComplaintFile, ComplaintStatus, Note
from dispatch.handlers import complaints as handlers
from dispatch.schemas.common import Page, view_of
from dispatch.schemas.complaints import (
    ComplaintBody,
    ComplaintFileRead,
    ComplaintRead,
    NoteBody,
    NoteRead,
    ResolutionBody,
)

router = APIRouter(tags=["投诉与服务热线 complaints"], responses=PROBLEM_RESPONSES)
provider_router = APIRouter(
    prefix="/provider", tags=["服务供给主体端 provider"], responses=PROBLEM_RESPONSES
)

#: Hotline operators (township and county officers), village staff and coordinators, the app.
Filer = Annotated[
    Principal,
    Depends(
        require_roles(
            Role.TOWNSHIP_OFFICER,
            Role.COUNTY_OFFICER,
            Role.COORDINATOR,
            Role.VILLAGE_STAFF,
            Role.APPLICANT_APP,
        )
    ),
]
Handling = Annotated[Principal, Depends(require_roles(Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER))]
IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", description="重试时携带同一值, the first answer is returned."),
]


def hour_of(parts: DispatchDep) -> timedelta:
    """One hour of the complaints' SLA (shortened in tests)."""
    return timedelta(seconds=parts.settings.complaint_sla_hour_s)


def complaint_read(found: Complaint) -> ComplaintRead:
    """The queue's view of a complaint."""
    return view_of(ComplaintRead, found)


def note_read(note: Note) -> NoteRead:
    """One note as answered."""
    return view_of(NoteRead, note)


def file_read(found: ComplaintFile) -> ComplaintFileRead:
    """The complaint's file: words, contact and notes opened."""
    return view_of(
        ComplaintFileRead,
        found.complaint,
        **vars(found.words),
        notes=[note_read(n) for n in found.notes],
    )


def _key(idempotency_key: str | None) -> str | None:
    return None if idempotency_key is None else check_key(idempotency_key)


@router.post(
    "/complaints",
    status_code=status.HTTP_201_CREATED,
    openapi_extra=reads_personal("complaint"),
    dependencies=[APP_RATE_LIMIT],
    responses=RATE_LIMITED_RESPONSES,
    summary="受理投诉 (服务热线 2212349、移动应用、村(社区)协理员)",
)
async def file_complaint(
    body: ComplaintBody,
    who: Filer,
    uow: UowDep,
    parts: DispatchDep,
    idempotency_key: IdempotencyKey = None,
) -> ComplaintRead:
    """Takes a complaint in; the township must answer it within its category's deadline."""
    found = await handlers.open_complaint(
        body.to_domain(),
        caller=who,
        uow=uow,
        hour=hour_of(parts),
        idempotency_key=_key(idempotency_key),
    )
    return complaint_read(found)


@router.get("/complaints", openapi_extra=reads_personal("complaint_list"), summary="投诉办理队列")
async def complaint_queue(
    who: Officer,
    uow: UowDep,
    status_: ComplaintStatus | None = Query(None, alias="status", description="Only this status."),
    category: ComplaintCategory | None = Query(None, description="Only this category."),
    overdue: bool | None = Query(None, description="Only complaints past (or within) a deadline."),
    page: PageNo = 1,
    size: PageSize = 20,
) -> Page[ComplaintRead]:
    """The complaints of the officer's township or county, most urgent deadline first."""
    rows, total = await handlers.complaint_queue(
        officer=who,
        status=status_,
        category=category,
        overdue=overdue,
        uow=uow,
        page=page,
        size=size,
    )
    return Page(items=[complaint_read(r) for r in rows], total=total, page=page, size=size)


@router.get(
    "/complaints/{complaint_id}", openapi_extra=reads_personal("complaint"), summary="投诉详情"
)
async def read_complaint(complaint_id: uuid.UUID, who: Officer, uow: UowDep) -> ComplaintFileRead:
    """One complaint with the complainant's words and every note (each read is audited)."""
    return file_read(await handlers.complaint_file(complaint_id, officer=who, uow=uow))


@router.post(
    "/complaints/{complaint_id}/notes",
    status_code=status.HTTP_201_CREATED,
    openapi_extra=reads_personal("complaint_note"),
    summary="登记调查情况",
)
async def add_note(complaint_id: uuid.UUID, body: NoteBody, who: Handling, uow: UowDep) -> NoteRead:
    """Adds an investigation note to an open complaint."""
    note = await handlers.add_note(complaint_id, body.text_zh, officer=who, uow=uow)
    return note_read(note)


@router.post(
    "/complaints/{complaint_id}/resolution",
    openapi_extra=reads_personal("complaint"),
    summary="办结投诉 (调查结论、告知投诉人)",
)
async def resolve(
    complaint_id: uuid.UUID, body: ResolutionBody, who: Handling, uow: UowDep
) -> ComplaintRead:
    """Records the finding and the day the complainant was told; a substantiated complaint
    about a service record sends it to settlement's reversal."""
    found = await handlers.resolve_complaint(complaint_id, body.to_domain(), officer=who, uow=uow)
    return complaint_read(found)


@provider_router.post(
    "/complaints",
    status_code=status.HTTP_201_CREATED,
    openapi_extra=reads_personal("complaint"),
    summary="服务供给主体自报投诉",
)
async def report_complaint(
    body: ComplaintBody,
    who: ProviderUser,
    uow: UowDep,
    parts: DispatchDep,
    idempotency_key: IdempotencyKey = None,
) -> ComplaintRead:
    """A provider reports a complaint about one of its own orders (it names the provider)."""
    found = await handlers.open_complaint(
        body.to_domain(provider_code=provider_code_of(who)),
        caller=who,
        uow=uow,
        hour=hour_of(parts),
        idempotency_key=_key(idempotency_key),
    )
    return complaint_read(found)


@provider_router.post(
    "/complaints/{complaint_id}/response",
    status_code=status.HTTP_201_CREATED,
    openapi_extra=reads_personal(None),  # answers the provider's own note only
    summary="服务供给主体答复投诉",
)
async def respond(
    complaint_id: uuid.UUID, body: NoteBody, who: ProviderUser, uow: UowDep
) -> NoteRead:
    """The provider's account of a complaint that names it."""
    note = await handlers.respond_as_provider(complaint_id, body.text_zh, provider=who, uow=uow)
    return note_read(note)
