"""Prometheus and Alertmanager beside the local stack (Debian's packages), with the same alert
rules compose runs (deploy/prometheus/alerts.yml): `make up` users see the alerts county IT
would, at http://127.0.0.1:9090/alerts. Grafana is not packaged here; compose runs it.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml

from devstack.children import ChildProcess
from devstack.procs import DevstackError


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise DevstackError(
            f"{name} is missing: run scripts/ensure-prometheus.sh (or make bootstrap)"
        )
    return found


def scrape_config(
    instances: Mapping[str, Sequence[int]], rules: Path, alertmanager_port: int
) -> dict[str, object]:
    """Prometheus's configuration: every instance of every service, labelled by service."""
    return {
        "global": {"scrape_interval": "15s", "evaluation_interval": "15s"},
        "rule_files": [str(rules)],
        "alerting": {
            "alertmanagers": [{"static_configs": [{"targets": [f"127.0.0.1:{alertmanager_port}"]}]}]
        },
        "scrape_configs": [
            {
                "job_name": "civic",
                "metrics_path": "/metrics",
                "static_configs": [
                    {
                        "targets": [f"127.0.0.1:{port}" for port in ports],
                        "labels": {"service": name},
                    }
                    for name, ports in instances.items()
                ],
            }
        ],
    }


class Monitoring:
    """The two processes, their files under ``state_dir/monitoring``."""

    def __init__(self, state_dir: Path, repo_root: Path, ports: tuple[int, int]) -> None:
        self.folder = state_dir / "monitoring"
        self.repo_root = repo_root
        prometheus_port, alertmanager_port = ports
        self.prometheus = ChildProcess(
            "prometheus",
            [
                _program("prometheus"),
                f"--config.file={self.folder / 'prometheus.yml'}",
                f"--storage.tsdb.path={self.folder / 'prometheus-data'}",
                f"--web.listen-address=127.0.0.1:{prometheus_port}",
            ],
            port=prometheus_port,
            run_dir=state_dir / "run",
            log_file=state_dir / "logs" / "prometheus.log",
            health_path="/-/ready",
            marker=str(self.folder / "prometheus.yml"),
        )
        self.alertmanager = ChildProcess(
            "alertmanager",
            [
                _program("prometheus-alertmanager"),
                f"--config.file={repo_root / 'deploy/prometheus/alertmanager.yml'}",
                f"--storage.path={self.folder / 'alertmanager-data'}",
                f"--web.listen-address=127.0.0.1:{alertmanager_port}",
                "--cluster.listen-address=",  # one Alertmanager: no gossip port
            ],
            port=alertmanager_port,
            run_dir=state_dir / "run",
            log_file=state_dir / "logs" / "alertmanager.log",
            health_path="/-/ready",
            marker=str(self.folder / "alertmanager-data"),
        )

    def start(self, instances: Mapping[str, Sequence[int]], timeout: float = 60.0) -> None:
        """Writes Prometheus's configuration for these instances and starts both."""
        self.folder.mkdir(parents=True, exist_ok=True)
        rules = self.repo_root / "deploy/prometheus/alerts.yml"
        config = scrape_config(instances, rules, self.alertmanager.port)
        (self.folder / "prometheus.yml").write_text(yaml.safe_dump(config, sort_keys=False))
        for process in (self.alertmanager, self.prometheus):
            process.start()
        for process in (self.alertmanager, self.prometheus):
            process.wait_ready(timeout)

    def stop(self) -> None:
        """Stops both."""
        for process in (self.prometheus, self.alertmanager):
            process.stop()
