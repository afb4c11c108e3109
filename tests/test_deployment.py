"""docker-compose.yml cannot run here (no Docker engine), so it is checked against the code: the
settings each service reads, the launcher's broker security, and who may read which secret."""

from __future__ import annotations

import importlib
import os
import re
import stat
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from fastapi.testclient import TestClient
from pydantic import ValidationError

from civic.secrets import KAFKA_PRINCIPALS, ensure_secrets, password_of
from civic.settings import ServiceSettings
from console.settings import Settings as ConsoleSettings
from devstack.kafka import _properties as launcher_broker_properties
from devstack.oidc_issuer import RefusedEnvironment
from devstack.services import (
    SERVICES,
    ServiceWiring,
    console_env,
    dev_sign_in_app,
    ensure_console_secrets,
    service_env,
)

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[1]
SECRETS = Path("/secrets")
#: Published on loopback unless the operator sets BIND_ADDRESS; tools without a login
#: (Jaeger, Prometheus, Alertmanager, Grafana's login page) always on loopback.
OPT_IN_LOOPBACK = re.compile(r"^\$\{BIND_ADDRESS:-127\.0\.0\.1\}:\d+:\d+$")
LOOPBACK_ONLY = {"jaeger", "prometheus", "alertmanager", "grafana"}
#: The development sign-in's port, published by the console whose network it shares: anyone
#: who reaches it signs in as anybody, so it stays on loopback whatever BIND_ADDRESS says.
SIGN_IN_PORT = "127.0.0.1:8090:8090"
KAFKA_NODES = ("kafka-1", "kafka-2", "kafka-3")
BOOTSTRAP = "kafka-1:9093,kafka-2:9093,kafka-3:9093"
LOOPBACK = re.compile(r"^127\.0\.0\.1:\d+:\d+$")
DEFAULTED = re.compile(r"\$\{(\w+):-([^}]*)\}")
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|KEY", re.IGNORECASE)
#: Certificates and public keys: any container may read them.
PUBLIC = {"kafka/ca.crt", "auth/public.pem", "city/signing.pub.pem", "intake/inbound.pub.pem"}


@pytest.fixture(scope="module")
def compose_text() -> str:
    return (ROOT / "docker-compose.yml").read_text()


@pytest.fixture(scope="module")
def compose(compose_text: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(compose_text)
    return loaded


@pytest.fixture(scope="module")
def made_secrets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every secret, made as the compose job makes them."""
    return ensure_secrets(tmp_path_factory.mktemp("compose") / "secrets")


def interpolate(value: Any, env: Mapping[str, str] | None = None) -> str:
    """``${X:-default}`` as docker compose reads it with the environment ``env``."""
    given = env or {}
    return DEFAULTED.sub(lambda m: given.get(m.group(1)) or m.group(2), str(value))


def environment(compose: dict[str, Any], service: str, **env: str) -> dict[str, str]:
    raw = compose["services"][service].get("environment", {})
    return {k: interpolate(v, env) for k, v in raw.items()}


def settings_class(service: str) -> type[ServiceSettings]:
    module = importlib.import_module(f"{service}.settings")
    cls: type[ServiceSettings] = module.Settings
    return cls


def launcher_files(service: str) -> dict[str, str]:
    """The ``*_FILE`` settings the launcher gives ``service``, with secrets under /secrets."""
    wiring = ServiceWiring(BOOTSTRAP, "postgresql+asyncpg://{db}@postgres/{db}", SECRETS, "")
    env = service_env(service, SERVICES[service], wiring)
    return {k: v for k, v in env.items() if k.endswith("_FILE") and v.startswith("/secrets/")}


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_service_is_in_compose_with_the_settings_it_reads(
    compose: dict[str, Any], service: str
) -> None:
    spec = compose["services"][service]
    env = spec["environment"]
    fields = settings_class(service).model_fields
    unknown = [k for k in env if k.lower() not in fields and not k.startswith("OTEL_")]
    assert unknown == [], f"{service} sets variables its settings do not read: {unknown}"
    required = [n for n, f in fields.items() if f.is_required()]
    assert all(n.upper() in env for n in required), (service, required)
    assert env["SERVICE_NAME"] == service
    url = urlsplit(env["DATABASE_URL"])
    assert env["DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert (url.username, url.password, url.path) == (service, None, f"/{service}")
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == BOOTSTRAP
    # Instances publish nothing: the balancer holds the service's port for all of them.
    assert "ports" not in spec
    assert spec["deploy"]["replicas"] == "${INSTANCES:-1}"
    port = SERVICES[service]
    assert f"${{BIND_ADDRESS:-127.0.0.1}}:{port}:{port}" in compose["services"]["balancer"]["ports"]
    haproxy = (ROOT / "deploy/haproxy/haproxy.cfg").read_text()
    assert f"bind :{port}\n" in haproxy and f"{service}:8000 check" in haproxy


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_each_service_reads_its_own_secrets_from_the_volume_as_the_launcher_does(
    compose: dict[str, Any], service: str
) -> None:
    spec = compose["services"][service]
    env = environment(compose, service)
    assert env["KAFKA_USERNAME"] == service
    assert env["KAFKA_PASSWORD_FILE"] == f"/secrets/kafka/users/{service}.password"
    assert env["KAFKA_CA_FILE"] == "/secrets/kafka/ca.crt"
    assert env["DATABASE_PASSWORD_FILE"] == f"/secrets/db/{service}.password"
    assert env["AUTH_PUBLIC_KEY_FILE"] == "/secrets/auth/public.pem"
    # Whatever secret file the launcher hands a service (ID-number key, provisioner, city
    # key...), compose hands over too, at the same place in the secrets folder.
    files = launcher_files(service)
    assert {k: env.get(k) for k in files} == files
    assert "secrets:/secrets:ro" in spec["volumes"]
    assert spec["depends_on"]["secrets"]["condition"] == "service_completed_successfully"


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_compose_settings_pass_the_production_checks_once_the_issuer_is_real(
    compose: dict[str, Any], service: str, made_secrets: Path
) -> None:
    cls = settings_class(service)

    def build(env: dict[str, str]) -> ServiceSettings:
        here = {k: v.replace("/secrets", str(made_secrets)) for k, v in env.items()}
        return cls(**{k.lower(): v for k, v in here.items()})

    local = build(environment(compose, service))
    assert local.environment == "local"
    assert local.kafka_access().password == password_of(made_secrets, service)
    db_password = (made_secrets / "db" / f"{service}.password").read_text().strip()
    assert local.database_login() == (service, db_password)
    with pytest.raises(ValidationError, match="AUTH_ISSUER: the development token issuer"):
        build(environment(compose, service, ENVIRONMENT="production"))
    real = environment(compose, service, ENVIRONMENT="production", AUTH_ISSUER="https://id.example")
    assert build(real).environment == "production"  # no placeholder password or key left


def test_compose_has_no_plaintext_listener_and_no_default_secret(
    compose: dict[str, Any], compose_text: str
) -> None:
    script = (ROOT / "deploy/kafka/start.sh").read_text().splitlines()
    code = [ln for ln in script if not ln.lstrip().startswith("#")]  # comments may say it
    for text in (yaml.safe_dump(compose), "\n".join(code)):
        assert "PLAINTEXT" not in text.replace("SASL_PLAINTEXT", "")
    defaulted = dict(DEFAULTED.findall(compose_text))
    assert not [n for n in defaulted if SECRET_NAME.search(n)], defaulted
    assert ":-postgres}" not in compose_text and "ID_NUMBER_KEY:-" not in compose_text
    for name, spec in compose["services"].items():
        for key, value in spec.get("environment", {}).items():
            if SECRET_NAME.search(key):  # secrets travel as files, never as values
                assert key.endswith(("_FILE", "_DIR")), (name, key)
                assert str(value).startswith("/secrets"), (name, key)
            assert "@" not in str(value) or urlsplit(str(value)).password is None, (name, key)


def test_every_published_port_is_on_loopback_unless_the_operator_opts_in(
    compose: dict[str, Any],
) -> None:
    published = {
        name: spec["ports"] for name, spec in compose["services"].items() if "ports" in spec
    }
    assert set(published) == {*KAFKA_NODES, "balancer", "postgres", "console", *LOOPBACK_ONLY}
    assert published["console"] == ["${BIND_ADDRESS:-127.0.0.1}:8080:8000", SIGN_IN_PORT]
    published["console"] = published["console"][:1]
    for name, ports in published.items():
        pattern = LOOPBACK if name in LOOPBACK_ONLY else OPT_IN_LOOPBACK
        assert all(pattern.match(p) for p in ports), (name, ports)
        assert all(interpolate(p).startswith("127.0.0.1:") for p in ports)
        opted_in = [interpolate(p, {"BIND_ADDRESS": "0.0.0.0"}) for p in ports]
        assert all(p.startswith("0.0.0.0:") for p in opted_in) == (name not in LOOPBACK_ONLY)


def test_services_wait_for_healthy_infrastructure_and_report_readiness(
    compose: dict[str, Any],
) -> None:
    anchor, services = compose["x-service"], compose["services"]
    assert anchor["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert anchor["depends_on"]["kafka-init"]["condition"] == "service_completed_successfully"
    assert anchor["depends_on"]["secrets"]["condition"] == "service_completed_successfully"
    assert "/readyz" in " ".join(anchor["healthcheck"]["test"])
    for infra in (*KAFKA_NODES, "postgres", "kafka-init", "grafana"):
        assert services[infra]["depends_on"]["secrets"]["condition"] == (
            "service_completed_successfully"
        )
    for node in KAFKA_NODES:
        assert services["kafka-init"]["depends_on"][node]["condition"] == "service_healthy"
        assert services[node]["image"].startswith("apache/kafka:4")
    for name in SERVICES:
        assert services["balancer"]["depends_on"][name]["condition"] == "service_healthy"
    assert "pg_isready -h 127.0.0.1" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert services["jaeger"]["environment"]["COLLECTOR_OTLP_ENABLED"] == "true"


def test_kafka_init_provisions_the_bus_with_civic_bus(compose: dict[str, Any]) -> None:
    init, job = compose["services"]["kafka-init"], compose["services"]["secrets"]
    assert init["entrypoint"] == ["civic-bus", "provision"]
    env = environment(compose, "kafka-init")
    assert (env["KAFKA_BOOTSTRAP_SERVERS"], env["SECRETS_DIR"]) == (BOOTSTRAP, "/secrets")
    assert env["KAFKA_REPLICATION"] == "3"  # three nodes: every topic on all three
    assert environment(compose, "dispatch")["PROVIDER_TOPIC_REPLICATION"] == "3"
    # Both one-shot jobs run the project's own image, whose civic library has the tools.
    assert init["image"] == job["image"]
    dockerfile = (ROOT / job["build"]["dockerfile"]).read_text()
    assert "COPY libs/civic libs/civic" in dockerfile
    scripts = (ROOT / "libs/civic/pyproject.toml").read_text()
    assert 'civic-bus = "civic.bus.cli:main"' in scripts
    assert 'civic-secrets = "civic.secrets:cli"' in scripts
    assert not (ROOT / "deploy/kafka/create-topics.sh").exists()
    assert not (ROOT / "deploy/kafka/topics.txt").exists()


@pytest.mark.parametrize("node", KAFKA_NODES)
def test_kafka_starts_from_the_script_and_its_healthcheck_logs_in(
    compose: dict[str, Any], node: str
) -> None:
    kafka = compose["services"][node]
    assert kafka["entrypoint"] == ["bash", "/start.sh"]
    assert "./deploy/kafka/start.sh:/start.sh:ro" in kafka["volumes"]
    assert "secrets:/secrets:ro" in kafka["volumes"]
    assert f"{node}:/var/lib/kafka/data" in kafka["volumes"]  # each node its own storage
    assert kafka["tmpfs"] == ["/run/kafka"]  # the rendered passwords stay in memory
    check = " ".join(kafka["healthcheck"]["test"])
    assert f"--bootstrap-server {node}:9093" in check
    assert "--command-config /run/kafka/client.properties" in check
    env = environment(compose, node)
    assert (env["NODE_ID"], env["BROKER_HOST"], env["KAFKA_NODES"]) == (node[-1], node, "3")


def fake_tools(folder: Path, log: Path, **scripts: str) -> Path:
    """Commands that append their arguments (and stdin, for psql) to ``log``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, body in scripts.items():
        tool = folder / name
        tool.write_text(f'#!/bin/sh\necho "{name} $*" >>"{log}"\n{body}\n')
        tool.chmod(0o755)
    return folder


def start_broker(tmp: Path, secrets: Path, env: Mapping[str, str] | None = None) -> list[str]:
    """Runs deploy/kafka/start.sh with stand-ins for the Kafka scripts; returns their calls."""
    log = tmp / "calls.log"
    log.unlink(missing_ok=True)
    fake_tools(
        tmp / "kafka/bin",
        log,
        **{
            "kafka-storage.sh": '[ "$1" = random-uuid ] && echo -Zx3nV9yQnWq0Sw1Jt6lXw; exit 0',
            "kafka-server-start.sh": "exit 0",
        },
    )
    run_env = {
        "PATH": os.environ["PATH"],
        "KAFKA_HOME": str(tmp / "kafka"),
        "SECRETS_DIR": str(secrets),
        "CONFIG_DIR": str(tmp / "run"),
        "DATA_DIR": str(tmp / "data"),
        **(env or {}),
    }
    script = ROOT / "deploy/kafka/start.sh"
    subprocess.run(["bash", script], env=run_env, check=True, capture_output=True)
    return log.read_text().splitlines()


def properties(path: Path) -> dict[str, str]:
    lines = [ln for ln in path.read_text().splitlines() if ln and not ln.startswith("#")]
    return dict(ln.split("=", 1) for ln in lines)


def test_the_compose_broker_is_secured_as_the_launchers(tmp_path: Path, made_secrets: Path) -> None:
    calls = start_broker(tmp_path, made_secrets)
    server = properties(tmp_path / "run/server.properties")
    launcher = properties_of_launcher(tmp_path, made_secrets)
    security = [
        k
        for k in launcher
        if k.startswith(("sasl.", "ssl.", "listener.name.client.", "listener.name.controller."))
        or k
        in (
            "authorizer.class.name",
            "allow.everyone.if.no.acl.found",
            "super.users",
            "controller.listener.names",
            "inter.broker.listener.name",
            "auto.create.topics.enable",
        )
    ]
    assert len(security) >= 16
    assert {k: server.get(k) for k in security} == {k: launcher[k] for k in security}
    protocols = dict(p.split(":") for p in server["listener.security.protocol.map"].split(","))
    assert protocols == {
        "CLIENT": "SASL_SSL",
        "EXTERNAL": "SASL_SSL",
        "CONTROLLER": "SASL_PLAINTEXT",
    }
    assert server["listener.name.external.sasl.enabled.mechanisms"] == "SCRAM-SHA-512"
    assert "CONTROLLER://127.0.0.1:9094" in server["listeners"].split(",")
    assert server["advertised.listeners"] == "CLIENT://kafka:9093,EXTERNAL://127.0.0.1:9092"
    client = properties(tmp_path / "run/client.properties")
    assert (client["security.protocol"], client["sasl.mechanism"]) == ("SASL_SSL", "SCRAM-SHA-512")
    assert client["ssl.truststore.location"] == str(made_secrets / "kafka/ca.crt")
    for rendered in ("server.properties", "client.properties"):  # they hold passwords
        assert stat.S_IMODE((tmp_path / "run" / rendered).stat().st_mode) == 0o600
    admin = password_of(made_secrets, "admin")
    formats = [c for c in calls if c.startswith("kafka-storage.sh format")]
    assert formats == [
        "kafka-storage.sh format --ignore-formatted --cluster-id=-Zx3nV9yQnWq0Sw1Jt6lXw "
        f"-c {tmp_path}/run/server.properties "
        f"--add-scram=SCRAM-SHA-512=[name=admin,password={admin}]"
    ]
    assert calls[-1] == f"kafka-server-start.sh {tmp_path}/run/server.properties"
    # Formatted once: a later start on the same volume only starts the broker.
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data/meta.properties").write_text("cluster.id=x\n")
    again = start_broker(tmp_path, made_secrets, {"KAFKA_EXTERNAL_ADDRESS": "kafka.example:9092"})
    assert [c.split()[0] for c in again] == ["kafka-server-start.sh"]
    advertised = properties(tmp_path / "run/server.properties")["advertised.listeners"]
    assert advertised.endswith("EXTERNAL://kafka.example:9092")


def properties_of_launcher(tmp: Path, secrets: Path) -> dict[str, str]:
    path = tmp / "launcher.properties"
    path.write_text(launcher_broker_properties(19092, 19093, tmp / "data", 6, secrets))
    return properties(path)


def test_secrets_job_gives_each_file_only_to_the_containers_that_read_it(
    compose: dict[str, Any], tmp_path: Path
) -> None:
    job = compose["services"]["secrets"]
    assert job["user"] == "0:0" and job["entrypoint"] == ["sh", "/prepare.sh"]
    assert "secrets:/secrets" in job["volumes"]  # the only container that writes it
    assert "./deploy/secrets/prepare.sh:/prepare.sh:ro" in job["volumes"]
    env = environment(compose, "secrets")
    service_ids = dict(pair.split("=") for pair in env["SERVICE_UIDS"].split())
    assert set(service_ids) == set(SERVICES)
    readers: dict[str, tuple[int, int]] = {
        "kafka": (int(env["KAFKA_UID"]), int(env["KAFKA_UID"])),  # appuser in apache/kafka
        "postgres": (999, int(env["POSTGRES_GID"])),
        "grafana": (int(env["GRAFANA_UID"]), 0),
    }
    assert compose["services"]["grafana"]["user"] == f"{env['GRAFANA_UID']}:0"
    for name in (*SERVICES, "kafka-init", "console", "dev-sign-in"):
        uid, gid = (int(n) for n in compose["services"][name]["user"].split(":"))
        readers[name] = (uid, gid)
        if name in SERVICES:
            assert uid == int(service_ids[name])
    assert readers["kafka-init"][1] == int(env["PROVISION_GID"])
    assert readers["console"][0] == int(env["CONSOLE_UID"])
    assert readers["dev-sign-in"] == (int(env["SIGN_IN_UID"]), int(env["SIGN_IN_UID"]))
    assert len({uid for uid, _ in readers.values()}) == len(readers)  # nobody shares a uid

    folder = tmp_path / "secrets"
    modes = run_secrets_job(tmp_path, folder, env)
    needs = {
        "kafka": {
            "kafka/broker.pem",
            "kafka/users/admin.password",
            "kafka/users/controller.password",
        },
        "postgres": {f"db/{s}.password" for s in SERVICES},
        "grafana": {"grafana/admin.password"},
        "kafka-init": {f"kafka/users/{p}.password" for p in KAFKA_PRINCIPALS},
        "console": {"console/session-key", "console/oidc-client-secret"},
        # The private half of the development token key signs what the services trust in local.
        "dev-sign-in": {"console/oidc-client-secret", "auth/private.pem"},
    }
    for name in SERVICES:
        files = environment(compose, name).values()
        named = {f.removeprefix("/secrets/") for f in files if f.startswith("/secrets/")}
        # A folder setting (SEALING_MASTER_KEYS_DIR) needs every file in it.
        needs[name] = {
            str(inside.relative_to(folder))
            for path in named
            for inside in (
                [folder / path] if (folder / path).is_file() else (folder / path).glob("*")
            )
        }
    for name, (uid, gid) in readers.items():
        readable = {path for path, owner in modes.items() if may_read(uid, gid, *owner)}
        assert readable == needs[name] | PUBLIC, name
    root_only = {"kafka/ca.key", "city/signing.pem", "db/postgres.password"}
    assert root_only <= set(modes)
    assert not [p for p in modes if modes[p][2] & 0o002]  # nothing is world-writable
    world = {p for p in modes if modes[p][2] & 0o004}
    assert world == PUBLIC


def may_read(uid: int, gid: int, owner: int, group: int, mode: int) -> bool:
    """Linux's check for a process without supplementary groups."""
    if uid == owner:
        return bool(mode & 0o400)
    if gid == group:
        return bool(mode & 0o040)
    return bool(mode & 0o004)


def run_secrets_job(tmp: Path, folder: Path, env: Mapping[str, str]) -> dict[str, list[int]]:
    """Runs deploy/secrets/prepare.sh as compose would, with chown and chmod recorded rather
    than applied (no root needed); returns each file's resulting [owner, group, mode]."""
    log = tmp / "ownership.log"
    tools = fake_tools(tmp / "bin", log, chown="", chmod="")
    venv_bin = Path(sys.executable).parent  # civic-secrets
    run_env = {
        **env,
        "SECRETS_DIR": str(folder),
        "PATH": f"{tools}:{venv_bin}:{os.environ['PATH']}",
    }
    subprocess.run(
        ["sh", ROOT / "deploy/secrets/prepare.sh"], env=run_env, check=True, capture_output=True
    )
    state: dict[str, list[int]] = {
        str(p.relative_to(folder)): [0, 0, 0o600] for p in folder.rglob("*") if p.is_file()
    }
    for line in log.read_text().splitlines():
        tool, arg, *paths = line.split()
        for path in paths:
            key = str(Path(path).relative_to(folder)) if path != str(folder) else "."
            if key not in state:
                continue  # a directory
            if tool == "chown":
                owner, group = arg.split(":")
                state[key][:2] = [int(owner), int(group)]
            else:
                state[key][2] = int(arg, 8)
    return state


def test_postgres_takes_every_password_from_the_secrets_volume(
    compose: dict[str, Any], tmp_path: Path
) -> None:
    env = environment(compose, "postgres")
    assert env["POSTGRES_PASSWORD_FILE"] == "/secrets/db/postgres.password"
    assert "POSTGRES_PASSWORD" not in env
    assert "secrets:/secrets:ro" in compose["services"]["postgres"]["volumes"]
    script = ROOT / "deploy/postgres/init-databases.sh"
    log = tmp_path / "psql.log"
    tools = fake_tools(tmp_path / "bin", log, psql=f'cat >>"{log}"')
    db = tmp_path / "db"
    db.mkdir()
    for svc in SERVICES:
        (db / f"{svc}.password").write_text(f"pw-of-{svc}\n")
    run_env = {
        "PATH": f"{tools}:{os.environ['PATH']}",
        "DB_SECRETS_DIR": str(db),
        "POSTGRES_USER": "postgres",
        "POSTGRES_DB": "postgres",
    }
    subprocess.run(["bash", script], env=run_env, check=True, capture_output=True)
    sent = log.read_text()
    for svc in SERVICES:
        assert f"< {db}/{svc}.password`" in sent  # psql reads the file itself
        assert f"CREATE USER {svc} WITH PASSWORD :'pw';" in sent
        assert f"CREATE DATABASE {svc} OWNER {svc};" in sent
    assert "pw-of-" not in sent  # no password on a command line or in the script
    (db / "archive.password").unlink()  # no default: a missing password stops the start
    failed = subprocess.run(["bash", script], env=run_env, capture_output=True, text=True)
    assert failed.returncode == 1 and "archive.password is missing" in failed.stderr


def test_compose_creates_one_database_per_service() -> None:
    script = (ROOT / "deploy/postgres/init-databases.sh").read_text()
    assert set(script.split("for svc in ")[1].split(";")[0].split()) == set(SERVICES)


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_each_service_has_migrations_and_an_app_factory(service: str) -> None:
    assert (ROOT / "services" / service / "alembic.ini").exists()
    main = importlib.import_module(f"{service}.main")
    assert callable(main.create_app)


@pytest.mark.parametrize(("docker_answers", "expected"), [(True, "compose"), (False, "launcher")])
def test_make_up_uses_compose_where_docker_answers_and_the_launcher_elsewhere(
    tmp_path: Path, docker_answers: bool, expected: str
) -> None:
    fake = tmp_path / "docker"  # stands in for the Docker CLI: `docker info` succeeds or not
    fake.write_text(f"#!/bin/sh\nexit {0 if docker_answers else 1}\n")
    fake.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "STACK"}
    env["PATH"] = f"{tmp_path}:{env['PATH']}"
    planned = subprocess.run(
        ["make", "-n", "up", "down"], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    compose = "docker compose -f docker-compose.yml up -d --build --wait" in planned
    launcher = "devstack up" in planned and "devstack down" in planned
    assert (compose, launcher) == (expected == "compose", expected == "launcher")


def test_three_compose_nodes_form_one_replicated_cluster_over_tls(
    tmp_path: Path, made_secrets: Path
) -> None:
    cluster = {"KAFKA_NODES": "3", "NODE_ID": "2", "BROKER_HOST": "kafka-2"}
    calls = start_broker(
        tmp_path, made_secrets, {**cluster, "KAFKA_CLUSTER_ID": "Y2hpemhvdS1hc3Npc3QxNg"}
    )
    server = properties(tmp_path / "run/server.properties")
    assert server["node.id"] == "2"
    assert server["controller.quorum.voters"] == ("1@kafka-1:9094,2@kafka-2:9094,3@kafka-3:9094")
    # Controllers talk between containers: over TLS, never in the clear.
    protocols = dict(p.split(":") for p in server["listener.security.protocol.map"].split(","))
    assert protocols["CONTROLLER"] == "SASL_SSL"
    assert "CONTROLLER://0.0.0.0:9094" in server["listeners"].split(",")
    assert server["advertised.listeners"].startswith("CLIENT://kafka-2:9093,")
    replicated = ("default.replication.factor", "offsets.topic.replication.factor")
    assert {server[k] for k in replicated} == {"3"}
    assert server["min.insync.replicas"] == server["transaction.state.log.min.isr"] == "2"
    # All three nodes format their storage with the one cluster id.
    assert "--cluster-id=Y2hpemhvdS1hc3Npc3QxNg" in next(c for c in calls if "format" in c)


def test_the_console_is_in_compose_with_the_settings_it_reads(compose: dict[str, Any]) -> None:
    spec, env = compose["services"]["console"], environment(compose, "console")
    assert spec["build"] == {"context": ".", "dockerfile": "deploy/console.Dockerfile"}
    assert [k for k in env if k.lower() not in ConsoleSettings.model_fields] == []
    # It owns no data: no database, no Kafka principal; the services through the balancer.
    assert not [k for k in env if k.startswith(("DATABASE_", "KAFKA_"))]
    urls = {name: env[f"{name.upper()}_URL"] for name in SERVICES}
    assert urls == {name: f"http://balancer:{port}" for name, port in SERVICES.items()}
    for name in SERVICES:
        assert spec["depends_on"][name]["condition"] == "service_healthy"
    assert "/healthz" in " ".join(spec["healthcheck"]["test"])
    assert "secrets:/secrets:ro" in spec["volumes"]
    # The same secret files as the launcher hands its console, at the same places.
    launcher = console_env(8080, "http://127.0.0.1:8090", {}, SECRETS)
    files = {k: v for k, v in launcher.items() if k.endswith("_FILE") and v.startswith("/secrets/")}
    assert files and {k: env.get(k) for k in files} == files


def test_compose_console_settings_pass_the_production_checks_once_the_issuer_is_real(
    compose: dict[str, Any], made_secrets: Path
) -> None:
    ensure_console_secrets(made_secrets)

    def build(**given: str) -> ConsoleSettings:
        env = environment(compose, "console", **given)
        here = {k.lower(): v.replace("/secrets", str(made_secrets)) for k, v in env.items()}
        return ConsoleSettings(**here)

    local = build()
    assert (local.environment, local.oidc_issuer) == ("local", "http://127.0.0.1:8090")
    assert not local.secure_cookies()  # plain http on loopback, locally only
    key = (made_secrets / "console/session-key").read_bytes().strip()
    assert local.fernet_key() == key
    real = build(
        ENVIRONMENT="production",
        OIDC_ISSUER="https://id.example",
        CONSOLE_PUBLIC_URL="https://console.example",
    )
    assert real.secure_cookies() and real.fernet_key() == key
    assert real.oidc_redirect_url == "https://console.example/auth/callback"


def test_the_development_sign_in_runs_only_locally_beside_the_console(
    compose: dict[str, Any], made_secrets: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec, env = compose["services"]["dev-sign-in"], environment(compose, "dev-sign-in")
    console = environment(compose, "console")
    assert spec["profiles"] == ["local"] and spec["network_mode"] == "service:console"
    assert spec["build"]["target"] == "dev-sign-in"
    assert env["SIGN_IN_URL"] == console["OIDC_ISSUER"]  # one address for browser and console
    assert env["OIDC_REDIRECT_URL"] == console["OIDC_REDIRECT_URL"]
    recipe = (ROOT / "deploy/console.Dockerfile").read_text()
    assert '"devstack.services:dev_sign_in_app", "--factory"' in recipe
    assert '"--port", "8090"' in recipe
    ensure_console_secrets(made_secrets)
    for name, value in env.items():
        monkeypatch.setenv(name, value.replace("/secrets", str(made_secrets)))
    with TestClient(dev_sign_in_app()) as client:
        found = client.get("/.well-known/openid-configuration").json()
    assert found["issuer"] == "http://127.0.0.1:8090"
    monkeypatch.setenv("ENVIRONMENT", "production")
    with pytest.raises(RefusedEnvironment):
        dev_sign_in_app()


@pytest.mark.parametrize(("environment_name", "profiles"), [("", "local"), ("production", "")])
def test_make_turns_the_development_sign_in_on_only_outside_staging_and_production(
    environment_name: str, profiles: str
) -> None:
    # Run inside `make test` too: a make of its own, not a sub-make that names its directory.
    inherited = ("COMPOSE_PROFILES", "ENVIRONMENT", "MAKEFLAGS", "MAKELEVEL", "MFLAGS")
    env = {k: v for k, v in os.environ.items() if k not in inherited}
    env |= {"STACK": "compose", "ENVIRONMENT": environment_name}
    shown = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "--eval",
            'profiles: ; @echo "[$$COMPOSE_PROFILES]"',
            "profiles",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.strip() == f"[{profiles}]"
