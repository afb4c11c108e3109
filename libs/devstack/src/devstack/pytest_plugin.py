"""Pytest fixtures for every suite: a real Kafka and PostgreSQL, migrated service
databases, tokens, in-process service apps and, for end-to-end tests, the six services
as real processes. Nothing here skips: if no broker can be had, the fixture fails.

Where the infrastructure comes from: ``TEST_KAFKA_BOOTSTRAP`` + ``TEST_DATABASE_URL``
when set; else testcontainers when a Docker engine answers; else the project's own
launcher (Kafka from Maven jars, Debian's PostgreSQL) in a fresh state directory.
End-to-end tests always run the services through the launcher's ``Stack``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from devstack import tokens
from devstack.infra import Infra, docker_available, resolve_infra
from devstack.procs import find_repo_root
from devstack.services import own_secrets
from devstack.stack import Ports, Stack

TEST_PARTITIONS = 3


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository's root folder."""
    return find_repo_root(Path(__file__).parent)


@pytest.fixture(scope="session")
def test_state(repo_root: Path) -> Iterator[Path]:
    """A fresh state folder for this session's servers and keys, removed afterwards."""
    given = os.environ.get("TEST_STACK_STATE")
    if given:
        yield Path(given)
        return
    # Not under pytest's tmp: it is private to root, and PostgreSQL runs as postgres.
    state = repo_root / ".state" / "test" / f"run-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    state.mkdir(parents=True)
    yield state
    if os.environ.get("TEST_KEEP_STATE") != "1":
        shutil.rmtree(state, ignore_errors=True)


@pytest.fixture(scope="session")
def stack(test_state: Path, repo_root: Path) -> Iterator[Stack]:
    """Kafka, PostgreSQL and the span sink started by the project's launcher."""
    st = Stack(test_state, ports=Ports.free(), partitions=TEST_PARTITIONS, repo_root=repo_root)
    try:
        st.start_infra()
        yield st
    finally:
        st.stop()


@pytest.fixture(scope="session")
def infra(request: pytest.FixtureRequest, test_state: Path) -> Iterator[Infra]:
    """A running Kafka broker and PostgreSQL server with every platform topic."""
    env_given = os.environ.get("TEST_KAFKA_BOOTSTRAP") and os.environ.get("TEST_DATABASE_URL")
    if env_given or docker_available():
        found = resolve_infra(test_state / "infra", partitions=TEST_PARTITIONS)
    else:
        st: Stack = request.getfixturevalue("stack")
        found = Infra(st.kafka_bootstrap, st.secrets_dir, st.postgres.url("postgres"), "local")
    try:
        yield found
    finally:
        found.close()


@pytest.fixture(scope="session")
def key_dir(test_state: Path) -> Path:
    """Where this session's token signing keys live."""
    tokens.ensure_keys(test_state)
    return test_state


@pytest.fixture(scope="session")
def mint_token(key_dir: Path) -> Callable[..., str]:
    """Mints a bearer token: ``mint_token(roles=[...], division=..., user_id=...)``."""

    def mint(**claims: Any) -> str:
        claims.setdefault("user_id", f"user-{uuid.uuid4().hex[:8]}")
        return tokens.mint(key_dir, **claims)

    return mint


def migrate(repo_root: Path, service: str, database_url: str, target: str = "head") -> None:
    """Runs a service's Alembic migrations against ``database_url`` (up to ``target``)."""
    ini = repo_root / "services" / service / "alembic.ini"
    env = {**os.environ, "DATABASE_URL": database_url}
    done = subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(ini), "upgrade", target],
        env=env,
        cwd=repo_root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"migrations of {service} failed:\n{done.stderr[-3000:]}")


def civic_keys(service: str, *command: str, env: dict[str, Any]) -> str:
    """Runs ``civic-keys <service> ...`` as an operator would, in the service's environment
    (``env``: its settings as ``service_env`` gives them); returns what it printed."""
    settings = {key.upper(): str(value) for key, value in env.items() if value is not None}
    tool = Path(sys.executable).parent / "civic-keys"
    done = subprocess.run(
        [str(tool), service, *command],
        env={"PATH": "/usr/bin:/bin", **settings},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    if done.returncode != 0:
        raise RuntimeError(f"civic-keys {service} {' '.join(command)} failed:\n{done.stderr}")
    return done.stdout


@pytest.fixture(scope="session")
def service_database(infra: Infra, repo_root: Path) -> Callable[[str], str]:
    """Returns a freshly created and migrated database URL for a service (one per session)."""
    made: dict[str, str] = {}

    def make(service: str) -> str:
        if service not in made:
            url = infra.create_database(f"{service}_{uuid.uuid4().hex[:8]}")
            migrate(repo_root, service, url)
            made[service] = url
        return made[service]

    return make


@pytest.fixture(scope="session")
def service_env(
    infra: Infra, service_database: Callable[[str], str], key_dir: Path
) -> Callable[..., dict[str, Any]]:
    """Settings values for running a service in-process against the test infrastructure."""

    def env(service: str, **overrides: Any) -> dict[str, Any]:
        kafka = infra.access(service)  # each service as its own principal, with its ACLs
        values: dict[str, Any] = {
            "service_name": service,
            "environment": "local",
            "database_url": service_database(service),
            "kafka_bootstrap_servers": kafka.bootstrap,
            "kafka_password": kafka.password,
            "kafka_ca_file": kafka.ca_file,
            "auth_public_key_file": tokens.public_key_path(key_dir),
            "consumer_retry_backoff_s": 0.05,
            # Tests poll as one user from one address: limits far above what they send, so
            # the limiter runs on every request without refusing one.
            "rate_limit_public_per_minute": 60_000,
            "rate_limit_app_per_minute": 60_000,
            **{k.lower(): v for k, v in own_secrets(service, infra.secrets_dir).items()},
        }
        values.update(overrides)
        return values

    return env


@contextlib.asynccontextmanager
async def running_app(app: Any) -> AsyncIterator[Any]:
    """Runs a FastAPI app's lifespan and yields an httpx client bound to it."""
    import httpx

    async with app.router.lifespan_context(app):
        # The service connects to Kafka in the background; tests start once it has.
        runtime = getattr(app.state, "runtime", None)
        if runtime is not None:
            await asyncio.wait_for(runtime.bus_connected.wait(), timeout=60)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


@pytest.fixture(scope="session")
def e2e_stack(stack: Stack) -> Iterator[Stack]:
    """The six services as real processes on the launcher's Kafka and PostgreSQL."""
    # Keys reload every 2 s, so a rotation test need not restart the services to see one; an
    # hour of the complaints' SLA lasts 0.2 s, so a 48-hour deadline passes in under 10 s.
    stack.start_services(
        extra_env={
            "CONSUMER_RETRY_BACKOFF_S": "0.05",
            "SEALING_REFRESH_S": "2",
            "COMPLAINT_SLA_HOUR_S": "0.2",
            "EMERGENCY_DAY_S": "0.5",
            "DEADLINE_POLL_S": "1",
        }
    )
    try:
        yield stack
    finally:
        stack.stop_services()


@pytest.fixture
def console_url(e2e_stack: Stack) -> Iterator[str]:
    """The staff console and its development sign-in beside the six services (on ports of
    their own, so a second stack on the machine cannot answer for them); the console's URL."""
    from devstack import procs

    e2e_stack.console_ports = (procs.free_port(), procs.free_port())
    e2e_stack.start_console()
    try:
        yield f"http://127.0.0.1:{e2e_stack.console_ports[0]}"
    finally:
        for process in e2e_stack.console():
            process.stop()


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    """Debian's Chromium, headless (devstack.browser); the test fails without it."""
    from playwright.async_api import async_playwright

    from devstack.browser import launch

    async with async_playwright() as playwright:
        found = await launch(playwright)
        try:
            yield found
        finally:
            await found.close()


_REAL = {"integration", "e2e"}
_outcomes: dict[str, list[str]] = {"passed": [], "failed": []}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Counts the tests that ran against the real broker and database."""
    if report.when == "call" and _REAL.intersection(report.keywords):
        _outcomes["passed" if report.passed else "failed"].append(report.nodeid)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Says how many tests exercised the real Kafka broker and PostgreSQL."""
    passed, failed = len(_outcomes["passed"]), len(_outcomes["failed"])
    if passed or failed:
        terminalreporter.write_line(
            f"real infrastructure: {passed} integration/e2e tests passed and {failed} failed "
            "against a real Kafka broker and PostgreSQL started by the suite"
        )
