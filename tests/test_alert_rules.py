"""The Prometheus alert rules and scrape configuration under deploy/prometheus are valid,
each alert fires in its unit test, and each one links a runbook section that exists.

promtool (Debian's ``prometheus`` package, ``scripts/ensure-prometheus.sh``) does the
checking; without it these tests fail, never skip: unchecked rules are how an alert that
can never fire reaches production.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from civic.bus.grants import SERVICES
from civic.metrics import ServiceMetrics

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[1]
PROMETHEUS = ROOT / "deploy" / "prometheus"
RUNBOOK = ROOT / "docs" / "operations.md"
RULE_TESTS = sorted((PROMETHEUS / "tests").glob("*.yml"))
SEVERITIES = {"warning", "critical"}
SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_sum", "_count", "_created"),
    "gauge": ("",),
}


def promtool(*args: str) -> str:
    """Runs promtool in deploy/prometheus; fails the test with its output if it refuses."""
    tool = shutil.which("promtool")
    if tool is None:
        pytest.fail("promtool is missing: run scripts/ensure-prometheus.sh (or make bootstrap)")
    done = subprocess.run(
        [tool, *args], cwd=PROMETHEUS, capture_output=True, text=True, timeout=120
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"promtool {' '.join(args)} failed:\n{output}"
    return output


def alert_rules() -> list[dict[str, Any]]:
    """Every alerting rule of alerts.yml."""
    groups = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())["groups"]
    return [rule for group in groups for rule in group["rules"] if "alert" in rule]


def heading_anchors(markdown: str) -> set[str]:
    """The anchors GitHub gives the headings of a Markdown page."""
    headings = re.findall(r"^#+\s+(.+?)\s*$", markdown, flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}


def test_promtool_accepts_the_rules() -> None:
    assert "SUCCESS" in promtool("check", "rules", "alerts.yml")


def test_promtool_accepts_the_scrape_configuration() -> None:
    assert "SUCCESS" in promtool("check", "config", "prometheus.yml")


def test_the_rules_unit_tests_pass() -> None:
    assert RULE_TESTS, "no rule tests in deploy/prometheus/tests"
    promtool("test", "rules", *(str(p.relative_to(PROMETHEUS)) for p in RULE_TESTS))


def test_every_alert_is_shown_to_fire_in_a_unit_test() -> None:
    firing = set()
    for path in RULE_TESTS:
        for case in yaml.safe_load(path.read_text())["tests"]:
            for check in case.get("alert_rule_test", []):
                if check.get("exp_alerts"):
                    firing.add(check["alertname"])
    assert {rule["alert"] for rule in alert_rules()} <= firing


def test_every_alert_has_a_severity_a_bilingual_summary_and_a_runbook() -> None:
    anchors = heading_anchors(RUNBOOK.read_text())
    for rule in alert_rules():
        name, notes = rule["alert"], rule["annotations"]
        assert rule["labels"]["severity"] in SEVERITIES, name
        chinese, _, english = notes["summary"].rpartition(" / ")
        assert re.search(r"[\u4e00-\u9fff]", chinese), f"{name}: summary starts in Chinese"
        assert re.fullmatch(r"[\x20-\x7e]+", english), f"{name}: then English after ' / '"
        page, _, anchor = notes["runbook_url"].partition("#")
        assert page == "docs/operations.md", name
        assert anchor in anchors, f"{name}: no heading for #{anchor} in docs/operations.md"


def test_prometheus_scrapes_every_instance_of_the_six_services_where_compose_runs_them() -> None:
    config = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text())
    (job,) = [j for j in config["scrape_configs"] if j["job_name"] == "civic"]
    (lookup,) = job["dns_sd_configs"]  # every instance of a scaled service, not the first
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert set(lookup["names"]) == set(SERVICES) and lookup["type"] == "A"
    for service in lookup["names"]:
        assert compose[service]["environment"]["HTTP_PORT"] == str(lookup["port"])
    (relabel,) = job["relabel_configs"]
    assert (relabel["source_labels"], relabel["target_label"]) == (["__meta_dns_name"], "service")


def test_every_metric_a_rule_names_is_exported() -> None:
    families = list(ServiceMetrics().registry.collect())
    known = {f.name + suffix for f in families for suffix in SUFFIXES[f.type]} | {"up"}
    for rule in alert_rules():
        selected = set(re.findall(r"([a-zA-Z_:][\w:]*)\s*\{", rule["expr"]))
        named = set(re.findall(r"\bcivic_\w+", rule["expr"]))
        assert selected | named <= known, f"{rule['alert']}: {(selected | named) - known}"
