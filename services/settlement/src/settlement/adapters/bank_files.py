"""Bank files in the county's format (configurable): the payment file written, the return read.

Amounts are written from integer fen (yuan with two decimals, never a float) and read back
the same way. A return the bank sends that cannot be read is refused whole, naming the row
and the column, so nothing is half-imported.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from civic.spreadsheet import safe_cell
from settlement.adapters.money import yuan
from settlement.domain.payments import PaymentRuleError, ReturnRow

#: Columns a bank file may carry, with the county's default Chinese header for each.
BANK_FIELDS: dict[str, str] = {
    "line_ref": "业务参考号",
    "provider_code": "服务供给主体代码",
    "payee_name": "收款单位名称",
    "account_no": "收款账号",
    "account_name": "收款户名",
    "bank_name": "收款开户行",
    "amount_yuan": "金额(元)",
    "amount_fen": "金额(分)",
    "purpose": "用途",
}
#: Columns a bank return may carry (line_ref and result are required).
RETURN_FIELDS: dict[str, str] = {
    "line_ref": "业务参考号",
    "result": "处理结果",
    "bank_serial": "银行流水号",
    "reason": "失败原因",
    "paid_on": "交易日期",
    "amount_yuan": "金额(元)",
    "amount_fen": "金额(分)",
}
REQUIRED_RETURN_FIELDS = ("line_ref", "result")
DELIMITERS = (",", ";", "|", "\t")
ENCODINGS = ("utf-8-sig", "gbk")
#: What banks write in the result column (compared without spaces, case-insensitively).
PAID_WORDS = frozenset(
    {"成功", "交易成功", "已成功", "支付成功", "success", "succeeded", "paid", "s"}
)
FAILED_WORDS = frozenset({"失败", "交易失败", "支付失败", "退回", "failed", "fail", "f"})


@dataclass(frozen=True)
class FileColumn:
    """One column of a bank file: which field, under which header."""

    field: str
    header_zh: str


@dataclass(frozen=True)
class PaymentFormat:
    """A county's bank file format, and the format of the bank's return."""

    county_code: str
    columns: tuple[FileColumn, ...]
    return_columns: tuple[FileColumn, ...]
    has_header: bool = True
    delimiter: str = ","
    encoding: str = "utf-8-sig"
    set_by: str | None = None
    set_at: datetime | None = None


def default_format(county_code: str) -> PaymentFormat:
    """The format a county uses until it sets its own: every field, default headers, UTF-8."""
    return PaymentFormat(
        county_code=county_code,
        columns=tuple(FileColumn(f, h) for f, h in BANK_FIELDS.items()),
        return_columns=tuple(
            FileColumn(f, RETURN_FIELDS[f])
            for f in ("line_ref", "result", "bank_serial", "reason", "paid_on", "amount_yuan")
        ),
    )


def check_format(fmt: PaymentFormat) -> None:
    """A format the bank files can be written and read back with (else 422 naming why)."""
    _check_columns(fmt.columns, BANK_FIELDS, "body.columns", fmt)
    _check_columns(fmt.return_columns, RETURN_FIELDS, "body.return_columns", fmt)
    missing = [f for f in REQUIRED_RETURN_FIELDS if f not in {c.field for c in fmt.return_columns}]
    if missing:
        raise _invalid(
            "return_column_required",
            f"回盘文件须包含列：{'、'.join(missing)}",
            "body.return_columns",
        )
    if "line_ref" not in {c.field for c in fmt.columns}:
        raise _invalid(
            "column_required",
            "支付文件须包含业务参考号(line_ref)列，否则回盘无法逐笔核对",
            "body.columns",
        )


def _check_columns(
    columns: Sequence[FileColumn], vocabulary: Mapping[str, str], where: str, fmt: PaymentFormat
) -> None:
    fields = [c.field for c in columns]
    headers = [c.header_zh for c in columns]
    if unknown := [f for f in fields if f not in vocabulary]:
        raise _invalid("unknown_column", f"不支持的列：{'、'.join(unknown)}", where)
    if len(set(fields)) != len(fields) or len(set(headers)) != len(headers):
        raise _invalid("duplicate_column", "列或列名重复", where)
    for header in headers:
        if fmt.delimiter in header or '"' in header or not header.strip():
            raise _invalid("bad_header", f"列名“{header}”含分隔符、引号或为空", where)
        try:
            header.encode(fmt.encoding)
        except UnicodeEncodeError:
            raise _invalid(
                "header_not_encodable", f"列名“{header}”无法用{fmt.encoding}编码", where
            ) from None


def _invalid(
    code: str, message_zh: str, field_name: str | None = None, **extra: Any
) -> PaymentRuleError:
    return PaymentRuleError(code, message_zh, kind="invalid", field=field_name, extra=extra)


def parse_yuan(text: str) -> int:
    """``"12.34"`` → ``1234`` fen, by integer arithmetic; ValueError for anything else."""
    found = re.fullmatch(r"(\d{1,12})(?:\.(\d{1,2}))?", text.strip())
    if found is None:
        raise ValueError(text)
    whole, cents = found.group(1), (found.group(2) or "0").ljust(2, "0")
    return int(whole) * 100 + int(cents)


#: A return larger than this is no bank return of a township's monthly batch.
MAX_RETURN_ROWS = 20_000
_DATE = re.compile(r"(\d{4})[-/.]?(\d{1,2})[-/.]?(\d{1,2})")


def render(fmt: PaymentFormat, rows: Iterable[Mapping[str, Any]]) -> bytes:
    """The payment file: one row per line, the county's columns, delimiter and encoding."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=fmt.delimiter, lineterminator="\r\n")
    if fmt.has_header:
        writer.writerow([c.header_zh for c in fmt.columns])
    for row in rows:
        values = {**row, "amount_yuan": yuan(row["amount_fen"])}
        # Staff open the file before sending it: a name that looks like a formula stays text.
        writer.writerow([safe_cell(_text(values.get(c.field))) for c in fmt.columns])
    try:
        return buffer.getvalue().encode(fmt.encoding)
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start : exc.end]
        raise PaymentRuleError(
            "bank_file_not_encodable",
            f"内容“{bad}”无法用{fmt.encoding}编码，请修改收款信息或改用UTF-8格式",
            kind="invalid",
        ) from None


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def parse_return(fmt: PaymentFormat, content: bytes, *, today: date) -> list[ReturnRow]:
    """The bank's return rows; a malformed file is refused with its row number and column."""
    table = list(csv.reader(io.StringIO(_decode(fmt, content)), delimiter=fmt.delimiter))
    if len(table) > MAX_RETURN_ROWS:
        raise _bad(0, None, "bank_return_too_large", f"回盘文件超过{MAX_RETURN_ROWS}行")
    positions, first = _positions(fmt, table)
    names = {c.field: c.header_zh for c in fmt.return_columns}
    rows: list[ReturnRow] = []
    seen: dict[str, int] = {}
    for row_no, cells in enumerate(table[first:], start=first + 1):
        if not any(cell.strip() for cell in cells):
            continue
        values = {name: _cell(cells, at) for name, at in positions.items()}
        row = _row(row_no, values, today, names)
        if row.line_ref in seen:
            message = f"第{row_no}行与第{seen[row.line_ref]}行的业务参考号重复"
            raise _bad(row_no, "line_ref", "duplicate_line_ref", message)
        seen[row.line_ref] = row_no
        rows.append(row)
    if not rows:
        raise _bad(0, None, "bank_return_empty", "回盘文件没有数据行")
    return rows


def _decode(fmt: PaymentFormat, content: bytes) -> str:
    try:
        return content.decode(fmt.encoding)
    except UnicodeDecodeError:
        raise _bad(
            0, None, "bank_return_encoding", f"回盘文件不是{fmt.encoding}编码，请核对文件格式"
        ) from None


def _positions(fmt: PaymentFormat, table: list[list[str]]) -> tuple[dict[str, int], int]:
    """Where each return field is: by header name when the file has a header, else by order."""
    if not fmt.has_header:
        return {c.field: at for at, c in enumerate(fmt.return_columns)}, 0
    if not table:
        raise _bad(0, None, "bank_return_empty", "回盘文件没有数据行")
    header = [cell.strip() for cell in table[0]]
    positions: dict[str, int] = {}
    for column in fmt.return_columns:
        if column.header_zh in header:
            positions[column.field] = header.index(column.header_zh)
        elif column.field in ("line_ref", "result"):
            message = f"回盘文件缺少“{column.header_zh}”列"
            names = {c.field: c.header_zh for c in fmt.return_columns}
            raise _bad(1, column.field, "bank_return_column_missing", message, names)
    return positions, 1


def _cell(cells: list[str], at: int) -> str:
    return cells[at].strip() if at < len(cells) else ""


def _row(row_no: int, values: dict[str, str], today: date, names: dict[str, str]) -> ReturnRow:
    def bad(column: str, code: str, problem_zh: str) -> PaymentRuleError:
        """The row's refusal, naming its column by the county's header."""
        return _bad(row_no, column, code, f"第{row_no}行“{names[column]}”列{problem_zh}", names)

    ref = values.get("line_ref", "")
    if not ref:
        raise bad("line_ref", "line_ref_missing", "为空")
    result = values.get("result", "").replace(" ", "").lower()
    if result not in PAID_WORDS | FAILED_WORDS:
        raise bad("result", "result_unknown", f"的“{values['result']}”无法识别（应为成功或失败）")
    paid = result in PAID_WORDS
    serial = values.get("bank_serial") or None
    if paid and serial is None:
        raise bad("bank_serial", "bank_serial_missing", "为空，支付成功须有银行流水号")
    if serial is not None and len(serial) > 64:
        raise bad("bank_serial", "bank_serial_too_long", "超过64个字符")
    day, amount = values.get("paid_on", ""), None
    for name, read in (("amount_fen", _fen), ("amount_yuan", parse_yuan)):
        if amount is None and (text := values.get(name)):
            try:
                amount = read(text)
            except ValueError:
                raise bad(name, "amount_invalid", f"的“{text}”不是有效金额") from None
    try:
        # A return without dates: the day it was imported.
        paid_on = _day(day) if day else today
    except ValueError:
        raise bad("paid_on", "paid_on_invalid", f"的“{day}”不是有效日期") from None
    reason = None if paid else (values.get("reason") or "银行未注明原因")[:200]
    return ReturnRow(row_no, ref, paid, serial, reason, paid_on, amount, values)


def _day(text: str) -> date:
    found = _DATE.fullmatch(text)
    if found is None:
        raise ValueError(text)
    return date(*(int(part) for part in found.groups()))


def _fen(text: str) -> int:
    if not text.isdigit():
        raise ValueError(text)
    return int(text)


def _bad(
    row_no: int,
    column: str | None,
    code: str,
    message_zh: str,
    names: Mapping[str, str] = RETURN_FIELDS,
) -> PaymentRuleError:
    extra: dict[str, Any] = {"row": row_no or None, "column": column}
    if column is not None:
        extra["column_zh"] = names.get(column, RETURN_FIELDS[column])
    return PaymentRuleError(code, message_zh, kind="invalid", field="body.file", extra=extra)
