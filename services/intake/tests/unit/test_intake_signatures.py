"""The city system's signature: a detached ES256 JWS over the exact bytes of a report."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.api_jws import PyJWS
from jwt.utils import base64url_encode
from pydantic import ValidationError

from civic.consumer import Delivery
from contracts import topics
from devstack.journeys.city import sign
from intake.adapters.signatures import KAFKA_HEADER, BadKey, CitySignatures
from intake.settings import Settings

pytestmark = pytest.mark.unit

REPORT = b'{"event_type":"assistance.AssistanceStatusReported","case_id":"CZ-1"}'
_PEM = serialization.Encoding.PEM


def keypair() -> tuple[bytes, str]:
    """A fresh P-256 key: (private PEM, public PEM)."""
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_bytes(
        _PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(_PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, public.decode()


CITY, CITY_PUBLIC = keypair()
OTHER, OTHER_PUBLIC = keypair()
CHECK = CitySignatures.from_pem(CITY_PUBLIC)


def test_the_city_systems_detached_signature_over_the_exact_bytes_verifies() -> None:
    signature = sign(REPORT, CITY)
    _, payload, _ = signature.split(".")
    assert payload == "" and jwt.get_unverified_header(signature) == {"alg": "ES256"}
    assert CHECK.refusal(REPORT, signature) is None


def test_the_unencoded_payload_option_of_rfc_7797_is_accepted_too() -> None:
    signature = PyJWS().encode(REPORT, CITY, algorithm="ES256", is_payload_detached=True)
    assert CHECK.refusal(REPORT, signature) is None
    assert CHECK.refusal(REPORT + b" ", signature) is not None


@pytest.mark.parametrize(
    ("signature", "value", "why"),
    [
        (None, REPORT, "no signature"),
        ("", REPORT, "no signature"),
        (sign(REPORT, CITY), REPORT.replace(b"CZ-1", b"CZ-2"), "does not verify"),
        (sign(REPORT, CITY), REPORT + b"\n", "does not verify"),  # not the exact bytes
        (sign(REPORT, OTHER), REPORT, "does not verify"),
        (jwt.api_jws.encode(REPORT, CITY, algorithm="ES256"), REPORT, "not a detached JWS"),
        ("e30..c2ln", REPORT, "algorithm must be ES256"),
        ("not-a-jws", REPORT, "not a detached JWS"),
        ("x" * 3000, REPORT, "too long"),
    ],
)
def test_a_missing_altered_foreign_or_malformed_signature_is_refused(
    signature: str | None, value: bytes, why: str
) -> None:
    refusal = CHECK.refusal(value, signature)
    assert refusal is not None and refusal.startswith("bad_city_signature") and why in refusal


def test_a_symmetric_or_unsigned_token_never_passes_for_the_city() -> None:
    # The old confusion attack: an HMAC keyed with the (public) key. The algorithm is pinned.
    header = base64url_encode(b'{"alg":"HS256"}')
    signing_input = header + b"." + base64url_encode(REPORT)
    mac = hmac.new(CITY_PUBLIC.encode(), signing_input, hashlib.sha256).digest()
    forged = f"{header.decode()}..{base64url_encode(mac).decode()}"
    assert "ES256" in (CHECK.refusal(REPORT, forged) or "")
    unsigned = PyJWS().encode(REPORT, None, algorithm="none").split(".")
    assert CHECK.refusal(REPORT, f"{unsigned[0]}..{unsigned[2]}") is not None


def test_while_the_city_rolls_its_key_over_either_key_verifies() -> None:
    both = CitySignatures.from_pem(CITY_PUBLIC + OTHER_PUBLIC)
    assert both.refusal(REPORT, sign(REPORT, CITY)) is None
    assert both.refusal(REPORT, sign(REPORT, OTHER)) is None


def test_the_kafka_admission_check_reads_the_x_city_signature_header() -> None:
    def record(headers: dict[str, str]) -> Delivery:
        return Delivery(topics.ASSISTANCE_STATUS_INBOUND, 0, 1, b"CZ-1", REPORT, headers)

    assert CHECK.admit(record({KAFKA_HEADER: sign(REPORT, CITY)})) is None
    assert "no signature" in (CHECK.admit(record({"traceparent": "00-x"})) or "")


def test_only_p256_public_keys_in_pem_are_taken() -> None:
    with pytest.raises(BadKey, match="no PEM public key"):
        CitySignatures.from_pem("not a key")
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    pem = rsa_key.public_bytes(_PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    with pytest.raises(BadKey, match="P-256"):
        CitySignatures.from_pem(pem)


def test_intake_will_not_start_without_the_city_systems_key(tmp_path: Path) -> None:
    auth = tmp_path / "auth.pem"
    auth.write_text("-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n")
    local = {
        "environment": "local",
        "database_url": "postgresql+asyncpg://intake:intake@db:5432/intake",
        "auth_public_key_file": auth,
        "kafka_password": "intake-local",
        "kafka_ca_file": auth,
        "sealing_master_keys_dir": tmp_path,
        "inbound_private_key_file": auth,  # not read: only the city's key is missing here
    }
    with pytest.raises(ValidationError, match="CITY_REPORT_PUBLIC_KEY_FILE"):
        Settings(**local)  # type: ignore[arg-type]
    key = tmp_path / "city.pub.pem"
    key.write_text(CITY_PUBLIC)
    settings = Settings(city_report_public_key_file=key, **local)  # type: ignore[arg-type]
    assert settings.city_report_key() == CITY_PUBLIC
