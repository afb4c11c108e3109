"""The city system's side of a status report: sign the exact bytes, then send them.

Used by the journeys and tests, and a worked example for the city system's developers of
the rule in ``libs/contracts/README.md`` ("Status reports from the city system: signing"):
a detached JWS (RFC 7515 Appendix F), ES256, over the exact bytes sent — the Kafka record
value, or the HTTP request body — in the header ``x-city-signature`` (Kafka) or
``X-City-Signature`` (HTTP). intake verifies it before it reads the report.

Locally the key is the stand-in the secrets generator makes (``<secrets>/city/signing.pem``);
intake is given its public half. The city system keeps its real key to itself.
"""

from __future__ import annotations

from pathlib import Path

import jwt

from civic.bus.access import KafkaAccess
from contracts import topics
from contracts.inbound import AssistanceStatusReported
from devstack.journeys.kafka import produce_raw

KAFKA_HEADER = "x-city-signature"
HTTP_HEADER = "X-City-Signature"


def signing_key(secrets_dir: Path) -> bytes:
    """The stand-in city key (PEM, EC P-256) the secrets generator made under ``secrets_dir``."""
    return (secrets_dir / "city" / "signing.pem").read_bytes()


def sign(value: bytes, key_pem: bytes) -> str:
    """The detached ES256 JWS over ``value``: ``<header>..<signature>`` (RFC 7515 App. F)."""
    # Signed as an ordinary compact JWS, then the payload segment is left out ("detached").
    full = jwt.api_jws.encode(value, key_pem, algorithm="ES256", headers={"typ": None})
    header, _payload, signature = full.split(".")
    return f"{header}..{signature}"


def http_headers(body: bytes, key_pem: bytes) -> dict[str, str]:
    """The headers that go with ``body`` when it is posted to intake's inbound route."""
    return {HTTP_HEADER: sign(body, key_pem), "Content-Type": "application/json"}


async def produce_signed_report(
    access: KafkaAccess, report: AssistanceStatusReported, key_pem: bytes
) -> bytes:
    """Publishes ``report`` signed and keyed by case id, as the city system does; returns the bytes.

    To write as the city system itself, pass its principal's access
    (``stack.kafka_access(civic.bus.grants.CITY_SYSTEM)``)."""
    value = report.to_json_bytes()
    await produce_raw(
        access,
        topics.ASSISTANCE_STATUS_INBOUND,
        value,
        key=report.subject_key.encode(),
        headers=[(KAFKA_HEADER, sign(value, key_pem).encode())],
    )
    return value
