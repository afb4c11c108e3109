"""Go-live import runs: what a run is, and what becomes of a row whose person is known.

Pure: no I/O.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from contracts.enums import Channel, Role
from intake.domain.imports import ImportedRow, RowProblem
from intake.domain.model import Application, PersonDetails, TimelineEntry
from intake.domain.status import ApplicationStatus

CREATED, UNCHANGED, FAILED = "created", "unchanged", "failed"


@dataclass(frozen=True)
class ImportRun:
    """One import run: who started it, when, and for which file."""

    import_id: uuid.UUID
    started_by: str
    started_at: datetime
    file_name: str | None


@dataclass(frozen=True)
class ImportSummary:
    """Where a run stands: rows received and what became of them."""

    run: ImportRun
    created: int
    unchanged: int
    failed: int

    @property
    def rows(self) -> int:
        """Every row received, whatever became of it."""
        return self.created + self.unchanged + self.failed


@dataclass(frozen=True)
class Standing:
    """What intake already holds for a person: an import, or an application in the way."""

    imported_in: uuid.UUID | None = None
    imported_row: int | None = None
    application_status: str | None = None


def verdict(row: ImportedRow, standing: Standing | None, import_id: uuid.UUID) -> str | RowProblem:
    """CREATED for a person new to the import, UNCHANGED for one imported before, or why not."""
    if standing is None:
        return CREATED
    if standing.imported_in == import_id and standing.imported_row != row.row_number:
        return RowProblem(
            row.row_number,
            "id_number",
            "duplicate_in_file",
            f"同一身份证号码已在第{standing.imported_row}行导入",
        )
    if standing.imported_in is not None:
        return UNCHANGED
    if standing.application_status == ApplicationStatus.APPROVED.value:
        return RowProblem(
            row.row_number, "id_number", "already_recipient", "该人员已是本平台在册服务对象"
        )
    return RowProblem(
        row.row_number, "id_number", "open_application", "该人员已有在办申请，请办结后再导入"
    )


#: The timeline's note on an imported application.
IMPORTED_NOTE = "存量导入：市社会救助信息系统在册对象，平台上线时导入"


def imported_application(
    row: ImportedRow,
    *,
    person_id: uuid.UUID,
    household_id: uuid.UUID,
    imported_by: str,
    at: datetime,
) -> Application:
    """The application intake holds for an imported recipient: registered, awaiting review's
    approval (RecipientApproved moves it to approved, as for any application)."""
    status = ApplicationStatus.REGISTERED
    return Application(
        application_id=uuid.uuid4(),
        person_id=person_id,
        household_id=household_id,
        status=status,
        version=1,
        channel=Channel.CITY_SYSTEM,
        category=row.category,
        special_conditions=row.special_conditions,
        requested_items=row.entries,
        need_categories=row.need_categories,
        county_code=row.county_code,
        township_code=row.township_code,
        village_code=row.village_code,
        applicant=PersonDetails(row.name, row.id_number),
        members=(),
        submitted_by=imported_by,
        submitted_by_role=Role.ADMIN.value,
        submitted_at=at,
        timeline=(TimelineEntry(status, at, IMPORTED_NOTE),),
    )
