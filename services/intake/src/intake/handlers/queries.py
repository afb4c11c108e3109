"""Reading applications: one for its app or staff, and staff lists by jurisdiction."""

from __future__ import annotations

import uuid

from civic.errors import NotFound
from civic.security import Principal
from civic.uow import UnitOfWork
from intake.domain.model import Application, ListQuery, Summary
from intake.domain.status import ApplicationStatus
from intake.handlers.access import STAFF_READERS, ensure_list_scope, ensure_may_access, seen_by
from intake.repository import IntakeRecords


async def get_application(
    application_id: uuid.UUID, *, uow: UnitOfWork, records: IntakeRecords, caller: Principal
) -> Application:
    """One application with its timeline, for the app that submitted it or staff in jurisdiction."""
    async with uow:
        app = await records.load(application_id)
    if app is None:
        raise NotFound("未找到该申请", code="application_not_found")
    ensure_may_access(caller, app, STAFF_READERS)
    return seen_by(caller, app)


async def list_applications(
    *,
    uow: UnitOfWork,
    records: IntakeRecords,
    caller: Principal,
    status: ApplicationStatus | None,
    village_code: str | None,
    page: int,
    size: int,
    needs_verification: bool | None = None,
) -> tuple[list[Summary], int]:
    """A page of the applications in the caller's jurisdiction, newest first."""
    division = ensure_list_scope(caller, village_code)
    query = ListQuery(division, status, village_code, page, size, needs_verification)
    async with uow:
        return await records.page(query)
