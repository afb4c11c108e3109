"""Problem details (RFC 9457) for every error an API returns, Chinese first.

Every 4xx carries a machine-readable ``code``, the offending ``field`` where there is
one, and a message a window clerk can read.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from opentelemetry import trace
from pydantic import BaseModel, Field
from sqlalchemy import exc as sa_exc

from civic.outages import is_transient, sqlstate_of

PROBLEM_MEDIA_TYPE = "application/problem+json"


class FieldError(BaseModel):
    """One invalid field."""

    field: str = Field(description="Dotted path of the field, e.g. body.applicant.id_number")
    code: str = Field(description="Machine-readable reason, e.g. bad_check_char")
    message: str = Field(description="Chinese explanation for front-line staff")


class Problem(BaseModel):
    """The body of every error response."""

    type: str = Field(description="URN naming the problem type")
    title: str = Field(description="Chinese summary")
    status: int = Field(description="HTTP status code")
    code: str = Field(description="Machine-readable problem code")
    detail: str | None = Field(default=None, description="More detail, when there is any")
    errors: list[FieldError] = Field(
        default_factory=list, description="The invalid fields, one entry each"
    )
    trace_id: str | None = Field(default=None, description="Quote this when calling the hotline")
    extra: dict[str, Any] = Field(default_factory=dict, description="Problem-specific data")


class ProblemError(Exception):
    """Raise from a handler to answer with a problem document."""

    status = 400
    default_code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        errors: list[FieldError] | None = None,
        extra: dict[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.errors = list(errors or [])
        if field is not None:
            self.errors.append(FieldError(field=field, code=self.code, message=message))
        self.extra = dict(extra or {})
        #: Sent with the document, e.g. ``Retry-After`` on a 429.
        self.headers = dict(headers or {})


class Unauthorized(ProblemError):
    status, default_code = 401, "unauthorized"


class Forbidden(ProblemError):
    status, default_code = 403, "forbidden"


class NotFound(ProblemError):
    status, default_code = 404, "not_found"


class Conflict(ProblemError):
    status, default_code = 409, "conflict"


class ContentTooLarge(ProblemError):
    status, default_code = 413, "body_too_large"


class Unprocessable(ProblemError):
    status, default_code = 422, "validation_failed"


class TooManyRequests(ProblemError):
    status, default_code = 429, "rate_limited"


class Unavailable(ProblemError):
    status, default_code = 503, "unavailable"


def _documented(text: str) -> dict[str, Any]:
    return {
        "model": Problem,
        "description": text,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


#: Pass as ``responses=`` on routes so OpenAPI documents the error body.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: _documented(text)
    for status, text in (
        (401, "未登录或令牌无效 (missing or invalid bearer token)"),
        (403, "无权访问 (role or jurisdiction does not allow this)"),
        (404, "不存在 (not found)"),
        (409, "冲突 (conflicts with the current state)"),
        (413, "请求内容过大 (request body over the limit; refused before the token is checked)"),
        (422, "数据校验失败 (invalid input; nothing was stored)"),
        (503, "服务暂不可用，请稍后重试 (database unreachable; nothing was stored, retry later)"),
    )
}

#: ``responses=`` for routes with a per-client rate limit (``civic.rate_limits``).
RATE_LIMITED_RESPONSES: dict[int | str, dict[str, Any]] = {
    **PROBLEM_RESPONSES,
    429: _documented("请求过于频繁，请稍后重试 (too many requests; wait Retry-After seconds)"),
}

_PYDANTIC_ZH = {
    "missing": "必填项缺失",
    "string_too_short": "内容过短",
    "string_too_long": "内容过长",
    "string_pattern_mismatch": "格式不正确",
    "enum": "不在允许的取值范围内",
    "literal_error": "不在允许的取值范围内",
    "int_parsing": "应为整数",
    "date_from_datetime_parsing": "日期格式不正确",
    "date_parsing": "日期格式不正确",
    "uuid_parsing": "编号格式不正确",
    "too_short": "数量不足",
    "too_long": "数量过多",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "extra_forbidden": "不允许的字段",
    "json_invalid": "请求体不是合法的 JSON",
}


def _problem_response(status: int, problem: Problem) -> JSONResponse:
    ctx = trace.get_current_span().get_span_context()
    if ctx.is_valid:
        problem = problem.model_copy(update={"trace_id": format(ctx.trace_id, "032x")})
    return JSONResponse(
        problem.model_dump(mode="json"), status_code=status, media_type=PROBLEM_MEDIA_TYPE
    )


def problem_response(exc: ProblemError) -> JSONResponse:
    """The answer to a raised ProblemError: its document, with the headers it carries."""
    response = _problem_response(exc.status, problem_for(exc))
    response.headers.update(exc.headers)
    return response


def problem_for(exc: ProblemError) -> Problem:
    """Builds the problem document of a raised ProblemError."""
    return Problem(
        type=f"urn:chizhou-assistance:problem:{exc.code}",
        title=exc.message,
        status=exc.status,
        code=exc.code,
        errors=exc.errors,
        extra=exc.extra,
    )


def _validation_errors(exc: RequestValidationError) -> list[FieldError]:
    out = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err.get("loc", ()))
        kind = str(err.get("type", "invalid"))
        ctx = err.get("ctx") or {}
        code = str(ctx.get("reason_code", kind)) if isinstance(ctx, dict) else kind
        message = (
            str(ctx.get("message_zh")) if isinstance(ctx, dict) and "message_zh" in ctx else None
        )
        out.append(
            FieldError(
                field=field, code=code, message=message or _PYDANTIC_ZH.get(kind, "取值无效")
            )
        )
    return out


#: Seconds a client should wait before retrying after a database outage.
RETRY_AFTER_S = 5


def is_database_outage(exc: BaseException) -> bool:
    """True when the database cannot serve now (the same judgement as the consumers')."""
    return is_transient(exc)


def _outage_response() -> JSONResponse:
    problem = Problem(
        type="urn:chizhou-assistance:problem:database_unavailable",
        title="数据库暂时无法访问，本次提交未保存，请稍后重试",
        status=503,
        code="database_unavailable",
    )
    response = _problem_response(503, problem)
    response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response


# A domain refusal becomes a problem document: the one mapping, for every service. Domain
# modules stay pure and import nothing from here: any exception carrying ``code``, ``kind``
# and ``message_zh`` (optionally ``field``, ``errors``, ``extra``) is a refusal. A service lists
# its refusal classes in ``create_service_app(..., refusals=[...])``; handlers never translate.
#: What each kind of refusal is, in HTTP terms.
PROBLEM_OF_KIND: dict[str, type[ProblemError]] = {
    "invalid": Unprocessable,
    "conflict": Conflict,
    "forbidden": Forbidden,
    "not_found": NotFound,
}


def is_refusal(exc: BaseException) -> bool:
    """True when ``exc`` carries what a problem document needs."""
    kind = getattr(exc, "kind", None)
    return kind in PROBLEM_OF_KIND and all(
        isinstance(getattr(exc, name, None), str) for name in ("code", "message_zh")
    )


def problem_of(exc: Any) -> ProblemError:
    """The problem document for a refusal (ValueError if ``exc`` is not one)."""
    if not is_refusal(exc):
        raise ValueError(f"{type(exc).__name__} is not a refusal (code, kind, message_zh)")
    problem = PROBLEM_OF_KIND[exc.kind]
    extra: dict[str, Any] = dict(getattr(exc, "extra", None) or {})
    return problem(
        exc.message_zh,
        code=exc.code,
        field=getattr(exc, "field", None),
        errors=list(getattr(exc, "errors", None) or []) or None,
        extra=extra,
    )


#: SQLSTATEs of a character PostgreSQL cannot store: U+0000 in text (22021) or in jsonb (22P05).
#: Any string a client sends may carry one; nothing was stored, so it is the client's 422.
REFUSED_CHARACTER_STATES = frozenset({"22021", "22P05"})


def _with_nul(value: Any, where: str) -> list[str]:
    """Dotted paths under ``where`` whose key or string value holds U+0000."""
    if isinstance(value, str):
        return [where] if "\x00" in value else []
    if isinstance(value, dict):
        pairs: list[tuple[Any, Any]] = list(value.items())
    elif isinstance(value, list):
        pairs = list(enumerate(value))
    else:
        return []
    found = []
    for key, inner in pairs:
        path = f"{where}.{key}"
        found += [path] if "\x00" in str(key) else _with_nul(inner, path)
    return found


async def _refused_character_response(request: Request) -> JSONResponse:
    message = "内容含有无法保存的字符（U+0000），未作任何保存"
    fields = [f"path.{k}" for k, v in request.path_params.items() if "\x00" in str(v)]
    fields += [f"query.{k}" for k, v in request.query_params.multi_items() if "\x00" in k + v]
    with contextlib.suppress(ValueError):  # the body FastAPI read is cached on the request
        fields += _with_nul(json.loads(await request.body() or b"null"), "body")
    errors = [FieldError(field=f, code="invalid_character", message=message) for f in fields]
    problem = Problem(
        type="urn:chizhou-assistance:problem:invalid_character",
        title=message,
        status=422,
        code="invalid_character",
        errors=errors,
    )
    return _problem_response(422, problem)


def install_problem_handlers(app: FastAPI, refusals: Sequence[type[Exception]] = ()) -> None:
    """Answers problems, the domain's ``refusals`` and validation failures with documents."""

    async def on_problem(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ProblemError)
        return problem_response(exc)

    async def on_refusal(_: Request, exc: Exception) -> JSONResponse:
        problem = problem_of(exc)
        return _problem_response(problem.status, problem_for(problem))

    async def on_validation(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = _validation_errors(exc)
        problem = Problem(
            type="urn:chizhou-assistance:problem:validation_failed",
            title="提交的数据未通过校验，未作任何保存",
            status=422,
            code=errors[0].code if len(errors) == 1 else "validation_failed",
            errors=errors,
        )
        return _problem_response(422, problem)

    async def on_database_error(request: Request, exc: Exception) -> JSONResponse:
        # A transaction that failed this way rolled back: nothing was stored, so a retry
        # (with the same Idempotency-Key) is safe. Anything else stays a 500.
        if sqlstate_of(exc) in REFUSED_CHARACTER_STATES:
            return await _refused_character_response(request)
        if not is_database_outage(exc):
            raise exc
        return _outage_response()

    app.add_exception_handler(ProblemError, on_problem)
    for refusal in refusals:
        app.add_exception_handler(refusal, on_refusal)
    app.add_exception_handler(RequestValidationError, on_validation)
    for kind in (sa_exc.DBAPIError, sa_exc.TimeoutError, OSError):
        app.add_exception_handler(kind, on_database_error)
