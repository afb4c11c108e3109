"""Issue 16: the ID number in a city report travels sealed to intake and opens only there."""

from __future__ import annotations

import base64
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, x25519
from pydantic import ValidationError

from civic.consumer import Delivery
from civic.secrets import ensure_secrets
from contracts import topics
from contracts.inbound import AssistanceStatusReported
from contracts.privacy import find_id_numbers
from devstack.journeys.city import seal_id_number, sealed_report, sign
from intake.adapters.inbound import BadInboundKey, InboundKeys, Unopenable
from intake.adapters.signatures import KAFKA_HEADER, CitySignatures
from intake.bootstrap import city_admission
from intake.settings import Settings

pytestmark = pytest.mark.unit

NUMBER = "341702195001010036"
_PEM = serialization.Encoding.PEM


def keypair() -> tuple[x25519.X25519PrivateKey, bytes]:
    """A fresh inbound key: (private key, public PEM as the city is given it)."""
    key = x25519.X25519PrivateKey.generate()
    public = key.public_key().public_bytes(_PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return key, public


def private_pem(key: Any) -> str:
    plain = serialization.NoEncryption()
    return key.private_bytes(_PEM, serialization.PrivateFormat.PKCS8, plain).decode()


KEY, PUBLIC = keypair()
OTHER, OTHER_PUBLIC = keypair()
INTAKE = InboundKeys([KEY])


def report(number: str = NUMBER, public: bytes = PUBLIC, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "case_id": "CZ-DB-000123",
        "status": "stopped",
        "category": "dibao",
        "effective_date": date(2024, 7, 1),
        "reason_code": "TB01",
        "county_code": "341702",
    }
    return sealed_report(number, public, **{**values, **overrides})


def refusal(sealed: str, event_id: uuid.UUID, keys: InboundKeys = INTAKE) -> str:
    with pytest.raises(Unopenable) as caught:
        keys.open(sealed, event_id=event_id)
    assert NUMBER not in str(caught.value)
    return str(caught.value)


def test_a_number_sealed_for_a_report_opens_for_that_report_only_at_intake() -> None:
    sent = report()
    wire = sent.to_json_bytes().decode()
    assert NUMBER not in wire and find_id_numbers(wire) == []
    assert INTAKE.id_number_of(AssistanceStatusReported.model_validate_json(wire)) == NUMBER
    # Sealing is randomised: the same number twice gives two unrelated values.
    again = seal_id_number(NUMBER, event_id=sent.event_id, public_pem=PUBLIC)
    assert again != sent.sealed_id_number
    assert INTAKE.open(again, event_id=sent.event_id) == NUMBER


def test_a_sealed_number_moved_into_another_report_does_not_open() -> None:
    sent = report()
    replayed = report(status="deceased").model_copy(
        update={"sealed_id_number": sent.sealed_id_number}
    )
    assert "for another report" in refusal(replayed.sealed_id_number, replayed.event_id)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda b: b[:-1] + bytes([b[-1] ^ 1]),  # the tag
        lambda b: bytes([b[0] ^ 1]) + b[1:],  # the encapsulated key
        lambda b: b[:40] + bytes([b[40] ^ 0x80]) + b[41:],  # the ciphertext
        lambda b: b[:-3],  # cut short
    ],
    ids=["tag", "enc", "ciphertext", "truncated"],
)
def test_an_altered_sealed_number_is_refused(tamper: Any) -> None:
    sent = report()
    raw = base64.urlsafe_b64decode(sent.sealed_id_number.removeprefix("hpke1.") + "==")
    altered = "hpke1." + base64.urlsafe_b64encode(tamper(raw)).rstrip(b"=").decode()
    assert refusal(altered, sent.event_id).startswith("unopenable_id_number")


def test_a_number_sealed_to_another_key_is_refused_but_both_open_while_rolling_over() -> None:
    foreign = report(public=OTHER_PUBLIC)
    assert "another key" in refusal(foreign.sealed_id_number, foreign.event_id)
    rolling = InboundKeys.from_pem(private_pem(KEY) + private_pem(OTHER))
    assert rolling.id_number_of(foreign) == NUMBER
    assert rolling.id_number_of(report()) == NUMBER


@pytest.mark.parametrize(
    ("sealed", "why"),
    [
        ("s1.k1." + "A" * 88, "not sealed as hpke1."),
        ("hpke1.A", "not base64url"),
        ("hpke1." + "A" * 88, "does not open"),
    ],
)
def test_a_malformed_sealed_number_is_refused(sealed: str, why: str) -> None:
    assert why in refusal(sealed, uuid.uuid4())


def test_an_opened_number_must_still_be_a_valid_id_number() -> None:
    wrong_check = NUMBER[:-1] + "7"
    sent = report(number=wrong_check)
    assert refusal(sent.sealed_id_number, sent.event_id) == "bad_id_number: bad_check_char"


def test_the_contract_takes_only_the_sealed_form() -> None:
    with pytest.raises(ValidationError, match="sealed_id_number"):
        AssistanceStatusReported.model_validate(
            {**report().model_dump(exclude={"sealed_id_number"}), "id_number": NUMBER}
        )
    with pytest.raises(ValidationError, match="sealed_id_number"):
        AssistanceStatusReported.model_validate(
            {**report().model_dump(), "sealed_id_number": NUMBER}
        )


def city_key() -> tuple[bytes, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    plain = serialization.NoEncryption()
    private = key.private_bytes(_PEM, serialization.PrivateFormat.PKCS8, plain)
    public = key.public_key().public_bytes(_PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, public.decode()


CITY, CITY_PUBLIC = city_key()
ADMIT = city_admission(signatures=CitySignatures.from_pem(CITY_PUBLIC), inbound=INTAKE)


def delivery(value: bytes, *, signed: bool = True) -> Delivery:
    headers = {KAFKA_HEADER: sign(value, CITY)} if signed else {}
    return Delivery(topics.ASSISTANCE_STATUS_INBOUND, 0, 1, b"CZ-DB-000123", value, headers)


def test_the_consumer_reads_a_signed_report_only_if_its_number_opens() -> None:
    good = report()
    assert ADMIT(delivery(good.to_json_bytes())) is None
    replayed = report().model_copy(update={"sealed_id_number": good.sealed_id_number})
    refused = ADMIT(delivery(replayed.to_json_bytes()))
    assert refused is not None and refused.startswith("unopenable_id_number")
    invalid = ADMIT(delivery(report(number=NUMBER[:-1] + "7").to_json_bytes()))
    assert invalid == "bad_id_number: bad_check_char"
    # The signature is checked first: nothing unsigned is even decrypted.
    unsigned = ADMIT(delivery(replayed.to_json_bytes(), signed=False))
    assert unsigned is not None and unsigned.startswith("bad_city_signature")
    # Not a report at all: left to the consumer, which dead-letters it as unparseable.
    assert ADMIT(delivery(b'{"event_type":"assistance.AssistanceStatusReported"}')) is None


def test_only_x25519_private_keys_in_pem_are_taken() -> None:
    with pytest.raises(BadInboundKey, match="no PEM private key"):
        InboundKeys.from_pem(PUBLIC.decode())
    with pytest.raises(BadInboundKey, match="X25519"):
        InboundKeys.from_pem(CITY.decode())


def test_the_secrets_generator_makes_a_pair_that_works(tmp_path: Path) -> None:
    folder = ensure_secrets(tmp_path / "secrets")
    public = (folder / "intake" / "inbound.pub.pem").read_bytes()
    keys = InboundKeys.from_pem((folder / "intake" / "inbound.pem").read_text())
    assert keys.id_number_of(report(public=public)) == NUMBER
    assert (folder / "intake" / "inbound.pem").stat().st_mode & 0o077 == 0
    kept = (folder / "intake" / "inbound.pem").read_bytes()
    assert (ensure_secrets(folder) / "intake" / "inbound.pem").read_bytes() == kept


def test_intake_will_not_start_without_its_inbound_key(tmp_path: Path) -> None:
    pem = tmp_path / "key.pem"
    pem.write_text(private_pem(KEY))
    local = {
        "environment": "local",
        "database_url": "postgresql+asyncpg://intake:intake@db:5432/intake",
        "auth_public_key_file": pem,
        "kafka_password": "intake-local",
        "kafka_ca_file": pem,
        "sealing_master_keys_dir": tmp_path,
        "city_report_public_key_pem": CITY_PUBLIC,
    }
    with pytest.raises(ValidationError, match="INBOUND_PRIVATE_KEY_FILE"):
        Settings(**local)  # type: ignore[arg-type]
    settings = Settings(inbound_private_key_file=pem, **local)  # type: ignore[arg-type]
    assert InboundKeys.from_pem(settings.inbound_key()).id_number_of(report()) == NUMBER
