"""Typed settings every service reads from its environment, safe by default.

``ENVIRONMENT`` defaults to ``production``: a development key, the development token issuer,
a password equal to its user name or a placeholder password is refused unless
``ENVIRONMENT=local`` is set explicitly. Kafka is reached only with SCRAM over TLS. Secrets
may be given in files (``*_FILE``), as compose and the launcher do.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Literal, Self
from urllib.parse import unquote, urlsplit, urlunsplit

from pydantic import (
    AwareDatetime,
    Field,
    IPvAnyNetwork,
    SecretStr,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from civic.bus.access import SECURITY_PROTOCOL, KafkaAccess
from civic.clock import Clock
from civic.pseudonyms import DEV_PSEUDONYM_KEY, Pseudonyms
from civic.sealing.ciphers import Algorithm

#: The issuer of the tokens ``devstack token`` mints; only local runs may trust it.
DEV_ISSUER = "chizhou-assistance-dev"
_PLACEHOLDERS = ("changethis", "changeme", "password", "secret", "postgres")


class UnsafeSetting(ValueError):
    """A setting that would open the service to anyone outside ENVIRONMENT=local."""

    def __init__(self, setting: str, why: str) -> None:
        super().__init__(f"{setting}: {why}")
        self.setting = setting


def with_password(url: str, password_file: Path | None) -> str:
    """``url`` carrying the password kept in ``password_file`` (unchanged without one)."""
    if password_file is None:
        return url
    parts = urlsplit(url)
    netloc = f"{parts.username}:{password_file.read_text().strip()}@{parts.hostname or ''}"
    return urlunsplit(parts._replace(netloc=netloc + (f":{parts.port}" if parts.port else "")))


def read_secret(value: SecretStr | None, file: Path | None) -> str | None:
    """A secret given inline or as a file (the file wins; surrounding blanks dropped)."""
    if file is not None:
        return file.read_text().strip()
    return value.get_secret_value() if value is not None else None


class ServiceSettings(BaseSettings):
    """Settings shared by the six services; each service may subclass and add its own."""

    #: A service that seals personal data at rest sets this: it then needs its master keys.
    seals_personal_data: ClassVar[bool] = False

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    service_name: str
    environment: Literal["local", "staging", "production"] = Field(
        default="production",
        description="local allows development keys and the development token issuer.",
    )
    http_port: int = 8000
    database_url: str = Field(description="postgresql+asyncpg://user[:pass]@host:port/db")
    database_password_file: Path | None = Field(
        default=None, description="The database password, put into DATABASE_URL."
    )
    database_pool_size: int = 10
    kafka_bootstrap_servers: str = "127.0.0.1:19092"
    kafka_security_protocol: str = Field(
        default=SECURITY_PROTOCOL, description="Always SASL_SSL: the bus has no PLAINTEXT."
    )
    kafka_username: str | None = Field(default=None, description="Default: the service name.")
    kafka_password: SecretStr | None = None
    kafka_password_file: Path | None = None
    kafka_ca_file: Path | None = Field(default=None, description="The platform CA (PEM).")
    auth_issuer: str = DEV_ISSUER
    auth_audience: str = "chizhou-assistance"
    auth_public_key_file: Path | None = None
    auth_public_key_pem: str | None = None
    docs_enabled: bool | None = Field(
        default=None, description="Serve /docs and /openapi.json (default: local only)."
    )
    metrics_token: SecretStr | None = Field(
        default=None, description="If set, /metrics needs 'Authorization: Bearer <token>'."
    )
    otel_exporter_otlp_endpoint: str | None = None
    log_level: str = "INFO"
    consumer_max_attempts: int = Field(default=5, ge=1)
    consumer_retry_backoff_s: float = Field(default=0.2, ge=0)
    #: Consumers per subscribed topic in one process (its partitions are shared out). One by
    #: default: with two, the clock-matrix suite's board step fails under TZ=Etc/GMT-14
    #: (not yet understood; see the closing note of 2026-12-06).
    consumer_workers: int = Field(default=1, ge=1, le=32)
    #: The most records one batch applies in one transaction.
    consumer_batch_max_records: int = Field(default=500, ge=1, le=10_000)
    #: How long an idle consumer waits, then rests, before asking Kafka again.
    consumer_batch_wait_ms: int = Field(default=20, ge=1, le=5_000)
    outbox_batch_size: int = Field(default=200, ge=1)
    outbox_idle_poll_s: float = Field(default=0.5, gt=0)
    outbox_max_attempts: int = Field(
        default=5, ge=1, description="Times Kafka may refuse a row before it is parked."
    )
    outbox_retention_days: float = Field(default=7, gt=0, description="Sent rows kept.")
    processed_retention_days: float = Field(
        default=30, gt=0, description="Processed-event ids kept (longer than topic retention)."
    )
    idempotency_retention_days: float = Field(default=7, gt=0, description="App retry window.")
    prune_interval_s: float = Field(default=3600, gt=0)
    clock_start: AwareDatetime | None = Field(
        default=None,
        description="Development and tests only: the instant this process's clock starts at; "
        "it then runs on. Refused in staging and production.",
    )
    clock_start_at: AwareDatetime | None = Field(
        default=None,
        description="The machine instant at which the clock read clock_start (default: when "
        "the process starts); processes given the same pair share one clock.",
    )
    http_body_max_bytes: int = Field(
        default=1024 * 1024,
        ge=1024,
        description="Largest request body a route reads (JSON APIs need far less); a larger "
        "one is answered 413 before the token is checked. archive's upload route takes more.",
    )
    rate_limit_public_per_minute: int = Field(
        default=120,
        ge=0,
        description="Requests a client (an address: a village office or a carrier's NAT "
        "serves many phones) may make per minute to public pages, at once or spread; 0: off.",
    )
    rate_limit_app_per_minute: int = Field(
        default=120,
        ge=0,
        description="Requests a client (a user, else an address) may make per minute to the "
        "routes the applicant and coordinator apps call, at once or spread; 0: off.",
    )
    trusted_proxies: list[IPvAnyNetwork] = Field(
        default_factory=list,
        description='The proxies in front of the service, as JSON, e.g. ["10.0.0.0/8"]: only '
        "a request from one of them has its X-Forwarded-For believed (for rate limits).",
    )
    sealing_master_keys_dir: Path | None = Field(
        default=None,
        description="The folder of master keys (m0001.key, ...) that wrap the service's data "
        "keys, for a service that seals personal data (docs/keys.md).",
    )
    sealing_algorithm: Algorithm = Field(
        default=Algorithm.AES_256_GCM,
        description="The cipher of new data keys: aes-256-gcm, or sm4-gcm (GB/T 32907).",
    )
    sealing_refresh_s: float = Field(
        default=30.0,
        gt=0,
        description="Seconds between reloads of the key ring (and re-seals after a rotation); "
        "a new key seals from two refreshes after rotate. Every instance and civic-keys must "
        "use the same value (docs/keys.md).",
    )
    bigdata_pseudonym_key: SecretStr | None = Field(
        default=None,
        description="The big-data platform's pseudonym key (32 bytes, base64), the same for "
        "all six services and never changed: every id on bigdata.events.v1 is a keyed "
        "pseudonym under it (civic.pseudonyms). Required unless ENVIRONMENT=local.",
    )
    bigdata_pseudonym_key_file: Path | None = Field(
        default=None, description="The same, in a file (<secrets>/<service>/bigdata-pseudonym-key)."
    )
    asyncapi_docs: bool = Field(
        default=False, description="Wire the broker for AsyncAPI generation only (never started)."
    )

    @field_validator("database_url")
    @classmethod
    def _asyncpg_only(cls, value: str) -> str:
        if not value.startswith("postgresql+asyncpg://"):
            raise ValueError("database_url must use the postgresql+asyncpg:// driver")
        return value

    @model_validator(mode="after")
    def _safe_outside_local(self) -> Self:
        if self.auth_public_key_file is None and self.auth_public_key_pem is None:
            raise ValueError(
                "set AUTH_PUBLIC_KEY_FILE or AUTH_PUBLIC_KEY_PEM (the token issuer's key)"
            )
        self._check_kafka()
        self._check_pseudonym_key()
        if self.seals_personal_data and self.sealing_master_keys_dir is None:
            raise ValueError(
                f"set SEALING_MASTER_KEYS_DIR: the folder of master keys that wrap "
                f"{self.service_name}'s data keys (civic-secrets makes "
                f"<secrets>/{self.service_name}/master-keys)"
            )
        if self.environment != "local":
            for setting, why in self.unsafe_outside_local():
                raise UnsafeSetting(setting, f"{why} (refused unless ENVIRONMENT=local)")
        return self

    def _check_kafka(self) -> None:
        plaintext = "PLAINTEXT://" in self.kafka_bootstrap_servers.upper()
        if self.kafka_security_protocol.upper() != SECURITY_PROTOCOL or plaintext:
            raise UnsafeSetting(
                "KAFKA_SECURITY_PROTOCOL",
                "the bus accepts only SASL_SSL (SCRAM over TLS); PLAINTEXT is not offered",
            )
        if self.kafka_password is None and self.kafka_password_file is None:
            raise UnsafeSetting("KAFKA_PASSWORD", "set KAFKA_PASSWORD or KAFKA_PASSWORD_FILE")
        if self.kafka_ca_file is None:
            raise UnsafeSetting("KAFKA_CA_FILE", "set the platform CA certificate (PEM)")

    def _check_pseudonym_key(self) -> None:
        try:
            self.bigdata_pseudonyms()
        except (OSError, ValueError) as error:  # the message names the file, never the key
            raise UnsafeSetting("BIGDATA_PSEUDONYM_KEY", f"unusable: {error}") from error

    def unsafe_outside_local(self) -> list[tuple[str, str]]:
        """Each setting that only a local run may have, with why (subclasses add theirs)."""
        found: list[tuple[str, str]] = []
        if self.clock_start is not None:
            found.append(("CLOCK_START", "a started clock is for development and tests only"))
        if self.auth_issuer == DEV_ISSUER:
            found.append(("AUTH_ISSUER", "the development token issuer"))
        user, password = self.database_login()
        if password is None or password == user or password.lower() in _PLACEHOLDERS:
            found.append(("DATABASE_URL", "no password, or a placeholder, or the user's name"))
        kafka = self.kafka_access()
        if kafka.password == kafka.username or kafka.password.lower() in _PLACEHOLDERS:
            found.append(("KAFKA_PASSWORD", "a placeholder, or the user's name"))
        if self._pseudonym_secret() in (None, DEV_PSEUDONYM_KEY):
            why = "none set, or the development key: anyone could compute the mirror's pseudonyms"
            found.append(("BIGDATA_PSEUDONYM_KEY", why))
        return found

    def database_login(self) -> tuple[str | None, str | None]:
        """The user name and password the database URL will carry."""
        parts = urlsplit(self.database_url)
        password = read_secret(None, self.database_password_file)
        if password is None and parts.password is not None:
            password = unquote(parts.password)
        return parts.username, password

    def database_dsn(self) -> str:
        """DATABASE_URL, with the password from DATABASE_PASSWORD_FILE when given."""
        return with_password(self.database_url, self.database_password_file)

    def kafka_access(self) -> KafkaAccess:
        """This service's principal on the bus."""
        password = read_secret(self.kafka_password, self.kafka_password_file)
        assert password is not None  # checked at start-up
        assert self.kafka_ca_file is not None
        user = self.kafka_username or self.service_name
        return KafkaAccess(self.kafka_bootstrap_servers, user, password, self.kafka_ca_file)

    def serve_docs(self) -> bool:
        """Whether /docs and /openapi.json are served."""
        return self.environment == "local" if self.docs_enabled is None else self.docs_enabled

    def clock(self) -> Clock:
        """The process's clock: the machine's, or one started at ``clock_start``."""
        if self.clock_start is None:
            return Clock()
        return Clock.starting_at(self.clock_start, anchor=self.clock_start_at)

    def bigdata_pseudonyms(self) -> Pseudonyms:
        """The big-data mirror's pseudonymiser (the development key where none is required)."""
        return Pseudonyms.from_secret(self._pseudonym_secret() or DEV_PSEUDONYM_KEY)

    def _pseudonym_secret(self) -> str | None:
        # An empty value is no key: it must not slip through as the development one.
        return read_secret(self.bigdata_pseudonym_key, self.bigdata_pseudonym_key_file) or None

    def sealing_master_keys(self) -> Path:
        """The master keys' folder (checked at start-up when the service seals)."""
        assert self.sealing_master_keys_dir is not None
        return self.sealing_master_keys_dir

    def public_key(self) -> str:
        """Returns the PEM of the token issuer's public key."""
        if self.auth_public_key_pem:
            return self.auth_public_key_pem
        assert self.auth_public_key_file is not None
        return self.auth_public_key_file.read_text()
