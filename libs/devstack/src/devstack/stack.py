"""The whole local platform: Kafka, PostgreSQL, the span sink (or Jaeger), dev keys, the six
services and the staff console with its development sign-in."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from civic.bus.access import KafkaAccess
from civic.secrets import ensure_secrets
from devstack import procs, tokens
from devstack.balancer import Balancer
from devstack.children import ChildProcess
from devstack.jars import ensure_jars
from devstack.kafka import KafkaServer, ProxiedListener, provision_bus
from devstack.kafka_cluster import KafkaCluster
from devstack.monitoring import Monitoring
from devstack.ports import Ports
from devstack.postgres import PostgresServer
from devstack.services import (
    CONSOLE_PORT,
    SERVICES,
    SIGN_IN_PORT,
    ServiceProcess,
    ServiceWiring,
    WebProcess,
    console_env,
    ensure_console_secrets,
    resolve_names,
    service_env,
    sign_in_env,
    venv_python,
)
from devstack.status import describe
from devstack.tracing import Jaeger, Tracing


def _in_parallel(*jobs: Callable[[], object]) -> None:
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = [pool.submit(job) for job in jobs]
        for future in futures:
            future.result()


class Stack:
    """Starts, reuses and stops the local platform; all files live under ``state_dir``."""

    def __init__(
        self,
        state_dir: Path,
        *,
        base_port_offset: int = 0,
        ports: Ports | None = None,
        partitions: int = 6,
        repo_root: Path | None = None,
        kafka_libs: Path | None = None,
        proxied: ProxiedListener | None = None,
        tracing: Tracing = "sink",
    ) -> None:
        self.state_dir = Path(state_dir).resolve()
        self.ports = ports or Ports.offset(base_port_offset)
        self.partitions = partitions
        self.repo_root = repo_root or procs.find_repo_root()
        self._kafka_libs = kafka_libs
        #: Every secret of this stack (made on first start, never committed).
        self.secrets_dir = self.state_dir / "secrets"
        self.kafka = self._kafka(proxied)
        self.postgres = PostgresServer(
            self.state_dir / "postgres", self.ports.postgres, secrets_dir=self.secrets_dir
        )
        self.sink = self._sink_process()
        #: Jaeger takes the spans instead of the sink (`make up` once its binary is built).
        self.jaeger = Jaeger(self.state_dir, self.repo_root) if tracing == "jaeger" else None
        #: HAProxy in front of the instances, when services run more than one.
        self.balancer = (
            Balancer(self.state_dir, self.ports.balancer) if self.ports.instances else None
        )
        self._services: dict[str, list[ServiceProcess]] = {}
        #: The staff console's port and its development sign-in's (`make up` starts both).
        self.console_ports = (CONSOLE_PORT + base_port_offset, SIGN_IN_PORT + base_port_offset)

    def _kafka(self, proxied: ProxiedListener | None) -> KafkaServer | KafkaCluster:
        if len(self.ports.kafka_nodes) > 1:
            return KafkaCluster(
                self.state_dir / "kafka-cluster",
                self.ports.kafka_nodes,
                partitions=self.partitions,
                libs_dir=self._kafka_libs,
                secrets_dir=self.secrets_dir,
            )
        return KafkaServer(
            self.state_dir / "kafka",
            self.ports.kafka,
            self.ports.kafka_controller,
            partitions=self.partitions,
            libs_dir=self._kafka_libs,
            secrets_dir=self.secrets_dir,
            proxied=proxied,
        )

    def _sink_process(self) -> ChildProcess:
        port = str(self.ports.sink)
        cmd = [
            venv_python(self.repo_root),
            "-m",
            "devstack.otlp_sink",
            "--port",
            port,
            "--out",
            str(self.sink_file),
        ]
        return ChildProcess(
            "otlp-sink",
            cmd,
            port=self.ports.sink,
            run_dir=self.state_dir / "run",
            log_file=self.state_dir / "logs" / "otlp-sink.log",
            health_path="/healthz",
            marker=f"devstack.otlp_sink --port {port}",
            cwd=self.repo_root,
        )

    @property
    def kafka_bootstrap(self) -> str:
        """host:port of the broker (of every node, comma separated, for a cluster)."""
        return self.kafka.bootstrap

    def kafka_access(self, principal: str = "admin") -> KafkaAccess:
        """How ``principal`` connects to the stack's broker (``admin`` is the super user)."""
        return self.kafka.access(principal)

    @property
    def sink_file(self) -> Path:
        """The JSON-lines file the OTLP sink writes spans to."""
        return self.state_dir / "spans.jsonl"

    @property
    def otlp_endpoint(self) -> str:
        """OTEL_EXPORTER_OTLP_ENDPOINT for the services: Jaeger's receiver, or the sink."""
        return self.jaeger.otlp_endpoint if self.jaeger else f"http://127.0.0.1:{self.ports.sink}"

    @property
    def public_key_file(self) -> Path:
        """The dev token issuer's public key (AUTH_PUBLIC_KEY_FILE)."""
        return tokens.public_key_path(self.secrets_dir)

    def database_url(self, service: str) -> str:
        """postgresql+asyncpg URL of a service's own database."""
        return self.postgres.url(service)

    def service_url(self, name: str) -> str:
        """http://127.0.0.1:<port> of a service."""
        return f"http://127.0.0.1:{self.ports.services[name]}"

    def mint(self, **claims: Any) -> str:
        """A dev JWT accepted by the services (see ``tokens.mint`` for the claims)."""
        return tokens.mint(self.secrets_dir, **claims)

    def _start_kafka(self, timeout: float) -> None:
        self.kafka.start()
        self.kafka.wait_ready(timeout)

    def _start_postgres(self, timeout: float) -> None:
        self.postgres.start(timeout)
        self.postgres.wait_ready(timeout)
        for name in SERVICES:
            self.postgres.create_service_database(name)

    def _start_tracing(self, timeout: float) -> None:
        if self.jaeger is not None:
            self.jaeger.start(timeout)
            return
        self.sink.start()
        self.sink.wait_ready(timeout)

    def start_infra(self, timeout: float = 120.0) -> None:
        """Kafka, PostgreSQL (+ six databases), topics, keys and the sink or Jaeger; reuses
        running ones."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        if self._kafka_libs is None:
            self._kafka_libs = ensure_jars(repo_root=self.repo_root)
            self.kafka.libs_dir = self._kafka_libs
        ensure_secrets(self.secrets_dir)
        _in_parallel(
            lambda: self._start_kafka(timeout),
            lambda: self._start_postgres(timeout),
            lambda: self._start_tracing(timeout),
        )
        provision_bus(self.kafka)

    def service(self, name: str, extra_env: Mapping[str, str] | None = None) -> ServiceProcess:
        """The process handle of one service (its first instance; created on first use)."""
        return self.instances(name, extra_env)[0]

    def instances(
        self, name: str, extra_env: Mapping[str, str] | None = None
    ) -> list[ServiceProcess]:
        """Every instance of one service (they share its database and consumer groups)."""
        if name not in self._services or extra_env is not None:
            wiring = ServiceWiring(
                kafka_bootstrap=self.kafka_bootstrap,
                database_url_template=self.postgres.service_url("{db}"),
                secrets_dir=self.secrets_dir,
                otlp_endpoint=self.otlp_endpoint,
                kafka_replication=self.kafka.quorum.replication,
            )
            ports = self.ports.instances.get(name) or (self.ports.services[name],)
            self._services[name] = [
                ServiceProcess(
                    name,
                    repo_root=self.repo_root,
                    # The first keeps the single-instance paths; the others get their own.
                    state_dir=self.state_dir
                    if number == 1
                    else self.state_dir / f"{name}-{number}",
                    port=port,
                    env=service_env(name, port, wiring, extra_env),
                )
                for number, port in enumerate(ports, 1)
            ]
        return self._services[name]

    def second_instance(self, name: str, port: int, extra_env: Mapping[str, str]) -> ServiceProcess:
        """Another process of service ``name`` on ``port``, sharing its database and consumer
        groups (for tests of several instances)."""
        base = self.service(name)
        env = {**(base.env or {}), "HTTP_PORT": str(port), **extra_env}
        return ServiceProcess(
            name,
            repo_root=self.repo_root,
            state_dir=self.state_dir / f"{name}-{port}",
            port=port,
            env=env,
        )

    def start_services(
        self,
        names: Iterable[str] | None = None,
        extra_env: Mapping[str, str] | None = None,
        timeout: float = 90.0,
    ) -> list[str]:
        """Migrates and starts services (default all six), waiting for each /readyz."""
        chosen = [self.service(n, extra_env) for n in resolve_names(names)]
        for svc in chosen:
            svc.check_built()  # fail before anything starts
        with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
            list(pool.map(lambda svc: svc.migrate(), chosen))
        every = [instance for svc in chosen for instance in self.instances(svc.name)]
        try:
            for instance in every:
                instance.start()
            for instance in every:
                instance.wait_ready(timeout)
            self._start_balancer(timeout)
        except BaseException:
            # Leave nothing half-started behind (a failed fixture gets no teardown).
            self.stop_services(svc.name for svc in chosen)
            raise
        return [svc.name for svc in chosen]

    def _start_balancer(self, timeout: float) -> None:
        if self.balancer is None or self.balancer.is_running():
            return
        self.balancer.configure(self.ports.services, self.ports.instances)
        self.balancer.start()
        self.balancer.wait_ready(timeout)

    def stop_services(self, names: Iterable[str] | None = None) -> None:
        """SIGTERM (then SIGKILL) every instance of the given services, default all."""
        every = [instance for name in resolve_names(names) for instance in self.instances(name)]
        with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
            list(pool.map(lambda instance: instance.stop(), every))

    def monitoring(self) -> Monitoring:
        """Prometheus and Alertmanager for this stack (`make up` starts them)."""
        ports = (self.ports.prometheus, self.ports.alertmanager)
        return Monitoring(self.state_dir, self.repo_root, ports)

    def start_monitoring(self, timeout: float = 60.0) -> None:
        """Starts Prometheus (scraping every instance, with the alert rules) and Alertmanager."""
        instances = {name: [i.port for i in self.instances(name)] for name in SERVICES}
        self.monitoring().start(instances, timeout)

    def console(self) -> tuple[WebProcess, WebProcess]:
        """The staff console and the development sign-in it uses (local only)."""
        console, sign_in = self.console_ports
        urls = {name: self.service_url(name) for name in SERVICES}
        env = console_env(console, f"http://127.0.0.1:{sign_in}", urls, self.secrets_dir)
        where = {"repo_root": self.repo_root, "state_dir": self.state_dir}
        return (
            WebProcess("console", "console.main:create_app", port=console, env=env, **where),
            WebProcess(
                "dev-sign-in",
                "devstack.services:dev_sign_in_app",
                port=sign_in,
                env=sign_in_env(sign_in, console, self.secrets_dir),
                **where,
            ),
        )

    def start_console(self, timeout: float = 60.0) -> None:
        """Starts the development sign-in, then the console; waits until each answers."""
        ensure_console_secrets(self.secrets_dir)
        for process in reversed(self.console()):
            process.start()
            process.wait_ready(timeout)

    def stop(self) -> None:
        """Stops the console, monitoring, the balancer, services, the sink (or Jaeger), Kafka
        and PostgreSQL."""
        for process in self.console():
            process.stop()
        if (self.state_dir / "monitoring").exists():
            self.monitoring().stop()
        if self.balancer is not None:
            self.balancer.stop()
        self.stop_services()
        jaeger = [self.jaeger.stop] if self.jaeger is not None else []
        _in_parallel(self.sink.stop, *jaeger, self.kafka.stop, self.postgres.stop)

    def status(self) -> dict[str, Any]:
        """Running state and addresses of every component (``devstack.status``)."""
        return describe(self)
