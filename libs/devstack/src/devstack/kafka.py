"""An Apache Kafka 4 node (KRaft, combined broker and controller) run from Maven Central jars;
``devstack.kafka_cluster`` runs three of them as one cluster.

Secured as in production: clients authenticate with SCRAM-SHA-512 over TLS (the CA and the
broker's certificate are made on first run under the state folder's ``secrets/``), the
StandardAuthorizer denies whatever no ACL allows, and there is no PLAINTEXT listener.
"""

from __future__ import annotations

import base64
import subprocess
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from aiokafka.admin import AIOKafkaAdminClient

from civic.bus.access import KafkaAccess
from civic.bus.admin import BusAdmin
from civic.bus.platform import provision
from civic.secrets import ensure_secrets, password_of
from devstack import procs
from devstack.jars import ensure_jars
from devstack.procs import DevstackError

if TYPE_CHECKING:
    from devstack.kafka_cluster import KafkaCluster

MAIN_CLASS = "kafka.Kafka"
SCRAM_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule"
TOPIC_ALREADY_EXISTS = 36
JVM_OPTS = (
    "-Xms256m",
    "-Xmx768m",
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:InitiatingHeapOccupancyPercent=35",
    "-XX:+ExplicitGCInvokesConcurrent",
    "-Djava.awt.headless=true",
    "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
    "-Dorg.slf4j.simpleLogger.showDateTime=true",
    "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSS",
    "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.common.config.AbstractConfig=warn",
    "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.clients=warn",
    "-Dorg.slf4j.simpleLogger.log.state.change.logger=warn",
)


@dataclass(frozen=True)
class ProxiedListener:
    """A second client listener that advertises a proxy's address (for partition tests):
    clients that bootstrap through the proxy keep talking through it."""

    port: int  # where the broker listens
    proxy_port: int  # what it advertises: the proxy, which forwards to ``port``


@dataclass(frozen=True)
class Quorum:
    """Where a node stands in its cluster: its id, every controller (``id@host:port``, comma
    joined) and the replication its topics get (1 alone; 3 with ``min.insync.replicas=2``)."""

    node_id: int = 1
    voters: str = ""
    replication: int = 1

    @property
    def min_insync(self) -> int:
        """Acknowledged by two of three replicas: one broker may fail without losing a write."""
        return 2 if self.replication >= 3 else 1


def _properties(
    port: int,
    controller_port: int,
    data_dir: Path,
    partitions: int,
    secrets: Path,
    proxied: ProxiedListener | None = None,
    quorum: Quorum = Quorum(),
) -> str:
    kafka = secrets / "kafka"
    admin, controller = password_of(secrets, "admin"), password_of(secrets, "controller")
    scram = SCRAM_MODULE
    plain = "org.apache.kafka.common.security.plain.PlainLoginModule"
    settings = {
        "process.roles": "broker,controller",
        "node.id": str(quorum.node_id),
        "controller.quorum.voters": quorum.voters or f"1@127.0.0.1:{controller_port}",
        # Clients and brokers: SCRAM over TLS only. The controller listens on loopback with
        # a static PLAIN user, so no unauthenticated process can reach it either.
        "listeners": f"CLIENT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port}",
        "advertised.listeners": f"CLIENT://127.0.0.1:{port}",
        "listener.security.protocol.map": "CLIENT:SASL_SSL,CONTROLLER:SASL_PLAINTEXT",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "CLIENT",
        "sasl.enabled.mechanisms": "SCRAM-SHA-512",
        "listener.name.client.sasl.enabled.mechanisms": "SCRAM-SHA-512",
        "listener.name.controller.sasl.enabled.mechanisms": "PLAIN",
        "sasl.mechanism.inter.broker.protocol": "SCRAM-SHA-512",
        "sasl.mechanism.controller.protocol": "PLAIN",
        "listener.name.client.scram-sha-512.sasl.jaas.config": (
            f'{scram} required username="admin" password="{admin}";'
        ),
        "listener.name.controller.plain.sasl.jaas.config": (
            f'{plain} required username="controller" password="{controller}" '
            f'user_controller="{controller}";'
        ),
        **_proxied_listener(proxied, port, controller_port, admin),
        "ssl.keystore.type": "PEM",
        "ssl.keystore.location": str(kafka / "broker.pem"),
        "ssl.truststore.type": "PEM",
        "ssl.truststore.location": str(kafka / "ca.crt"),
        "ssl.client.auth": "none",
        "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        "allow.everyone.if.no.acl.found": "false",
        "super.users": "User:admin;User:controller",
        "log.dirs": str(data_dir),
        "num.partitions": str(partitions),
        **_replication(quorum),
        # Fewer internal partitions: the first consumer group joins in well under a second.
        "offsets.topic.num.partitions": "10",
        "transaction.state.log.num.partitions": "10",
        "group.initial.rebalance.delay.ms": "0",
        # After a crash the old registration must expire before the broker may rejoin.
        "broker.session.timeout.ms": "3000",
        "broker.heartbeat.interval.ms": "500",
        "auto.create.topics.enable": "false",
        "delete.topic.enable": "true",
        "num.network.threads": "2",
        "num.io.threads": "4",
        "log.retention.hours": "168",
    }
    return "".join(f"{key}={value}\n" for key, value in settings.items())


def _replication(quorum: Quorum) -> dict[str, str]:
    factor, min_isr = str(quorum.replication), str(quorum.min_insync)
    return {
        "default.replication.factor": factor,
        "min.insync.replicas": min_isr,
        "offsets.topic.replication.factor": factor,
        "transaction.state.log.replication.factor": factor,
        "transaction.state.log.min.isr": min_isr,
        "share.coordinator.state.topic.replication.factor": factor,
        "share.coordinator.state.topic.min.isr": min_isr,
    }


def _proxied_listener(
    proxied: ProxiedListener | None, port: int, controller_port: int, admin: str
) -> dict[str, str]:
    if proxied is None:
        return {}
    jaas = f'{SCRAM_MODULE} required username="admin" password="{admin}";'
    return {
        "listeners": f"CLIENT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port},"
        f"PROXIED://127.0.0.1:{proxied.port}",
        "advertised.listeners": f"CLIENT://127.0.0.1:{port},"
        f"PROXIED://127.0.0.1:{proxied.proxy_port}",
        "listener.security.protocol.map": (
            "CLIENT:SASL_SSL,CONTROLLER:SASL_PLAINTEXT,PROXIED:SASL_SSL"
        ),
        "listener.name.proxied.sasl.enabled.mechanisms": "SCRAM-SHA-512",
        "listener.name.proxied.scram-sha-512.sasl.jaas.config": jaas,
    }


class KafkaServer:
    """One broker+controller process whose files live under ``state_dir``."""

    def __init__(
        self,
        state_dir: Path,
        port: int = 19092,
        controller_port: int = 19093,
        *,
        partitions: int = 6,
        libs_dir: Path | None = None,
        secrets_dir: Path | None = None,
        proxied: ProxiedListener | None = None,
        quorum: Quorum = Quorum(),
        cluster_id_file: Path | None = None,
    ) -> None:
        self.state_dir = Path(state_dir)
        self.proxied = proxied
        self.quorum = quorum
        #: The nodes of one cluster are formatted with one id (kept beside them).
        self._cluster_id_file = cluster_id_file or self.state_dir / "cluster.id"
        #: Where the CA, the broker's certificate and every principal's password live.
        self.secrets_dir = secrets_dir or self.state_dir / "secrets"
        self.port = port
        self.controller_port = controller_port
        self.partitions = partitions
        self.libs_dir = libs_dir
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        """host:port for clients."""
        return f"127.0.0.1:{self.port}"

    def access(self, principal: str = "admin") -> KafkaAccess:
        """How ``principal`` connects (SCRAM over TLS with the platform's CA)."""
        return access_of(self.bootstrap, self.secrets_dir, principal)

    @property
    def config_file(self) -> Path:
        """The generated server.properties."""
        return self.state_dir / "server.properties"

    @property
    def log_file(self) -> Path:
        """Broker stdout/stderr."""
        return self.state_dir / "server.log"

    @property
    def pid_file(self) -> Path:
        """Holds the JVM's pid while it runs."""
        return self.state_dir / "kafka.pid"

    @property
    def data_dir(self) -> Path:
        """log.dirs of the broker."""
        return self.state_dir / "data"

    def libs(self) -> Path:
        """The jar directory, fetched with Maven on first use."""
        if self.libs_dir is None:
            self.libs_dir = ensure_jars()
        return self.libs_dir

    def pid(self) -> int | None:
        """The broker's pid from the pid file."""
        return procs.read_pid(self.pid_file)

    def is_running(self) -> bool:
        """True when our broker process is alive and its listener accepts connections."""
        return procs.pid_alive(self.pid(), MAIN_CLASS) and procs.port_open(self.port)

    def _java(self, main_class: str, *args: str, jvm: tuple[str, ...] = ()) -> list[str]:
        return ["java", *jvm, "-cp", f"{self.libs()}/*", main_class, *args]

    def _cluster_id(self) -> str:
        id_file = self._cluster_id_file
        id_file.parent.mkdir(parents=True, exist_ok=True)
        if not id_file.exists():
            raw = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
            id_file.write_text(raw + "\n")
        return id_file.read_text().strip()

    def prepare(self) -> None:
        """Writes server.properties and formats the storage directory once."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        ensure_secrets(self.secrets_dir)
        props = _properties(
            self.port,
            self.controller_port,
            self.data_dir,
            self.partitions,
            self.secrets_dir,
            self.proxied,
            self.quorum,
        )
        self.config_file.touch(mode=0o600)  # it holds the admin and controller passwords
        self.config_file.write_text(props)
        if (self.data_dir / "meta.properties").exists():
            return
        admin = password_of(self.secrets_dir, "admin")
        cmd = self._java(
            "kafka.tools.StorageTool",
            "format",
            "--ignore-formatted",
            # One argument, "=" joined: a base64url id may begin with "-", which the tool's
            # parser would read as the next option (one start in 32 failed that way).
            f"--cluster-id={self._cluster_id()}",
            "-c",
            str(self.config_file),
            # The super user exists from the first start; the others are made by provisioning.
            f"--add-scram=SCRAM-SHA-512=[name=admin,password={admin}]",
            jvm=("-Xmx256m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"),
        )
        procs.run_checked(cmd, what="kafka storage format", timeout=120)

    def start(self) -> None:
        """Starts the broker detached unless it already runs; does not wait for readiness."""
        if procs.pid_alive(self.pid(), MAIN_CLASS):
            return  # ours, serving or still starting
        for port in (self.port, self.controller_port):
            if procs.port_open(port):
                raise DevstackError(f"port {port} is taken by another process; pick other ports")
        self.prepare()
        cmd = self._java(MAIN_CLASS, str(self.config_file), jvm=JVM_OPTS)
        self._proc = procs.spawn(
            cmd, log_file=self.log_file, pid_file=self.pid_file, cwd=self.state_dir
        )

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Blocks until the broker answers metadata requests, or raises with the log tail."""
        deadline = time.monotonic() + timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if not procs.running(self._proc, self.pid(), MAIN_CLASS):
                raise DevstackError(f"kafka exited during start:\n{procs.tail(self.log_file)}")
            if procs.port_open(self.port):
                try:
                    procs.run_coro(lambda: probe(self.access()))
                    return
                except Exception as exc:  # not ready yet; aiokafka raises several types
                    last_error = exc
            time.sleep(0.2)
        raise DevstackError(
            f"kafka not ready after {timeout:.0f}s ({last_error!r}):\n{procs.tail(self.log_file)}"
        )

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM (controlled shutdown), SIGKILL after ``timeout``."""
        pid = self.pid()
        if procs.pid_alive(pid, MAIN_CLASS):
            assert pid is not None
            procs.terminate(pid, timeout, self._proc)
            procs.wait_ports_closed([self.port, self.controller_port])
        self.pid_file.unlink(missing_ok=True)
        self._proc = None

    def kill_hard(self) -> None:
        """SIGKILL the broker, as a crash would (for fault tests)."""
        pid = self.pid()
        if procs.pid_alive(pid, MAIN_CLASS):
            assert pid is not None
            procs.kill_hard(pid, self._proc)
            procs.wait_ports_closed([self.port, self.controller_port])
        self.pid_file.unlink(missing_ok=True)
        self._proc = None

    def restart(self, timeout: float = 60.0) -> None:
        """Stops (gracefully) and starts the broker again, waiting until it serves."""
        self.stop()
        self.start()
        self.wait_ready(timeout)


def access_of(bootstrap: str, secrets_dir: Path, principal: str) -> KafkaAccess:
    """How ``principal`` connects to ``bootstrap`` with its password and the CA in the secrets."""
    return KafkaAccess(
        bootstrap,
        principal,
        password_of(secrets_dir, principal),
        secrets_dir / "kafka" / "ca.crt",
    )


async def probe(access: KafkaAccess) -> list[str]:
    """Describes the cluster and lists topics; raises when the broker does not answer."""
    admin = AIOKafkaAdminClient(**access.aiokafka(), request_timeout_ms=5000)
    await admin.start()
    try:
        await admin.describe_cluster()
        return await admin.list_topics()
    finally:
        await admin.close()


def provision_bus(server: KafkaServer | KafkaCluster) -> list[str]:
    """The platform's topics, principals and ACLs on ``server`` (idempotent), each topic
    replicated as the cluster's size allows."""
    admin = BusAdmin(server.access())
    return provision(
        admin,
        server.secrets_dir,
        partitions=server.partitions,
        replication=server.quorum.replication,
    )


def create_topics(access: KafkaAccess, names: Iterable[str], partitions: int = 6) -> list[str]:
    """Idempotently creates topics (for tests' own topics); returns the names it created."""
    return BusAdmin(access).ensure_topics(names, partitions=partitions, replication=1, config={})


def list_topics(access: KafkaAccess) -> list[str]:
    """The topic names ``access`` may see, sorted."""
    return BusAdmin(access).topics()
