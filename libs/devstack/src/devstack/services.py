"""The six platform services as child processes: migrations, uvicorn, readiness, stop; and the
staff console with its development sign-in, which own no data."""

from __future__ import annotations

import base64
import os
import secrets as secrets_module
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from civic.pseudonyms import service_key_file
from civic.secrets import SEALING_SERVICES
from devstack import procs
from devstack.children import ChildProcess
from devstack.procs import DevstackError

if TYPE_CHECKING:
    from fastapi import FastAPI

SERVICES: dict[str, int] = {
    "intake": 8101,
    "survey": 8102,
    "review": 8103,
    "dispatch": 8104,
    "settlement": 8105,
    "archive": 8106,
}


class ServiceNotBuiltError(DevstackError):
    """A service directory lacks the files needed to run it (main.py or alembic.ini)."""


@dataclass(frozen=True)
class ServiceWiring:
    """Addresses every service needs, shared by all six."""

    kafka_bootstrap: str
    database_url_template: str  # with "{db}" where the database name goes
    secrets_dir: Path
    otlp_endpoint: str
    issuer: str = "chizhou-assistance-dev"
    kafka_replication: int = 1  # 3 on a three-node cluster: topics a service creates too


def venv_python(repo_root: Path) -> str:
    """The workspace venv's python (falls back to the running interpreter)."""
    candidate = repo_root / ".venv" / "bin" / "python"
    return str(candidate) if candidate.exists() else sys.executable


def resolve_names(names: Iterable[str] | None) -> list[str]:
    """Validates service names, keeping the platform order; None means all six."""
    if names is None:
        return list(SERVICES)
    wanted = list(dict.fromkeys(names))
    unknown = [n for n in wanted if n not in SERVICES]
    if unknown:
        raise DevstackError(f"unknown service(s) {unknown}; known: {', '.join(SERVICES)}")
    return [n for n in SERVICES if n in wanted]


def own_secrets(name: str, secrets: Path) -> dict[str, str]:
    """Secrets only one service holds, as ``*_FILE`` settings (or folders)."""
    sealing = (
        {"SEALING_MASTER_KEYS_DIR": str(secrets / name / "master-keys")}
        if name in SEALING_SERVICES
        else {}
    )
    # Each service's copy of the big-data platform's one pseudonym key (civic.secrets).
    mirror = {"BIGDATA_PSEUDONYM_KEY_FILE": str(service_key_file(secrets, name))}
    return sealing | mirror | _files_of(name, secrets)


def _files_of(name: str, secrets: Path) -> dict[str, str]:
    if name == "intake":
        return {
            # Adopted once as the index key, so people indexed by earlier runs stay findable.
            "ID_NUMBER_KEY_FILE": str(secrets / "intake" / "id-number-key"),
            # The stand-in for the city system's key: reports are signed with its private half.
            "CITY_REPORT_PUBLIC_KEY_FILE": str(secrets / "city" / "signing.pub.pem"),
            # intake's own inbound key: it opens the ID number each city report carries sealed.
            "INBOUND_PRIVATE_KEY_FILE": str(secrets / "intake" / "inbound.pem"),
        }
    if name == "dispatch":
        provisioner = secrets / "kafka" / "users" / "dispatch-provisioner.password"
        return {"PROVISIONER_PASSWORD_FILE": str(provisioner)}
    return {}


def service_env(
    name: str, port: int, wiring: ServiceWiring, extra_env: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment one service process starts with."""
    env = dict(os.environ)
    env.update(
        SERVICE_NAME=name,
        OTEL_SERVICE_NAME=name,
        HTTP_PORT=str(port),
        DATABASE_URL=wiring.database_url_template.format(db=name),
        DATABASE_PASSWORD_FILE=str(wiring.secrets_dir / "db" / f"{name}.password"),
        KAFKA_BOOTSTRAP_SERVERS=wiring.kafka_bootstrap,
        # dispatch creates each provider's topics as providers register.
        PROVIDER_TOPIC_REPLICATION=str(wiring.kafka_replication),
        # Each service is its own Kafka principal, with only its own ACLs.
        KAFKA_USERNAME=name,
        KAFKA_PASSWORD_FILE=str(wiring.secrets_dir / "kafka" / "users" / f"{name}.password"),
        KAFKA_CA_FILE=str(wiring.secrets_dir / "kafka" / "ca.crt"),
        AUTH_PUBLIC_KEY_FILE=str(wiring.secrets_dir / "auth" / "public.pem"),
        AUTH_ISSUER=wiring.issuer,
        OTEL_EXPORTER_OTLP_ENDPOINT=wiring.otlp_endpoint,
        OTEL_BSP_SCHEDULE_DELAY="100",
        ENVIRONMENT="local",
        # The suites drive every app from this one address with a few shared users, polling
        # as they wait: limits far above that keep the limiter on every request without
        # refusing one (civic's tests cover refusals).
        RATE_LIMIT_PUBLIC_PER_MINUTE="60000",
        RATE_LIMIT_APP_PER_MINUTE="60000",
        PYTHONUNBUFFERED="1",
        **own_secrets(name, wiring.secrets_dir),
    )
    env.update(extra_env or {})
    return env


class ServiceProcess(ChildProcess):
    """One service: alembic migrations then uvicorn with the app factory."""

    def __init__(
        self, name: str, *, repo_root: Path, state_dir: Path, port: int, env: Mapping[str, str]
    ) -> None:
        self.repo_root = repo_root
        self.python = venv_python(repo_root)
        app = f"{name}.main:create_app"
        address = ["--host", "127.0.0.1", "--port", str(port)]
        cmd = [self.python, "-m", "uvicorn", app, "--factory", *address, "--no-access-log"]
        super().__init__(
            name,
            cmd,
            port=port,
            run_dir=state_dir / "run",
            log_file=state_dir / "logs" / f"{name}.log",
            health_path="/readyz",
            marker=f"{app} --factory",
            env=env,
            cwd=repo_root,
        )

    def _ready_once(self, client: httpx.Client) -> bool:
        # Ready only if the answer is this service's: another stack's process on a port
        # handed out twice would otherwise pass for it.
        try:
            got = client.get(self.health_url)
            return got.status_code == 200 and got.json().get("service") == self.name
        except (httpx.HTTPError, ValueError, AttributeError):
            return False

    @property
    def service_dir(self) -> Path:
        """services/<name> in the repository."""
        return self.repo_root / "services" / self.name

    @property
    def url(self) -> str:
        """Base URL of the service."""
        return f"http://127.0.0.1:{self.port}"

    def check_built(self) -> None:
        """Raises ServiceNotBuiltError unless main.py and alembic.ini exist."""
        required = [
            self.service_dir / "src" / self.name / "main.py",
            self.service_dir / "alembic.ini",
        ]
        missing = [str(p.relative_to(self.repo_root)) for p in required if not p.exists()]
        if missing:
            raise ServiceNotBuiltError(
                f"service {self.name!r} cannot run yet: missing {', '.join(missing)} "
                f"(start a subset with --services)"
            )

    def migrate(self) -> None:
        """alembic upgrade head against the service's own database."""
        self.check_built()
        ini = self.service_dir / "alembic.ini"
        procs.run_checked(
            [self.python, "-m", "alembic", "-c", str(ini), "upgrade", "head"],
            what=f"{self.name} migrations",
            env=self.env,
            cwd=self.repo_root,
            timeout=180,
        )

    def start(self) -> None:
        """Spawns uvicorn (after check_built); no-op if already running."""
        self.check_built()
        super().start()


#: The staff console (it owns no data: no database, no Kafka) and, for local use only, the
#: development OpenID Connect issuer it signs in with (devstack.oidc_issuer).
CONSOLE_PORT = 8080
SIGN_IN_PORT = 8090
CONSOLE_CLIENT_ID = "console"


def console_secrets(secrets: Path) -> tuple[Path, Path]:
    """Where the console's session key and its OIDC client secret (shared with the
    development sign-in) live: ``<secrets>/console``, as under compose."""
    return secrets / "console" / "session-key", secrets / "console" / "oidc-client-secret"


def ensure_console_secrets(secrets: Path) -> None:
    """Makes the console's two secrets once (mode 0600); later calls keep them."""
    for path in console_secrets(secrets):
        if path.exists():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            # A Fernet key's form (URL-safe base64 of 32 bytes), as compose's job makes them
            # (deploy/secrets/prepare.sh); the session key must be one.
            out.write(base64.urlsafe_b64encode(secrets_module.token_bytes(32)))


def console_env(
    port: int, sign_in_url: str, service_urls: Mapping[str, str], secrets: Path
) -> dict[str, str]:
    """The console's environment: the six services' addresses, the issuer, its secrets."""
    session_key, client_secret = console_secrets(secrets)
    urls = {f"{name.upper()}_URL": url for name, url in service_urls.items()}
    return (
        dict(os.environ)
        | urls
        | {
            "ENVIRONMENT": "local",
            "HTTP_PORT": str(port),
            "OIDC_ISSUER": sign_in_url,
            "OIDC_CLIENT_ID": CONSOLE_CLIENT_ID,
            "OIDC_CLIENT_SECRET_FILE": str(client_secret),
            "OIDC_REDIRECT_URL": f"http://127.0.0.1:{port}/auth/callback",
            "SESSION_KEY_FILE": str(session_key),
            "PYTHONUNBUFFERED": "1",
        }
    )


def sign_in_env(port: int, console_port: int, secrets: Path) -> dict[str, str]:
    """The development sign-in's environment (read by ``dev_sign_in_app``)."""
    _, client_secret = console_secrets(secrets)
    return dict(os.environ) | {
        "ENVIRONMENT": "local",
        "SIGN_IN_URL": f"http://127.0.0.1:{port}",
        "SIGN_IN_SECRETS_DIR": str(secrets),
        "OIDC_CLIENT_ID": CONSOLE_CLIENT_ID,
        "OIDC_CLIENT_SECRET_FILE": str(client_secret),
        "OIDC_REDIRECT_URL": f"http://127.0.0.1:{console_port}/auth/callback",
        "PYTHONUNBUFFERED": "1",
    }


def dev_sign_in_app() -> FastAPI:
    """``uvicorn devstack.services:dev_sign_in_app --factory``: the development issuer
    configured from the environment (refused when ENVIRONMENT is staging or production)."""
    from devstack import oidc_issuer  # only this process serves it

    env = os.environ
    redirects = tuple(u.strip() for u in env["OIDC_REDIRECT_URL"].split(",") if u.strip())
    client = oidc_issuer.Client(
        client_id=env.get("OIDC_CLIENT_ID", CONSOLE_CLIENT_ID),
        client_secret=Path(env["OIDC_CLIENT_SECRET_FILE"]).read_text().strip(),
        redirect_uris=redirects,
    )
    return oidc_issuer.create_app(
        state_dir=Path(env["SIGN_IN_SECRETS_DIR"]),
        url=env["SIGN_IN_URL"],
        client=client,
        environment=env.get("ENVIRONMENT", "production"),
    )


class WebProcess(ChildProcess):
    """A web app with no database of its own (the console, the development sign-in): plain
    uvicorn with its factory, ready once ``/healthz`` answers."""

    def __init__(
        self,
        name: str,
        factory: str,
        *,
        repo_root: Path,
        state_dir: Path,
        port: int,
        env: Mapping[str, str],
    ) -> None:
        address = ["--host", "127.0.0.1", "--port", str(port)]
        cmd = [venv_python(repo_root), "-m", "uvicorn", factory, "--factory", *address]
        super().__init__(
            name,
            [*cmd, "--no-access-log"],
            port=port,
            run_dir=state_dir / "run",
            log_file=state_dir / "logs" / f"{name}.log",
            health_path="/healthz" if name == "console" else "/.well-known/openid-configuration",
            marker=f"{factory} --factory --host 127.0.0.1 --port {port}",
            env=env,
            cwd=repo_root,
        )
