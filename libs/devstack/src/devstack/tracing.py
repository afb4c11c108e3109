"""Jaeger (the v2 all-in-one binary, in-memory storage) beside the local stack, so `make up`
users search traces in the same UI compose users do (http://127.0.0.1:16686).

scripts/ensure-jaeger.sh builds the binary into ``.state/tools/bin/jaeger``; without it the
stack keeps the project's own span sink (devstack/otlp_sink.py), which the test suites read.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any, Literal

import httpx
import yaml

from devstack import procs
from devstack.children import ChildProcess
from devstack.procs import DevstackError

Tracing = Literal["jaeger", "sink"]
TRACING_CHOICES: tuple[Tracing, ...] = ("jaeger", "sink")
JAEGER_VERSION = "v1.75.0"
# Loopback only, whatever Jaeger's defaults say (its query server listens on every interface).
HOST = "127.0.0.1"


@dataclasses.dataclass(frozen=True)
class JaegerPorts:
    """Jaeger's listening ports: compose's, so links and docs work for both."""

    otlp_http: int = 4318
    query_http: int = 16686
    query_grpc: int = 16685


def jaeger_binary(repo_root: Path) -> Path:
    """Where scripts/ensure-jaeger.sh puts the binary."""
    return repo_root / ".state" / "tools" / "bin" / "jaeger"


def jaeger_config(ports: JaegerPorts) -> dict[str, Any]:
    """Jaeger's collector configuration: OTLP/HTTP in, memory storage, query API and UI."""
    return {
        "service": {
            "extensions": ["jaeger_storage", "jaeger_query"],
            "pipelines": {
                "traces": {
                    "receivers": ["otlp"],
                    "processors": ["batch"],
                    "exporters": ["jaeger_storage_exporter"],
                }
            },
            # No self-metrics: they would open another port (8888) nobody scrapes here.
            "telemetry": {"metrics": {"level": "none"}, "logs": {"level": "info"}},
        },
        "extensions": {
            "jaeger_storage": {"backends": {"memstore": {"memory": {"max_traces": 100000}}}},
            "jaeger_query": {
                "storage": {"traces": "memstore"},
                "http": {"endpoint": f"{HOST}:{ports.query_http}"},
                "grpc": {"endpoint": f"{HOST}:{ports.query_grpc}"},
                # Jaeger would otherwise trace its own queries into a collector we do not run.
                "enable_tracing": False,
            },
        },
        "receivers": {"otlp": {"protocols": {"http": {"endpoint": f"{HOST}:{ports.otlp_http}"}}}},
        "processors": {"batch": {}},
        "exporters": {"jaeger_storage_exporter": {"trace_storage": "memstore"}},
    }


class Jaeger:
    """The Jaeger process, its configuration under ``state_dir/jaeger``."""

    def __init__(self, state_dir: Path, repo_root: Path, ports: JaegerPorts | None = None) -> None:
        self.ports = ports or JaegerPorts()
        self.binary = jaeger_binary(repo_root)
        self.config_file = state_dir / "jaeger" / "config.yaml"
        self.process = ChildProcess(
            "jaeger",
            [str(self.binary), "--config", str(self.config_file)],
            port=self.ports.query_http,
            run_dir=state_dir / "run",
            log_file=state_dir / "logs" / "jaeger.log",
            health_path="/api/services",
            marker=str(self.config_file),
        )

    @property
    def otlp_endpoint(self) -> str:
        """OTEL_EXPORTER_OTLP_ENDPOINT for the services."""
        return f"http://{HOST}:{self.ports.otlp_http}"

    @property
    def ui_url(self) -> str:
        """Jaeger's UI (and HTTP API) base URL."""
        return f"http://{HOST}:{self.ports.query_http}"

    def start(self, timeout: float = 60.0) -> None:
        """Writes the configuration, starts Jaeger and waits for its query API and receiver."""
        if not self.binary.exists():
            raise DevstackError(f"{self.binary} is missing: run scripts/ensure-jaeger.sh")
        self.config_file.parent.mkdir(parents=True, exist_ok=True)
        config = jaeger_config(self.ports)
        self.config_file.write_text(yaml.safe_dump(config, sort_keys=False))
        self.process.start()
        deadline = time.monotonic() + timeout
        self.process.wait_ready(timeout)
        # Receivers start after extensions: a ready query API does not mean spans are taken.
        while not procs.port_open(self.ports.otlp_http):
            if time.monotonic() > deadline or not self.process.alive():
                raise DevstackError(
                    f"jaeger's OTLP receiver did not open port {self.ports.otlp_http}:\n"
                    f"{procs.tail(self.process.log_file)}"
                )
            time.sleep(0.1)

    def stop(self) -> None:
        """Stops Jaeger (its traces live in memory and are gone)."""
        self.process.stop()

    def is_running(self) -> bool:
        """True while Jaeger lives and its query port answers."""
        return self.process.is_running()

    def fetch_trace(self, trace_id: str) -> dict[str, Any]:
        """Jaeger's JSON for one trace from its HTTP API (``data`` is empty when unknown)."""
        url = f"{self.ui_url}/api/traces/{trace_id.lower()}"
        try:
            response = httpx.get(url, timeout=10.0)
        except httpx.HTTPError as exc:
            raise DevstackError(f"jaeger not reachable at {self.ui_url}: {exc!r}") from exc
        if response.status_code == 404:
            return {"data": []}
        if response.status_code != 200:
            raise DevstackError(f"jaeger answered {response.status_code}: {response.text[:200]}")
        payload: dict[str, Any] = response.json()
        return payload

    def status(self) -> dict[str, Any]:
        """Running state and addresses (for ``devstack status``)."""
        return {
            "running": self.is_running(),
            "ui": self.ui_url,
            "otlp_endpoint": self.otlp_endpoint,
            "pid": self.process.pid(),
        }
