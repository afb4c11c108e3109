"""What the use cases share: rule failures as problem documents, retries, loading, publishing."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from civic import idempotency
from civic.errors import Conflict, FieldError, NotFound, Unprocessable
from civic.uow import UnitOfWork
from contracts import divisions
from contracts.envelope import Event
from intake.domain.model import Application, Catalogue
from intake.domain.rules import InvalidApplication, catalogue_in_force
from intake.domain.status import StateConflict
from intake.repository import applications, catalogue, persons

#: Turns an application into the JSON body the caller gets (and a retry gets again).
Render = Callable[[Application], dict[str, Any]]


@dataclass(frozen=True)
class Answer:
    """An HTTP status and body, as first given (and replayed to a retry)."""

    status: int
    body: dict[str, Any]


@dataclass(frozen=True)
class Retry:
    """An Idempotency-Key, the caller it belongs to and the request's fingerprint."""

    scope: str
    key: str
    fingerprint: str

    @classmethod
    def of(cls, key: str | None, *, route: str, user_id: str, body: Any) -> Retry | None:
        """None without a key; keys are per caller, so two users never share one."""
        if key is None:
            return None
        return cls(
            f"{route}:{user_id}", idempotency.check_key(key), idempotency.request_fingerprint(body)
        )


async def replayed(retry: Retry | None, uow: UnitOfWork) -> Answer | None:
    """The first answer to this key, if any; holds a lock on the key until commit."""
    if retry is None:
        return None
    # Two copies of one request racing each other: the second waits and then replays.
    await persons.lock_key(uow.session, f"idempotency:{retry.scope}:{retry.key}")
    found = await idempotency.stored_response(
        uow.session, scope=retry.scope, key=retry.key, fingerprint=retry.fingerprint
    )
    return Answer(*found) if found else None


async def remember(retry: Retry | None, uow: UnitOfWork, answer: Answer) -> None:
    """Stores the answer for the key in the same transaction as the effect."""
    if retry is not None:
        await idempotency.remember_response(
            uow.session,
            scope=retry.scope,
            key=retry.key,
            fingerprint=retry.fingerprint,
            status_code=answer.status,
            response=answer.body,
        )


@contextmanager
def as_problems() -> Iterator[None]:
    """Turns broken rules into 422 and state conflicts into 409 problem documents."""
    try:
        yield
    except InvalidApplication as exc:
        errors = [
            FieldError(field=v.field, code=v.code, message=v.message_zh) for v in exc.violations
        ]
        one = len(errors) == 1
        raise Unprocessable(
            errors[0].message if one else "提交的数据未通过校验，未作任何保存",
            code=errors[0].code if one else "validation_failed",
            errors=errors,
        ) from None
    except StateConflict as exc:
        raise Conflict(exc.message_zh, code=exc.code) from None


def publish(uow: UnitOfWork, event: Event) -> None:
    """Emits an event (the unit of work adds its big-data mirror)."""
    uow.emit(event)


async def load_or_404(uow: UnitOfWork, application_id: uuid.UUID) -> Application:
    """The application, locked for a change; 404 when there is none."""
    app = await applications.load(uow.session, application_id, for_update=True)
    if app is None:
        raise NotFound("未找到该申请", code="application_not_found")
    return app


async def catalogue_for(uow: UnitOfWork, village_code: str, day: date) -> Catalogue | None:
    """The catalogue in force on ``day`` in the county of the village."""
    county = divisions.county_of(village_code) or village_code[:6]
    return catalogue_in_force(await catalogue.catalogue_versions(uow.session, county), day)
