"""Development JWTs: an RSA keypair kept under the state dir, and RS256 tokens minted from it."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import jwt

from civic.clock import machine_now
from civic.secrets import ensure_token_keys

AUDIENCE = "chizhou-assistance"
DEV_ISSUER = "chizhou-assistance-dev"
DIVISION = re.compile(r"^\d{6}(\d{3}(\d{3})?)?$")


def private_key_path(state_dir: Path) -> Path:
    """Where the signing key lives (created on first use)."""
    return Path(state_dir) / "auth" / "private.pem"


def public_key_path(state_dir: Path) -> Path:
    """Where the verification key lives; services read it via AUTH_PUBLIC_KEY_FILE."""
    return Path(state_dir) / "auth" / "public.pem"


def ensure_keys(state_dir: Path) -> Path:
    """Generates the RSA-2048 keypair once; returns the public key path."""
    return ensure_token_keys(Path(state_dir))


def mint(
    state_dir: Path,
    *,
    user_id: str,
    roles: list[str] | tuple[str, ...],
    division: str | None = None,
    provider_code: str | None = None,
    name: str | None = None,
    ttl_s: int = 3600,
    issuer: str = DEV_ISSUER,
) -> str:
    """An RS256 JWT for ``user_id`` with the platform's claims, signed by the dev key."""
    if division is not None and not DIVISION.match(division):
        raise ValueError(f"division must be a 6, 9 or 12 digit GB/T 2260 code: {division!r}")
    ensure_keys(state_dir)
    # Expiry is checked by PyJWT against the machine's time, not the (perhaps shifted) clock.
    now = int(machine_now().timestamp())
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": AUDIENCE,
        "sub": user_id,
        "roles": [str(role) for role in roles],
        "division": division,
        "provider_code": provider_code,
        "name": name,
        "iat": now,
        "exp": now + ttl_s,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, private_key_path(state_dir).read_bytes(), algorithm="RS256")
