"""The console's settings: where the six services and the issuer are, and the session key.

The console owns no database and no Kafka connection. ``ENVIRONMENT`` defaults to
production: outside ``local`` the session key and the client secret must be given (never a
placeholder), and cookies are always ``Secure``. In ``local`` a missing session key is made
once under ``STATE_DIR`` (mode 0600, never committed), like ``civic.secrets`` does.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, Self

from cryptography.fernet import Fernet
from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from civic.settings import UnsafeSetting, read_secret

#: The six services the console calls, in the order of the flow.
SERVICES = ("intake", "survey", "review", "dispatch", "settlement", "archive")
_PLACEHOLDERS = ("", "changeme", "changethis", "secret", "password", "console-dev-secret")
DEV_CLIENT_SECRET = "console-dev-secret"


class Settings(BaseSettings):
    """Typed settings from the environment (``*_FILE`` variants for secrets)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Literal["local", "staging", "production"] = "production"
    http_port: int = 8200
    intake_url: str = "http://127.0.0.1:8101"
    survey_url: str = "http://127.0.0.1:8102"
    review_url: str = "http://127.0.0.1:8103"
    dispatch_url: str = "http://127.0.0.1:8104"
    settlement_url: str = "http://127.0.0.1:8105"
    archive_url: str = "http://127.0.0.1:8106"
    service_timeout_s: float = Field(default=5.0, gt=0, description="Per call to a service.")
    oidc_issuer: str = Field(description="The issuer; discovery at {issuer}/.well-known/…")
    oidc_client_id: str = "console"
    oidc_client_secret: SecretStr | None = None
    oidc_client_secret_file: Path | None = None
    oidc_redirect_url: str = "http://127.0.0.1:8200/auth/callback"
    session_key: SecretStr | None = Field(default=None, description="A Fernet key.")
    session_key_file: Path | None = None
    metrics_token: SecretStr | None = Field(
        default=None, description="The services' METRICS_TOKEN, if they guard /metrics with one."
    )
    metrics_token_file: Path | None = None
    state_dir: Path = Field(default=Path(".state/dev"), description="Local secrets live here.")
    cookie_secure: bool | None = Field(
        default=None, description="Default: on, except in local over plain http."
    )

    @model_validator(mode="after")
    def _safe(self) -> Self:
        local = self.environment == "local"
        if not local and self.cookie_secure is False:
            raise UnsafeSetting("COOKIE_SECURE", "cookies must be Secure outside local")
        if not local and (self.client_secret() in _PLACEHOLDERS):
            raise UnsafeSetting("OIDC_CLIENT_SECRET", "required (not a placeholder) outside local")
        if not local and self._given_session_key() in (None, *_PLACEHOLDERS):
            raise UnsafeSetting("SESSION_KEY", "required outside local")
        key = self._given_session_key()
        if key is not None:
            try:
                Fernet(key.encode())
            except ValueError as exc:
                raise UnsafeSetting("SESSION_KEY", "not a Fernet key") from exc
        return self

    def _given_session_key(self) -> str | None:
        return read_secret(self.session_key, self.session_key_file)

    def metrics_bearer(self) -> dict[str, str]:
        """The header the admins' system page sends to the services' /metrics (none if unset)."""
        token = read_secret(self.metrics_token, self.metrics_token_file)
        return {"Authorization": f"Bearer {token}"} if token else {}

    def client_secret(self) -> str:
        """The client secret; in local the development issuer's when none is given."""
        given = read_secret(self.oidc_client_secret, self.oidc_client_secret_file)
        if given is None and self.environment == "local":
            return DEV_CLIENT_SECRET
        return given or ""

    def fernet_key(self) -> bytes:
        """The session key: given, or (local only) made once under the state dir."""
        given = self._given_session_key()
        if given is not None:
            return given.encode()
        if self.environment != "local":  # unreachable after validation; kept as a guard
            raise UnsafeSetting("SESSION_KEY", "required outside local")
        return ensure_session_key(self.state_dir / "console" / "session-key")

    def secure_cookies(self) -> bool:
        """Whether cookies carry ``Secure``: always, except local over plain http."""
        if self.cookie_secure is not None:
            return self.cookie_secure
        return not (self.environment == "local" and self.oidc_redirect_url.startswith("http://"))

    def service_url(self, service: str) -> str:
        """The base URL of one of the six services."""
        url: str = getattr(self, f"{service}_url")
        return url.rstrip("/")


def ensure_session_key(path: Path) -> bytes:
    """A Fernet key kept in ``path`` (made on first use, readable by its owner only)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # a second console process made it first
            return path.read_bytes().strip()
        with os.fdopen(fd, "wb") as out:
            out.write(Fernet.generate_key())
    return path.read_bytes().strip()
