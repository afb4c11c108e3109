"""The auditors' questions: who read person X's data, and what did user U read."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import AwareDatetime, BaseModel, Field

from civic.audit import store
from civic.audit.marks import reads_personal
from civic.deps import PageNumber, UowDep
from civic.errors import PROBLEM_RESPONSES, Unprocessable
from civic.security import Principal, require_roles
from contracts.enums import Role

Auditor = Annotated[Principal, Depends(require_roles(Role.AUDITOR))]


class ReadLineOut(BaseModel):
    """One read of personal data."""

    read_id: uuid.UUID = Field(description="The line.")
    read_at: datetime = Field(description="When (UTC).")
    user_id: str = Field(description="Who read.")
    roles: list[str] = Field(description="The reader's roles.")
    division: str | None = Field(description="The reader's jurisdiction.")
    provider_code: str | None = Field(description="The reader's provider, for provider staff.")
    what: str = Field(description="What was read, e.g. application.")
    route: str = Field(description="Method and route, e.g. GET /applications/{application_id}.")
    person_ids: list[uuid.UUID] = Field(description="Whose data the answer held.")
    client: str | None = Field(description="From where.")
    purpose: str | None = Field(description="Why, where the caller said.")
    trace_id: str | None = Field(description="The request's trace.")


class ReadLineList(BaseModel):
    """A page of reads, newest first."""

    items: list[ReadLineOut] = Field(description="The lines of this page.")
    total: int = Field(description="How many lines match.")
    page: int = Field(description="This page's number, from 1.")
    size: int = Field(description="Lines per page.")


def audit_router() -> APIRouter:
    """The ``/audit/reads`` route every service serves to auditors."""
    router = APIRouter(tags=["audit"], responses=PROBLEM_RESPONSES)

    @router.get(
        "/audit/reads",
        summary="个人信息访问记录 (who read whose personal data)",
        openapi_extra=reads_personal("read_audit"),
    )
    async def reads(
        _: Auditor,
        uow: UowDep,
        person_id: Annotated[uuid.UUID | None, Query(description="只看此人 This person.")] = None,
        user_id: Annotated[
            str | None, Query(max_length=64, description="只看此用户 This user.")
        ] = None,
        since: Annotated[AwareDatetime | None, Query(description="起 From (inclusive).")] = None,
        until: Annotated[AwareDatetime | None, Query(description="止 Until (exclusive).")] = None,
        page: PageNumber = 1,
        size: Annotated[int, Query(ge=1, le=200, description="每页条数 Page size.")] = 50,
    ) -> ReadLineList:
        """Reads of personal data through this service, by person, user and time; newest first."""
        if person_id is None and user_id is None:
            raise Unprocessable(
                "请指定人员（person_id）或用户（user_id）",
                code="audit_query_unbounded",
                field="query",
            )
        query = store.ReadQuery(person_id, user_id, since, until, page, size)
        async with uow:
            lines, total = await store.find(uow.session, query)
        items = [ReadLineOut(**vars(line)) for line in lines]
        return ReadLineList(items=items, total=total, page=page, size=size)

    return router
