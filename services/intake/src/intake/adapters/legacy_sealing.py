"""ID numbers as intake sealed them before data keys had ids (migration 0004 to 0006).

One key, ``ID_NUMBER_KEY`` (32 random bytes in base64), gave two keys by HKDF: one sealed
each number with AES-256-GCM (standard base64 of nonce and ciphertext, no key id), one
made the blind index (HMAC-SHA256). Values sealed so still open through ``legacy_opener``
until the keeper has re-sealed them under the data keys (``intake.adapters.sealing``), and
the first ring adopts the index key so every person stays findable by number.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_AAD = b"intake.person.id_number"
_NONCE = 12


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


def legacy_opener(vault: Vault) -> Callable[[str, str, str], str]:
    """Opens a value the old way, for the ring (which passes purpose and row, unused here)."""

    def open_legacy(sealed: str, purpose: str, row: str) -> str:
        return vault.open(sealed)

    return open_legacy
