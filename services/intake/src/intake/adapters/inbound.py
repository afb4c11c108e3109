"""The ID number in a city report, sealed to intake's inbound key: opened at the edge, kept nowhere.

No topic may carry an ID number in clear (issue 16): Kafka's log is read by operations and
sits on disks. So the city system seals it (``contracts.inbound``: HPKE, RFC 9180, base mode,
DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-128-GCM) to intake's inbound public key, with
``info`` naming the field and the report's event id: a sealed number opens for that report
only. Intake opens it in memory as it reads the report, resolves the person through the
blind index and keeps the number sealed under its own data keys (``adapters/sealing.py``);
the topic and its dead letters only ever hold the ciphertext.

``INBOUND_PRIVATE_KEY_FILE`` may hold more than one private key (PEM blocks one after the
other): while intake rolls its key over, the city may seal to either public half.
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric import x25519
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from civic.consumer import Delivery
from contracts import resident_id
from contracts.inbound import SEALED_PREFIX, AssistanceStatusReported, sealing_info
from contracts.registry import ContractError, parse

SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_128_GCM)
_PEM_BLOCK = re.compile(r"-----BEGIN PRIVATE KEY-----.+?-----END PRIVATE KEY-----", re.DOTALL)


class BadInboundKey(ValueError):
    """The configured key is not one or more X25519 private keys in PEM (PKCS#8)."""


class Unopenable(ValueError):
    """A sealed ID number intake cannot use; the reason never holds the number."""


def load_keys(pem: str) -> tuple[x25519.X25519PrivateKey, ...]:
    """Every private key in ``pem``; raises BadInboundKey unless there is one, all X25519."""
    blocks = _PEM_BLOCK.findall(pem)
    if not blocks:
        raise BadInboundKey("no PEM private key (-----BEGIN PRIVATE KEY-----) found")
    keys = []
    for block in blocks:
        key = load_pem_private_key(block.encode(), password=None)
        if not isinstance(key, x25519.X25519PrivateKey):
            raise BadInboundKey("intake's inbound key must be an X25519 private key")
        keys.append(key)
    return tuple(keys)


class InboundKeys:
    """Opens the ID number the city system sealed to intake's inbound public key."""

    def __init__(self, keys: Sequence[x25519.X25519PrivateKey]) -> None:
        if not keys:
            raise BadInboundKey("at least one key is needed")
        self._keys = tuple(keys)

    @classmethod
    def from_pem(cls, pem: str) -> InboundKeys:
        """From the PEM text of one or more private keys."""
        return cls(load_keys(pem))

    def open(self, sealed: str, *, event_id: uuid.UUID) -> str:
        """The valid ID number sealed for this event; Unopenable for anything else."""
        blob = _ciphertext(sealed)
        for key in self._keys:
            try:
                opened = SUITE.decrypt(blob, key, info=sealing_info(event_id))
            except InvalidTag:
                continue
            return _valid_number(opened)
        raise Unopenable(
            "unopenable_id_number: does not open with intake's inbound key for this event "
            "(sealed to another key or for another report, or altered)"
        )

    def id_number_of(self, report: AssistanceStatusReported) -> str:
        """The report's ID number, opened with its own event id."""
        return self.open(report.sealed_id_number, event_id=report.event_id)

    def admit(self, delivery: Delivery) -> str | None:
        """The Kafka consumer's admission check: a number that does not open is refused."""
        try:
            report = parse(delivery.topic, delivery.value)
        except ContractError:
            return None  # the consumer dead-letters it as unparseable, with the reason
        if not isinstance(report, AssistanceStatusReported):
            return None
        try:
            self.id_number_of(report)
        except Unopenable as refused:
            return str(refused)
        return None


def _ciphertext(sealed: str) -> bytes:
    if not sealed.startswith(SEALED_PREFIX):
        raise Unopenable(f"unopenable_id_number: not sealed as {SEALED_PREFIX}<base64url>")
    text = sealed.removeprefix(SEALED_PREFIX)
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise Unopenable("unopenable_id_number: not base64url") from None


def _valid_number(opened: bytes) -> str:
    try:
        number = opened.decode()
    except UnicodeDecodeError:
        raise Unopenable("bad_id_number: not text") from None
    # The check the clear field of v1 made (GB 11643, check character included).
    if (problem := resident_id.validate(number)) is not None:
        raise Unopenable(f"bad_id_number: {problem.value}")
    return resident_id.normalize(number)
