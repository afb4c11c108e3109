"""HTTP shapes of the go-live import: a run, a chunk of template rows, what became of them."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from intake.domain.import_cells import COLUMNS, HEADERS_ZH
from intake.domain.import_runs import ImportSummary
from intake.domain.imports import RowProblem

#: The most rows one request may carry.
MAX_CHUNK_ROWS = 1000


class ImportStart(BaseModel):
    """A new import run."""

    model_config = ConfigDict(extra="forbid")

    file_name: str | None = Field(
        default=None, max_length=200, description="The file being loaded, for the record."
    )


class ImportRowIn(BaseModel):
    """One row of the template (模板的一行), cells as text; each is checked on the server."""

    model_config = ConfigDict(extra="forbid")

    row_number: int = Field(ge=1, le=10_000_000, description="The row's number in the file.")
    name: str | None = Field(default=None, max_length=500, description="姓名.")
    id_number: str | None = Field(default=None, max_length=500, description="身份证号码.")
    county_code: str | None = Field(default=None, max_length=500, description="区县代码.")
    township_code: str | None = Field(default=None, max_length=500, description="乡镇(街道)代码.")
    village_code: str | None = Field(default=None, max_length=500, description="村(社区)代码.")
    category: str | None = Field(
        default=None, max_length=500, description="救助类别: a RecipientCategory code or label."
    )
    special_conditions: str | None = Field(
        default=None, max_length=500, description="特殊情形: codes or labels separated by ';'."
    )
    self_care_level: str | None = Field(default=None, max_length=500, description="自理能力.")
    household_size: str | None = Field(default=None, max_length=500, description="家庭人口数.")
    items: str | None = Field(
        default=None,
        max_length=2000,
        description="服务项目: `项目代码:服务方式:次数/周期:资金来源`, several separated by ';'.",
    )
    effective_date: str | None = Field(
        default=None, max_length=500, description="服务开始日期, YYYY-MM-DD."
    )

    def cells(self) -> dict[str, object]:
        """The cells by column key, as the domain reads them."""
        return self.model_dump(exclude={"row_number"})


class ImportChunkIn(BaseModel):
    """Up to a thousand rows of one run."""

    model_config = ConfigDict(extra="forbid")

    rows: list[ImportRowIn] = Field(
        min_length=1, max_length=MAX_CHUNK_ROWS, description="The rows, each with its number."
    )


class RowProblemRead(BaseModel):
    """One problem of one row (no cell's content is repeated: it may be personal)."""

    row_number: int = Field(description="行号: the row's number in the file.")
    field: str = Field(description="The column's key.")
    column_zh: str = Field(description="列: the column's Chinese header.")
    code: str = Field(description="错误代码.")
    message: str = Field(description="错误说明 (Chinese).")

    @classmethod
    def of(cls, problem: RowProblem) -> RowProblemRead:
        """The problem as answered."""
        return cls(
            row_number=problem.row_number,
            field=problem.field,
            column_zh=HEADERS_ZH.get(problem.field, problem.field),
            code=problem.code,
            message=problem.message_zh,
        )


class ImportChunkRead(BaseModel):
    """What became of a chunk: counts, and each bad row's problems."""

    created: int = Field(description="新导入: rows that added a recipient.")
    unchanged: int = Field(description="未变化: rows whose person was imported before.")
    failed: int = Field(description="有错误: rows not imported (see errors).")
    errors: list[RowProblemRead] = Field(description="Every problem of the chunk's bad rows.")


class ImportRead(BaseModel):
    """An import run and its rows counted by outcome."""

    import_id: uuid.UUID = Field(description="The run: send its rows to /imports/{id}/rows.")
    file_name: str | None = Field(description="The file being loaded, as given.")
    started_by: str = Field(description="The user who opened the run.")
    started_at: datetime = Field(description="When the run was opened.")
    rows: int = Field(description="Rows received so far.")
    created: int = Field(description="新导入: rows that added a recipient.")
    unchanged: int = Field(description="未变化: rows whose person was imported before.")
    failed: int = Field(description="有错误: rows not imported (GET /imports/{id}/errors).")

    @classmethod
    def of(cls, summary: ImportSummary) -> ImportRead:
        """The summary as answered."""
        run = summary.run
        return cls(
            import_id=run.import_id,
            file_name=run.file_name,
            started_by=run.started_by,
            started_at=run.started_at,
            rows=summary.rows,
            created=summary.created,
            unchanged=summary.unchanged,
            failed=summary.failed,
        )


_EXAMPLE_ROW = {"row_number": 2, **{c.key: c.example for c in COLUMNS}}
#: Examples of the request bodies, for the OpenAPI document.
IMPORT_START = {"file": {"summary": "新建批次", "value": {"file_name": "贵池区存量对象.xlsx"}}}
IMPORT_CHUNK = {"rows": {"summary": "一批数据(示例一行)", "value": {"rows": [_EXAMPLE_ROW]}}}
