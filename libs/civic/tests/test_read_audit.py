"""The read audit's middleware without a database: which answers it holds, whom it finds in
them, what a line says, and that an answer whose line cannot be written is withheld."""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request

from civic.audit import reads_personal, saw
from civic.audit.record import AuditReads
from civic.security import Principal
from civic.testing import FakeUnitOfWork
from contracts.audit import PersonalDataRead
from contracts.enums import Role

pytestmark = pytest.mark.unit

PERSON, OTHER, NAMED = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


class _Session:
    """Stands in for the session: keeps what was inserted, or fails like a lost database."""

    def __init__(self, *, fails: bool = False) -> None:
        self.inserted: list[Any] = []
        self.fails = fails

    async def execute(self, statement: Any) -> None:
        if self.fails:
            raise ConnectionError("database gone")
        self.inserted.append(statement.compile().params)


def _app(session: _Session, uows: list[FakeUnitOfWork]) -> FastAPI:
    app = FastAPI()

    def new_uow() -> FakeUnitOfWork:
        uows.append(FakeUnitOfWork(session))
        return uows[-1]

    settings = SimpleNamespace(service_name="intake", trusted_proxies=())
    app.state.runtime = SimpleNamespace(uow=new_uow, settings=settings)
    app.add_middleware(AuditReads)

    @app.get("/people/{person_id}", openapi_extra=reads_personal("person"))
    async def person(person_id: uuid.UUID, request: Request) -> dict[str, Any]:
        request.state.principal = Principal("u-1", frozenset({Role.TOWNSHIP_OFFICER}), "341702100")
        saw(NAMED)  # e.g. a document's owner, whom the answer does not name
        return {"items": [{"applicant_person_id": str(OTHER)}, {"person_ids": [str(PERSON)]}]}

    @app.get("/plain", openapi_extra=reads_personal(None))
    async def plain() -> dict[str, str]:
        return {"ok": "yes"}

    return app


async def _get(app: FastAPI, path: str, **headers: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.get(path, headers=headers)


async def test_a_read_leaves_one_line_naming_everyone_the_answer_shows() -> None:
    session, uows = _Session(), []
    purpose = "%E5%85%A5%E6%88%B7%E6%A0%B8%E6%9F%A5"  # 入户核查, percent-encoded
    answer = await _get(_app(session, uows), f"/people/{PERSON}", **{"X-Access-Purpose": purpose})
    assert answer.status_code == 200
    (line,) = session.inserted
    assert set(line["person_ids"]) == {PERSON, OTHER, NAMED}
    assert (line["user_id"], line["division"], line["what"]) == ("u-1", "341702100", "person")
    assert (line["route"], line["purpose"]) == ("GET /people/{person_id}", "入户核查")
    (event,) = uows[0].published(PersonalDataRead)
    assert (event.read_id, event.subject_key, event.producer) == (line["read_id"], "u-1", "intake")


async def test_an_answer_whose_line_cannot_be_written_is_withheld() -> None:
    answer = await _get(_app(_Session(fails=True), []), f"/people/{PERSON}")
    assert answer.status_code == 503
    assert answer.json()["code"] == "audit_unavailable"
    assert str(OTHER) not in answer.text


async def test_routes_that_read_nothing_personal_and_refusals_leave_no_line() -> None:
    session: _Session = _Session()
    app = _app(session, [])
    assert (await _get(app, "/plain")).status_code == 200
    assert (await _get(app, "/people/not-a-uuid")).status_code == 422
    assert session.inserted == []


def test_what_a_route_reads_is_a_plain_name() -> None:
    assert reads_personal("survey_findings") == {"x-personal-data": "survey_findings"}
    assert reads_personal(None) == {"x-personal-data": "none"}
    with pytest.raises(ValueError, match="lower-case"):
        reads_personal("Findings!")
