"""ID numbers sealed before data keys (the legacy key), and the keys the settings accept."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from pydantic import ValidationError

from civic.sealing.keyring import KeyUnknown
from intake.adapters.legacy_sealing import Vault, legacy_opener
from intake.adapters.sealing import PHONE, PURPOSE, _before_keys
from intake.settings import DEV_ID_NUMBER_KEY, Settings

pytestmark = pytest.mark.unit
NUMBER = "34170219500101003X"


def key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def test_a_sealed_number_opens_again_but_never_reads_as_the_number() -> None:
    vault = Vault.from_secret(key())
    first, second = vault.seal(NUMBER), vault.seal(NUMBER)
    assert first != second  # a fresh nonce each time: equal numbers are not visible as equal
    assert NUMBER not in first and vault.open(first) == vault.open(second) == NUMBER


def test_the_index_finds_a_number_only_under_the_same_key() -> None:
    vault, other = Vault.from_secret(key()), Vault.from_secret(key())
    assert vault.index(NUMBER) == vault.index(NUMBER) != other.index(NUMBER)
    assert vault.index(NUMBER) != vault.index(NUMBER[:-1] + "0")
    assert NUMBER not in vault.index(NUMBER)


def test_an_altered_ciphertext_or_another_key_is_refused() -> None:
    vault = Vault.from_secret(key())
    sealed = base64.b64decode(vault.seal(NUMBER))
    altered = base64.b64encode(sealed[:-1] + bytes([sealed[-1] ^ 1])).decode()
    with pytest.raises(InvalidTag):
        vault.open(altered)
    with pytest.raises(InvalidTag):
        Vault.from_secret(key()).open(vault.seal(NUMBER))


def test_the_ring_opens_a_legacy_value_through_the_old_key() -> None:
    vault = Vault.from_secret(key())
    assert legacy_opener(vault)(vault.seal(NUMBER), "intake.person.id_number", "row") == NUMBER


def test_values_from_before_data_keys_open_by_their_field() -> None:
    vault = Vault.from_secret(key())
    legacy = _before_keys(vault)
    assert legacy(vault.seal(NUMBER), PURPOSE, "row") == NUMBER
    assert legacy("13805661234", PHONE, "row") == "13805661234"  # stored in clear before
    with pytest.raises(KeyUnknown):
        _before_keys(None)(vault.seal(NUMBER), PURPOSE, "row")


def test_the_key_must_be_32_bytes_of_base64() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        Vault.from_secret(base64.b64encode(b"short").decode())


def test_production_refuses_the_development_key(tmp_path: Path) -> None:
    pem = tmp_path / "public.pem"
    pem.write_text("-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n")
    common = {
        "database_url": "postgresql+asyncpg://intake:s3cret-Real@db:5432/intake",
        "auth_public_key_file": pem,
        "auth_issuer": "https://idp.chizhou.example",
        "kafka_password": "Strong-kafka-77a1",
        "kafka_ca_file": pem,
        "city_report_public_key_file": pem,
        "inbound_private_key_file": pem,
        "sealing_master_keys_dir": tmp_path / "master-keys",
        "bigdata_pseudonym_key": key(),
    }
    dev_key = {"id_number_key": DEV_ID_NUMBER_KEY}
    with pytest.raises(ValidationError, match="ID_NUMBER_KEY"):
        Settings(environment="production", **dev_key, **common)  # type: ignore[arg-type]
    assert Settings(environment="local", **dev_key, **common).legacy_id_number_key() == (  # type: ignore[arg-type]
        DEV_ID_NUMBER_KEY
    )
    Settings(environment="production", id_number_key=key(), **common)  # type: ignore[arg-type]
    # Without the pre-ring key the service only seals under its data keys.
    assert Settings(environment="production", **common).legacy_id_number_key() is None  # type: ignore[arg-type]


def test_every_environment_needs_the_master_keys(tmp_path: Path) -> None:
    pem = tmp_path / "public.pem"
    pem.write_text("-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n")
    local = {
        "database_url": "postgresql+asyncpg://intake@db:5432/intake",
        "auth_public_key_file": pem,
        "kafka_password": "intake-local",
        "kafka_ca_file": pem,
        "city_report_public_key_file": pem,
        "inbound_private_key_file": pem,
    }
    with pytest.raises(ValidationError, match="SEALING_MASTER_KEYS_DIR"):
        Settings(environment="local", **local)  # type: ignore[arg-type]
