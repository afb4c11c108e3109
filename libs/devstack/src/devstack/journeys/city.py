"""The city system's side of a status report: seal the ID number, sign the bytes, send them.

Used by the journeys and tests, and a worked example for the city system's developers of
the rule in ``libs/contracts/README.md`` ("Status reports from the city system: signing"):
a detached JWS (RFC 7515 Appendix F), ES256, over the exact bytes sent — the Kafka record
value, or the HTTP request body — in the header ``x-city-signature`` (Kafka) or
``X-City-Signature`` (HTTP). intake verifies it before it reads the report.

Locally the key is the stand-in the secrets generator makes (``<secrets>/city/signing.pem``);
intake is given its public half. The city system keeps its real key to itself.

The ID number never travels in clear on the topic (``contracts.inbound``): ``seal_id_number``
seals it to intake's inbound public key (``<secrets>/intake/inbound.pub.pem``, the file a
county gives the city system), bound to the report's event id; ``sealed_report`` builds a
report that way.
"""

from __future__ import annotations

import base64
import uuid
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric import x25519
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from civic.bus.access import KafkaAccess
from contracts import topics
from contracts.inbound import SEALED_PREFIX, AssistanceStatusReported, sealing_info
from devstack.journeys.kafka import produce_raw

KAFKA_HEADER = "x-city-signature"
HTTP_HEADER = "X-City-Signature"


def signing_key(secrets_dir: Path) -> bytes:
    """The stand-in city key (PEM, EC P-256) the secrets generator made under ``secrets_dir``."""
    return (secrets_dir / "city" / "signing.pem").read_bytes()


def inbound_key(secrets_dir: Path) -> bytes:
    """intake's inbound public key (PEM, X25519) under ``secrets_dir``: what the city seals to."""
    return (secrets_dir / "intake" / "inbound.pub.pem").read_bytes()


def seal_id_number(id_number: str, *, event_id: uuid.UUID, public_pem: bytes) -> str:
    """The ID number as the city system seals it for the report ``event_id`` (RFC 9180 HPKE)."""
    key = load_pem_public_key(public_pem)
    assert isinstance(key, x25519.X25519PublicKey), "intake's inbound key is X25519"
    suite = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_128_GCM)
    sealed = suite.encrypt(id_number.encode(), key, info=sealing_info(event_id))
    return SEALED_PREFIX + base64.urlsafe_b64encode(sealed).rstrip(b"=").decode()


def sealed_report(id_number: str, public_pem: bytes, **fields: Any) -> AssistanceStatusReported:
    """A report with a fresh event id (unless given) and the ID number sealed to it."""
    event_id = fields.pop("event_id", None) or uuid.uuid4()
    sealed = seal_id_number(id_number, event_id=event_id, public_pem=public_pem)
    return AssistanceStatusReported.model_validate(
        {**fields, "event_id": event_id, "sealed_id_number": sealed}
    )


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
