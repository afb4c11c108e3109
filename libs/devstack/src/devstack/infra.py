"""A real Kafka broker and PostgreSQL server for test sessions, from wherever one is available.

Order: addresses in ``TEST_KAFKA_BOOTSTRAP`` + ``TEST_DATABASE_URL`` (with the secrets folder
of that broker in ``TEST_SECRETS_DIR``); else PostgreSQL from testcontainers when a Docker
engine answers; else the project's own launcher (Debian PostgreSQL). Kafka always runs
secured (SCRAM over TLS, ACLs): testcontainers' Kafka offers no SASL_SSL, so where no broker
is given the launcher's own broker from Maven jars is used, on every machine.
``DEVSTACK_INFRA=env|docker|local`` forces one of them.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from civic.bus.access import KafkaAccess
from civic.secrets import password_of
from devstack import procs
from devstack.kafka import KafkaServer, create_topics, provision_bus
from devstack.postgres import DB_NAME, PostgresServer
from devstack.procs import DevstackError

POSTGRES_IMAGE = "postgres:16"


@dataclass
class Infra:
    """Addresses of a running broker and database server, and how to release them."""

    kafka_bootstrap: str
    secrets_dir: Path  # the broker's CA and every principal's password
    admin_database_url: str  # postgresql+asyncpg://…/postgres, allowed to CREATE DATABASE
    source: str  # "env", "docker" or "local"
    closers: list[Callable[[], None]] = field(default_factory=list)

    def access(self, principal: str = "admin") -> KafkaAccess:
        """How ``principal`` connects; tests observe and inject as the super user ``admin``."""
        ca = self.secrets_dir / "kafka" / "ca.crt"
        return KafkaAccess(
            self.kafka_bootstrap, principal, password_of(self.secrets_dir, principal), ca
        )

    @property
    def kafka(self) -> KafkaAccess:
        """The super user's access (test harness only)."""
        return self.access()

    def database_url(self, name: str) -> str:
        """The admin URL pointed at database ``name``."""
        parts = urlsplit(self.admin_database_url)
        return urlunsplit(parts._replace(path=f"/{name}"))

    def create_database(self, name: str) -> str:
        """Creates ``name`` unless it exists; returns its postgresql+asyncpg URL."""
        if not DB_NAME.match(name):
            raise ValueError(f"database names are lower-case identifiers: {name!r}")
        dsn = re.sub(r"^postgresql\+asyncpg://", "postgresql://", self.admin_database_url)
        procs.run_coro(lambda: _create_database(dsn, name))
        return self.database_url(name)

    def create_topics(self, names: Iterable[str], partitions: int = 6) -> list[str]:
        """Idempotently creates topics; returns those created."""
        return create_topics(self.kafka, names, partitions)

    def close(self) -> None:
        """Stops whatever this object started (nothing for env-provided addresses)."""
        while self.closers:
            self.closers.pop()()

    def __enter__(self) -> Infra:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


async def _create_database(dsn: str, name: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        if await conn.fetchval("select 1 from pg_database where datname = $1", name):
            return
        with contextlib.suppress(asyncpg.DuplicateDatabaseError):
            await conn.execute(f'create database "{name}"')
    finally:
        await conn.close()


def _from_env() -> Infra | None:
    kafka, db = os.environ.get("TEST_KAFKA_BOOTSTRAP"), os.environ.get("TEST_DATABASE_URL")
    secrets = os.environ.get("TEST_SECRETS_DIR")
    if kafka and db and secrets:
        return Infra(kafka, Path(secrets), db, "env")
    if kafka or db or secrets:
        raise DevstackError(
            "set TEST_KAFKA_BOOTSTRAP, TEST_SECRETS_DIR and TEST_DATABASE_URL, or none of them"
        )
    return None


def docker_available() -> bool:
    """True when a Docker engine answers a ping."""
    try:
        import docker

        docker.from_env().ping()
    except Exception:  # no client library, no socket, engine down: all mean "no Docker"
        return False
    return True


def _postgres_container() -> Any:
    try:
        from testcontainers.community.postgres import PostgresContainer
    except ImportError:  # testcontainers 4.14 and older
        from testcontainers.postgres import PostgresContainer
    pg = PostgresContainer(
        POSTGRES_IMAGE,
        username="postgres",
        password="postgres",
        dbname="postgres",
        driver="asyncpg",
    )
    pg.start()
    return pg


def _local_kafka(state_dir: Path, ports: dict[str, int], partitions: int) -> KafkaServer:
    kafka = KafkaServer(
        state_dir / "kafka", ports["kafka"], ports["controller"], partitions=partitions
    )
    kafka.libs()  # Maven, if needed, before the clock of wait_ready starts
    kafka.start()
    return kafka


def _from_docker(state_dir: Path, partitions: int) -> Infra:
    kafka = _local_kafka(state_dir, _local_ports(state_dir), partitions)
    infra = Infra(kafka.bootstrap, kafka.secrets_dir, "", "docker", [kafka.stop])

    def start_postgres() -> None:
        pg = _postgres_container()
        infra.closers.append(pg.stop)
        infra.admin_database_url = pg.get_connection_url()

    return _ready(infra, kafka, start_postgres)


def _ready(infra: Infra, kafka: KafkaServer, start_postgres: Callable[[], None]) -> Infra:
    """Starts PostgreSQL, waits for Kafka and provisions the bus; on any failure closes all."""
    try:
        start_postgres()
        kafka.wait_ready(90)
        provision_bus(kafka)
    except Exception:
        infra.close()
        raise
    return infra


def _local_ports(state_dir: Path) -> dict[str, int]:
    # Reusing the recorded ports lets a new session adopt servers a crashed one left running.
    record = state_dir / "ports.json"
    if record.exists():
        return {k: int(v) for k, v in json.loads(record.read_text()).items()}
    ports = {
        "kafka": procs.free_port(),
        "controller": procs.free_port(),
        "postgres": procs.free_port(),
    }
    state_dir.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps(ports))
    return ports


def _from_local(state_dir: Path, partitions: int) -> Infra:
    ports = _local_ports(state_dir)
    kafka = _local_kafka(state_dir, ports, partitions)
    pg = PostgresServer(state_dir / "postgres", ports["postgres"], secrets_dir=kafka.secrets_dir)
    infra = Infra(kafka.bootstrap, kafka.secrets_dir, pg.url("postgres"), "local")
    infra.closers += [pg.stop, kafka.stop]

    def start_postgres() -> None:
        pg.start()
        pg.wait_ready(60)

    return _ready(infra, kafka, start_postgres)


def resolve_infra(state_dir: Path, *, partitions: int = 6) -> Infra:
    """A running Kafka + PostgreSQL for tests; raises (never skips) when none can be had."""
    forced = os.environ.get("DEVSTACK_INFRA", "").strip().lower()
    if forced in ("", "env") and (infra := _from_env()) is not None:
        return infra
    if forced == "env":
        raise DevstackError("DEVSTACK_INFRA=env but TEST_KAFKA_BOOTSTRAP/TEST_DATABASE_URL unset")
    errors: list[str] = []
    if forced in ("", "docker"):
        if docker_available():
            return _from_docker(Path(state_dir), partitions)
        errors.append("no Docker engine answered")
    if forced in ("", "local"):
        try:
            return _from_local(Path(state_dir), partitions)
        except (DevstackError, OSError) as exc:
            errors.append(f"local launcher failed: {exc}")
    raise DevstackError(
        "no Kafka/PostgreSQL for tests: "
        + "; ".join(errors)
        + ". Set TEST_KAFKA_BOOTSTRAP and TEST_DATABASE_URL, or start Docker, "
        "or install Java 17 + Maven + postgresql-15 for the local launcher."
    )
