"""The Kubernetes chart in deploy/kubernetes/ renders, is valid against the kept schemas
(strict: a misspelled field fails), and its Kafka topics and users are exactly the secured
bus of ``civic.bus`` — offline, with helm and kubeconform built by
``scripts/ensure-k8s-tools.sh``. A missing tool fails this module: it never skips."""

from __future__ import annotations

import importlib.util
import os
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from civic.bus.grants import Grant, Kind, Op
from contracts import topics

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "deploy" / "kubernetes"
CHART = K8S / "chart"
TOOLS = ROOT / ".state" / "tools" / "bin"
SCHEMAS = K8S / "schemas" / "{{ .ResourceKind }}{{ .KindSuffix }}.json"
SERVICES = ("intake", "survey", "review", "dispatch", "settlement", "archive")


def _tool(name: str) -> str:
    path = TOOLS / name
    if not os.access(path, os.X_OK):
        pytest.fail(f"{path} is missing: run scripts/ensure-k8s-tools.sh (make bootstrap)")
    return str(path)


def _run(args: list[str], env: dict[str, str], stdin: str | None = None) -> str:
    done = subprocess.run(
        args, input=stdin, capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert done.returncode == 0, f"{' '.join(args[:3])} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def helm_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """helm's own folders in a temporary place: the check leaves nothing in $HOME."""
    home = tmp_path_factory.mktemp("helm")
    dirs = {f"HELM_{k}_HOME": str(home / k.lower()) for k in ("CACHE", "CONFIG", "DATA")}
    return {**os.environ, **dirs}


@pytest.fixture(scope="module")
def rendered(helm_env: dict[str, str]) -> str:
    """The chart as ``helm template`` writes it, with the default (province) values."""
    args = [_tool("helm"), "template", "civic", str(CHART), "--namespace", "assistance"]
    return _run(args, helm_env)


@pytest.fixture(scope="module")
def documents(rendered: str) -> list[dict[str, Any]]:
    """The rendered objects."""
    return [d for d in yaml.safe_load_all(rendered) if d]


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_bus", K8S / "generate_bus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _of(documents: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in documents if d["kind"] == kind}


def test_chart_lints(helm_env: dict[str, str]) -> None:
    _run([_tool("helm"), "lint", "--strict", str(CHART)], helm_env)


def test_every_object_is_valid_against_the_kept_schemas(rendered: str) -> None:
    # Only the kept schemas: a kind without one fails (no download, no skip).
    args = [_tool("kubeconform"), "-strict", "-summary", "-schema-location", str(SCHEMAS), "-"]
    summary = _run(args, dict(os.environ), stdin=rendered)
    assert "Invalid: 0, Errors: 0, Skipped: 0" in summary, summary


def test_bus_templates_are_what_the_generator_writes_now() -> None:
    for path, text in _generator().rendered().items():
        assert path.read_text() == text, (
            f"{path.relative_to(ROOT)} drifted from civic.bus: "
            "run .venv/bin/python deploy/kubernetes/generate_bus.py"
        )


def _grants_of(user: dict[str, Any]) -> list[Grant]:
    name, rows = user["metadata"]["name"], []
    for acl in user["spec"]["authorization"]["acls"]:
        resource, kind = acl["resource"], Kind(acl["resource"]["type"].upper())
        target = resource.get("name", "kafka-cluster")
        prefixed = resource.get("patternType") == "prefix"
        for operation in acl["operations"]:
            op = Op({"DescribeConfigs": "DESCRIBE_CONFIGS"}.get(operation, operation.upper()))
            rows.append(Grant(name, kind, target, op, prefixed))
    return rows


def test_kafka_users_carry_exactly_the_grants_of_civic_bus(documents: list[Any]) -> None:
    generator = _generator()
    users = _of(documents, "KafkaUser")
    assert sorted(users) == sorted(generator.principals())
    rendered = [g for user in users.values() for g in _grants_of(user)]
    assert len(rendered) == len(set(rendered)), "a grant appears twice"
    assert set(rendered) == set(generator.all_grants())
    for user in users.values():
        assert user["spec"]["authentication"] == {"type": "scram-sha-512"}


def test_kafka_topics_are_every_platform_topic_and_its_dead_letters(documents: list[Any]) -> None:
    by_name = {d["spec"]["topicName"]: d["spec"] for d in _of(documents, "KafkaTopic").values()}
    assert set(topics.all_with_dlq()) <= set(by_name)
    assert not {topics.RETIRED_ASSISTANCE_STATUS_V1} & set(by_name)
    for name in topics.PLATFORM_TOPICS:
        assert by_name[name]["replicas"] == 3
        assert by_name[name]["config"]["min.insync.replicas"] == "2"
        assert by_name[topics.dlq(name)]["config"]["retention.ms"] == "-1"


def test_kafka_is_three_kraft_nodes_without_plaintext(documents: list[Any]) -> None:
    (kafka,) = _of(documents, "Kafka").values()
    (pool,) = _of(documents, "KafkaNodePool").values()
    assert pool["spec"]["replicas"] == 3
    assert set(pool["spec"]["roles"]) == {"broker", "controller"}
    for listener in kafka["spec"]["kafka"]["listeners"]:
        assert listener["tls"] is True
        assert listener["authentication"]["type"] in ("scram-sha-512", "tls")
    config = kafka["spec"]["kafka"]["config"]
    assert config["default.replication.factor"] == 3
    assert config["min.insync.replicas"] == 2


def test_each_service_reaches_only_its_database_kafka_and_dns(documents: list[Any]) -> None:
    policies = _of(documents, "NetworkPolicy")
    for service in SERVICES:
        spec = policies[service]["spec"]
        assert spec["policyTypes"] == ["Ingress", "Egress"]
        assert [p["port"] for rule in spec["ingress"] for p in rule["ports"]] == [8000]
        peers = [rule["to"][0] for rule in spec["egress"]]
        assert peers[0]["podSelector"]["matchLabels"] == {"cnpg.io/cluster": f"{service}-db"}
        assert peers[1]["podSelector"]["matchLabels"]["strimzi.io/cluster"] == "civic-bus"
        assert "namespaceSelector" in peers[2] and len(peers) == 3


def test_services_probe_liveness_and_readiness_and_hold_no_secret(documents: list[Any]) -> None:
    assert not _of(documents, "Secret"), "secrets are made on the cluster, never committed"
    deployments = _of(documents, "Deployment")
    assert sorted(deployments) == sorted((*SERVICES, "console"))
    for name, deployment in deployments.items():
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        # The console depends on nothing to serve (a service that is down shows on its page).
        ready = "/healthz" if name == "console" else "/readyz"
        assert container["readinessProbe"]["httpGet"]["path"] == ready
        env = {e["name"]: e.get("value") for e in container["env"]}
        assert env["ENVIRONMENT"] == "production"
        secret = ("PASSWORD", "SECRET", "KEY")
        assert not [
            k for k in env if any(s in k for s in secret) and not k.endswith(("_FILE", "_DIR"))
        ]
        assert container["resources"]["requests"] and container["resources"]["limits"]


def test_each_service_scales_on_its_consumer_lag(documents: list[Any]) -> None:
    for name, hpa in _of(documents, "HorizontalPodAutoscaler").items():
        external = hpa["spec"]["metrics"][0]["external"]
        assert external["metric"]["name"] == "civic_kafka_consumer_lag"
        assert external["metric"]["selector"]["matchLabels"] == {"group": name}
    databases = _of(documents, "Cluster")
    assert sorted(databases) == sorted(f"{s}-db" for s in SERVICES)
    for service in SERVICES:
        initdb = databases[f"{service}-db"]["spec"]["bootstrap"]["initdb"]
        assert (initdb["database"], initdb["owner"]) == (service, service)


def test_the_console_owns_no_data_and_reaches_only_the_services_the_issuer_and_dns(
    documents: list[Any],
) -> None:
    (container,) = _of(documents, "Deployment")["console"]["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert not [k for k in env if k.startswith(("DATABASE_", "KAFKA_"))]
    assert {s: env[f"{s.upper()}_URL"] for s in SERVICES} == {
        s: f"http://{s}:8000" for s in SERVICES
    }
    assert env["OIDC_ISSUER"].startswith("https://")
    assert env["OIDC_REDIRECT_URL"].startswith("https://")
    assert "console" not in _of(documents, "KafkaUser")
    assert "console-db" not in _of(documents, "Cluster")
    spec = _of(documents, "NetworkPolicy")["console"]["spec"]
    ports = [[p["port"] for p in rule["ports"]] for rule in spec["egress"]]
    assert ports == [[8000], [443], [53, 53]]
    services = spec["egress"][0]["to"][0]["podSelector"]["matchLabels"]
    assert services["app.kubernetes.io/component"] == "service"
    assert "console" in _of(documents, "Service") and "console" in _of(
        documents, "PodDisruptionBudget"
    )
