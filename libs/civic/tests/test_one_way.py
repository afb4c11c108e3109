"""The one way per concern in civic: a unit of work handlers open and consumers join, the
refusal → problem mapping, and the idempotent-retry key."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from civic.errors import Conflict, NotFound, Unprocessable, install_problem_handlers, problem_of
from civic.idempotency import Retry
from civic.uow import UnitOfWork


class FakeSession:
    """Records what the unit of work asks of its session."""

    def __init__(self, log: list[str]) -> None:
        self.log = log

    async def begin(self) -> None:
        self.log.append("begin")

    async def commit(self) -> None:
        self.log.append("commit")

    async def rollback(self) -> None:
        self.log.append("rollback")

    async def close(self) -> None:
        self.log.append("close")

    async def execute(self, *_: Any) -> None:
        self.log.append("execute")


def unit_of_work(log: list[str]) -> UnitOfWork:
    return UnitOfWork(lambda: FakeSession(log))  # type: ignore[arg-type,return-value]


async def test_a_handler_block_inside_an_open_one_commits_with_it() -> None:
    log: list[str] = []
    uow = unit_of_work(log)
    async with uow:  # the consumer's block: it has claimed the event
        async with uow:  # the handler's own block joins
            await uow.commit()
            assert log == ["begin"], "the handler's commit waits for the outermost block"
        assert uow.active and not uow.committed
        await uow.commit()
    assert log == ["begin", "commit", "close"] and not uow.active


async def test_a_refusal_inside_a_joined_block_rolls_the_whole_transaction_back() -> None:
    log: list[str] = []
    uow = unit_of_work(log)

    async def refused_inside_a_joined_block() -> None:
        async with uow, uow:
            raise RuntimeError("refused")

    with pytest.raises(RuntimeError):
        await refused_inside_a_joined_block()
    assert log == ["begin", "rollback", "close"]


async def test_a_handler_alone_owns_its_transaction() -> None:
    log: list[str] = []
    uow = unit_of_work(log)
    async with uow:
        await uow.commit()
    async with uow:  # a second use opens a new transaction
        pass
    assert log == ["begin", "commit", "close", "begin", "rollback", "close"]


class StateConflict(Exception):
    """A domain error as the domain writes it: no import from civic."""

    kind = "conflict"

    def __init__(self, code: str, message_zh: str, **extra: Any) -> None:
        super().__init__(message_zh)
        self.code, self.message_zh, self.extra = code, message_zh, extra


class RuleViolation(Exception):
    kind = "invalid"

    def __init__(self, code: str, message_zh: str, field: str) -> None:
        super().__init__(message_zh)
        self.code, self.message_zh, self.field = code, message_zh, field


def test_any_error_with_code_kind_and_message_is_a_problem() -> None:
    conflict = problem_of(StateConflict("already_stopped", "救助已终止", version=3))
    assert isinstance(conflict, Conflict) and conflict.extra == {"version": 3}
    invalid = problem_of(RuleViolation("bad_date", "日期有误", "body.effective_date"))
    assert isinstance(invalid, Unprocessable)
    assert [e.field for e in invalid.errors] == ["body.effective_date"]
    missing = type("Missing", (Exception,), {"kind": "not_found", "code": "x", "message_zh": "无"})
    assert isinstance(problem_of(missing()), NotFound)
    with pytest.raises(ValueError):
        problem_of(ValueError("no code, no kind"))


def test_an_app_answers_the_refusals_it_lists_with_problem_documents() -> None:
    app = FastAPI()
    install_problem_handlers(app, [StateConflict, RuleViolation])

    @app.post("/stop")
    async def stop() -> None:
        raise StateConflict("already_stopped", "救助已终止")

    answer = TestClient(app).post("/stop")
    assert answer.status_code == 409
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["code"] == "already_stopped" and answer.json()["title"] == "救助已终止"


def test_a_retry_key_is_per_caller_and_route_and_checks_the_body() -> None:
    assert Retry.of(None, route="stop", user_id="u1", body={}) is None
    first = Retry.of("k-1", route="stop", user_id="u1", body={"a": 1})
    other_user = Retry.of("k-1", route="stop", user_id="u2", body={"a": 1})
    other_body = Retry.of("k-1", route="stop", user_id="u1", body={"a": 2})
    assert first and other_user and other_body
    assert first.scope != other_user.scope and first.fingerprint != other_body.fingerprint
    with pytest.raises(Unprocessable):
        Retry.of("键", route="stop", user_id="u1", body={})
