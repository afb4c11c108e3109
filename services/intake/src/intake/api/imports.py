"""Routes of the go-live import (存量导入): county IT loads the city system's roll."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Path
from fastapi.responses import Response

from civic.audit import reads_personal
from civic.deps import UowDep
from civic.errors import PROBLEM_RESPONSES
from intake.adapters.import_template import error_report, template_csv, template_xlsx
from intake.api.roles import Admin
from intake.handlers import imports
from intake.repository.imports import ImportRecords
from intake.schemas.imports import (
    IMPORT_CHUNK,
    IMPORT_START,
    ImportChunkIn,
    ImportChunkRead,
    ImportRead,
    ImportStart,
    RowProblemRead,
)

router = APIRouter(prefix="/imports", tags=["go-live import"], responses=PROBLEM_RESPONSES)
NOT_PERSONAL = reads_personal(None)
ImportId = Annotated[uuid.UUID, Path(description="The import run.")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


@router.get("/template.xlsx", openapi_extra=NOT_PERSONAL, summary="导入模板 (XLSX)")
async def template_workbook(caller: Admin) -> Response:
    """The template workbook: Chinese columns, an example row, notes and code lists."""
    return Response(template_xlsx(), media_type=XLSX, headers=_attachment("import-template.xlsx"))


@router.get("/template.csv", openapi_extra=NOT_PERSONAL, summary="导入模板 (CSV)")
async def template_text(caller: Admin) -> Response:
    """The template as CSV (UTF-8 with BOM): Chinese header and an example row."""
    return Response(
        template_csv(),
        media_type="text/csv; charset=utf-8",
        headers=_attachment("import-template.csv"),
    )


@router.post("", status_code=201, openapi_extra=NOT_PERSONAL, summary="新建导入批次")
async def start_import(
    body: Annotated[ImportStart, Body(openapi_examples=IMPORT_START)], caller: Admin, uow: UowDep
) -> ImportRead:
    """Opens an import run; its rows follow in chunks."""
    summary = await imports.start_import(
        file_name=body.file_name, caller=caller, uow=uow, records=ImportRecords(uow)
    )
    return ImportRead.of(summary)


@router.post("/{import_id}/rows", openapi_extra=NOT_PERSONAL, summary="上传一批导入数据")
async def import_rows(
    import_id: ImportId,
    body: Annotated[ImportChunkIn, Body(openapi_examples=IMPORT_CHUNK)],
    caller: Admin,
    uow: UowDep,
) -> ImportChunkRead:
    """Checks and stores up to 1000 rows; bad rows are reported, the others imported."""
    rows = [(row.row_number, row.cells()) for row in body.rows]
    result = await imports.import_rows(
        import_id, rows, caller=caller, uow=uow, records=ImportRecords(uow)
    )
    return ImportChunkRead(
        created=result.created,
        unchanged=result.unchanged,
        failed=result.failed,
        errors=[RowProblemRead.of(p) for p in result.problems],
    )


@router.get("/{import_id}", openapi_extra=NOT_PERSONAL, summary="导入批次汇总")
async def read_import(import_id: ImportId, caller: Admin, uow: UowDep) -> ImportRead:
    """The run's rows counted: created, unchanged, failed."""
    return ImportRead.of(await imports.read_import(import_id, uow=uow, records=ImportRecords(uow)))


@router.get("/{import_id}/errors", openapi_extra=NOT_PERSONAL, summary="导入错误报告 (CSV)")
async def import_errors(import_id: ImportId, caller: Admin, uow: UowDep) -> Response:
    """Every bad row's problems as a Chinese CSV: 行号, 列, 错误代码, 错误说明."""
    problems = await imports.import_problems(import_id, uow=uow, records=ImportRecords(uow))
    name = f"import-{import_id}-errors.csv"
    return Response(
        error_report(problems), media_type="text/csv; charset=utf-8", headers=_attachment(name)
    )
