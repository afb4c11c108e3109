"""Who may see or change an application: its own app, or staff of its jurisdiction."""

from __future__ import annotations

from dataclasses import replace

from civic.errors import Forbidden, NotFound
from civic.security import Principal, ensure_jurisdiction
from contracts.enums import Role
from intake.domain.model import Application

#: Staff who enter applications taken at a window or in the village.
STAFF_SUBMITTERS = (Role.VILLAGE_STAFF, Role.COORDINATOR, Role.TOWNSHIP_OFFICER)
#: Staff who may withdraw an application on the applicant's behalf.
STAFF_CHANGERS = (*STAFF_SUBMITTERS, Role.COUNTY_OFFICER)
#: Staff who may read applications in their jurisdiction.
STAFF_READERS = (*STAFF_CHANGERS, Role.AUDITOR)


def submitted_by_this_app(caller: Principal, app: Application) -> bool:
    """Whether the caller is the applicant app user who submitted the application."""
    return (
        caller.has_any(Role.APPLICANT_APP)
        and app.submitted_by_role == Role.APPLICANT_APP.value
        and app.submitted_by == caller.user_id
    )


def ensure_may_access(caller: Principal, app: Application, staff_roles: tuple[Role, ...]) -> None:
    """Own app users and staff in jurisdiction pass; staff elsewhere get 403, others 404."""
    if submitted_by_this_app(caller, app):
        return
    if caller.has_any(*staff_roles):
        ensure_jurisdiction(caller, app.village_code)
        return
    # An app user learns nothing about applications it did not submit, not even that they exist.
    raise NotFound("未找到该申请", code="application_not_found")


def seen_by(caller: Principal, app: Application) -> Application:
    """The application as the caller may see it: its checks only for staff in jurisdiction."""
    if caller.has_any(*STAFF_READERS) and caller.covers(app.village_code):
        return app
    # An app learns nothing about registered people, not even that something is held.
    return replace(app, checks=(), duplicate_of=None)


def ensure_list_scope(caller: Principal, village_code: str | None) -> str:
    """The division a staff list is limited to; a village filter must lie inside it."""
    if caller.division is None:
        raise Forbidden("账号未设置管辖区域，不能查看申请列表", code="no_jurisdiction")
    if village_code is not None:
        ensure_jurisdiction(caller, village_code)
    return caller.division
