"""The Grafana files under deploy/grafana hold together: the provisioning YAML has the shape
Grafana reads, each dashboard's panels query the provisioned data source, every PromQL
expression parses (promtool, as recording rules) and names only metrics the services export.

Grafana itself is not installed here, so this cannot prove that Grafana renders a panel as
meant; docs/operations.md says what is and is not checked.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client.metrics_core import Metric

from civic.bus.grants import SERVICES
from civic.metrics import ServiceMetrics

pytestmark = pytest.mark.unit
GRAFANA = Path(__file__).resolve().parents[1] / "deploy" / "grafana"
PROVISIONING = GRAFANA / "provisioning"
DASHBOARDS = sorted((GRAFANA / "dashboards").glob("*.json"))
#: Where docker-compose mounts deploy/grafana/dashboards (see docs/operations.md).
MOUNTED_AT = "/var/lib/grafana/dashboards"
#: Series Prometheus itself adds to every scrape.
PROMETHEUS_SERIES = {"up"}
SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_sum", "_count", "_created"),
    "gauge": ("",),
}


def load_yaml(folder: str) -> list[dict[str, Any]]:
    """Every provisioning file of one kind (datasources, dashboards)."""
    files = sorted((PROVISIONING / folder).glob("*.yml"))
    assert files, f"no provisioning files in {folder}"
    return [yaml.safe_load(f.read_text()) for f in files]


def dashboards() -> dict[str, dict[str, Any]]:
    """File name -> dashboard."""
    return {p.name: json.loads(p.read_text()) for p in DASHBOARDS}


def expressions() -> dict[str, str]:
    """Every PromQL expression of every panel, by ``<dashboard>:panel_<id>_<refId>``."""
    return {
        f"{board['uid'].replace('-', '_')}:panel_{panel['id']}_{target['refId']}": target["expr"]
        for board in dashboards().values()
        for panel in board["panels"]
        for target in panel["targets"]
    }


def exported_series() -> set[str]:
    """The series names the services' registry can expose (civic/metrics.py)."""
    families: list[Metric] = list(ServiceMetrics().registry.collect())
    return {f.name + suffix for f in families for suffix in SUFFIXES[f.type]}


def test_the_data_source_is_prometheus_with_a_fixed_uid() -> None:
    (config,) = load_yaml("datasources")
    assert config["apiVersion"] == 1
    (source,) = config["datasources"]
    assert (source["type"], source["uid"], source["access"]) == (
        "prometheus",
        "prometheus",
        "proxy",
    )
    assert source["url"] == "http://prometheus:9090"


def test_dashboards_are_provisioned_from_the_mounted_folder() -> None:
    (config,) = load_yaml("dashboards")
    assert config["apiVersion"] == 1
    (provider,) = config["providers"]
    assert provider["type"] == "file" and provider["name"]
    assert provider["options"]["path"] == MOUNTED_AT


def test_one_dashboard_per_service_and_one_for_the_stop_aid_path() -> None:
    uids = [board["uid"] for board in dashboards().values()]
    assert len(uids) == len(set(uids)), "dashboard uids must be unique"
    assert set(uids) == {f"civic-{s}" for s in SERVICES} | {"civic-stop-aid-path"}
    for name, board in dashboards().items():
        if board["uid"] != "civic-stop-aid-path":
            service = board["uid"].removeprefix("civic-")
            exprs = [t["expr"] for p in board["panels"] for t in p["targets"]]
            assert all(f'service="{service}"' in e for e in exprs), name


def test_every_panel_queries_the_provisioned_source() -> None:
    (source,) = load_yaml("datasources")[0]["datasources"]
    for name, board in dashboards().items():
        assert isinstance(board["schemaVersion"], int) and board["schemaVersion"] >= 36, name
        assert board["title"] and board["panels"], name
        ids = [panel["id"] for panel in board["panels"]]
        assert len(ids) == len(set(ids)), f"{name}: panel ids must be unique"
        for panel in board["panels"]:
            where = f"{name}: {panel['title']}"
            assert panel["datasource"]["uid"] == source["uid"], where
            assert panel["targets"], where
            refs = [t["refId"] for t in panel["targets"]]
            assert len(refs) == len(set(refs)), where
            for target in panel["targets"]:
                assert target["datasource"]["uid"] == source["uid"], where
                assert target["expr"].strip(), where


def test_every_expression_parses(tmp_path: Path) -> None:
    tool = shutil.which("promtool")
    if tool is None:
        pytest.fail("promtool is missing: run scripts/ensure-prometheus.sh (or make bootstrap)")
    # promtool parses PromQL only inside rules: each expression becomes a recording rule.
    # Each is named after its dashboard and panel, which promtool's error then names.
    rules = [{"record": where, "expr": expr} for where, expr in expressions().items()]
    path = tmp_path / "dashboard-expressions.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}))
    done = subprocess.run(
        [tool, "check", "rules", str(path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_metric_a_panel_names_is_exported() -> None:
    known = exported_series() | PROMETHEUS_SERIES
    for expr in expressions().values():
        selected = set(re.findall(r"([a-zA-Z_:][\w:]*)\s*\{", expr))
        named = set(re.findall(r"\bcivic_\w+", expr))
        assert selected | named <= known, f"unknown metric in {expr}: {(selected | named) - known}"
