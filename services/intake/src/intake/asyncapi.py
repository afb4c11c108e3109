"""AsyncAPI of intake: `faststream docs gen --factory intake.asyncapi:asyncapi_app`."""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from faststream import FastStream

from civic.asyncapi import DOCS_ENV, specification_app
from intake.bootstrap import build
from intake.main import DESCRIPTION, TITLE
from intake.settings import Settings


def asyncapi_app() -> FastStream:
    """Builds intake's broker (no connections) for the AsyncAPI generator."""
    settings = Settings.model_validate({**DOCS_ENV, "city_report_public_key_pem": _throwaway()})
    return specification_app(build(settings).runtime, title=TITLE, description=DESCRIPTION)


def _throwaway() -> str:
    # No report is verified while documenting; any P-256 key wires the check.
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    pem = key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem.decode()
