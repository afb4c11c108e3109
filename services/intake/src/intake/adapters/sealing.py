"""ID numbers at rest: sealed (AES-256-GCM) and found by a blind index (HMAC-SHA256).

An ID number is sensitive personal information (PIPL art. 28). The person table keeps it
only as ciphertext, plus a keyed hash to find a person by number and keep one row per
number; a copy of the database without the key shows neither. Both happen in the column
types below, so queries keep reading and writing plain strings.

The key (``ID_NUMBER_KEY``, 32 random bytes in base64) is given to the process by its
settings at start-up (``configure``); losing it loses every ID number, so county IT keeps
it with the database backups' keys, not beside the database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

_AAD = b"intake.person.id_number"
_NONCE = 12


class SealingNotConfigured(RuntimeError):
    """An ID number was read or written before the service gave the key."""


@dataclass(frozen=True)
class Vault:
    """The two keys derived from ``ID_NUMBER_KEY``: one to seal, one to index."""

    seal_key: bytes
    index_key: bytes

    @classmethod
    def from_secret(cls, secret_b64: str) -> Vault:
        """Derives both keys from the configured 32-byte secret."""
        secret = base64.b64decode(secret_b64, validate=True)
        if len(secret) != 32:
            raise ValueError("ID_NUMBER_KEY must be 32 bytes, base64-encoded")

        def derive(label: bytes) -> bytes:
            return HKDF(algorithm=SHA256(), length=32, salt=None, info=label).derive(secret)

        return cls(derive(b"intake id-number seal"), derive(b"intake id-number index"))

    def index(self, id_number: str) -> str:
        """The blind index: equal numbers give equal indexes; it cannot be reversed."""
        return hmac.new(self.index_key, id_number.encode(), hashlib.sha256).hexdigest()

    def seal(self, id_number: str) -> str:
        """Ciphertext with a fresh nonce (the same number seals differently each time)."""
        nonce = os.urandom(_NONCE)
        sealed = AESGCM(self.seal_key).encrypt(nonce, id_number.encode(), _AAD)
        return base64.b64encode(nonce + sealed).decode()

    def open(self, sealed: str) -> str:
        """The ID number; raises if the ciphertext was altered or sealed under another key."""
        raw = base64.b64decode(sealed)
        return AESGCM(self.seal_key).decrypt(raw[:_NONCE], raw[_NONCE:], _AAD).decode()


_vault: Vault | None = None


def configure(secret_b64: str) -> None:
    """Gives the process its key (called by the composition root)."""
    global _vault
    _vault = Vault.from_secret(secret_b64)


def vault() -> Vault:
    """The configured vault; refuses to work without a key rather than store plain numbers."""
    if _vault is None:
        raise SealingNotConfigured("intake.adapters.sealing.configure() was not called")
    return _vault


class SealedIdNumber(TypeDecorator[str]):
    """A column holding an ID number as AES-GCM ciphertext; reads return the number."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else vault().seal(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else vault().open(value)


class IdNumberIndex(TypeDecorator[str]):
    """A column holding the blind index; compare it with a plain number to find a person."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else vault().index(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return value  # only ever the hash
