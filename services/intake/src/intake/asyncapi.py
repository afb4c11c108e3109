"""AsyncAPI of intake: `faststream docs gen --factory intake.asyncapi:asyncapi_app`."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, x25519
from faststream import FastStream

from civic.asyncapi import DOCS_ENV, specification_app
from intake.bootstrap import build
from intake.main import DESCRIPTION, TITLE
from intake.settings import Settings


def asyncapi_app() -> FastStream:
    """Builds intake's broker (no connections) for the AsyncAPI generator."""
    settings = Settings.model_validate({**DOCS_ENV, **throwaway_keys()})
    return specification_app(build(settings).runtime, title=TITLE, description=DESCRIPTION)


def throwaway_keys() -> dict[str, Any]:
    """Report keys that wire intake's checks while nothing is verified or opened (docs, tests)."""
    city = ec.generate_private_key(ec.SECP256R1()).public_key()
    public = city.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    inbound = x25519.X25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return {
        "city_report_public_key_pem": public.decode(),
        "inbound_private_key_pem": inbound.decode(),
    }
