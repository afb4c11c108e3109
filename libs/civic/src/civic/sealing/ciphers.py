"""The two authenticated ciphers a data key may use, behind one small interface.

AES-256-GCM is the default. SM4 in GCM mode (GB/T 32907, 128-bit keys) is selectable where
a county's security assessment asks for the national standard (等保/密评). Both are AEAD:
a ciphertext altered, sealed under another key, or moved to another row (different
additional data) does not open.
"""

from __future__ import annotations

import os
from enum import StrEnum

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12
TAG_BYTES = 16


class Algorithm(StrEnum):
    """Which cipher a data key is for (stored with the key, never guessed)."""

    AES_256_GCM = "aes-256-gcm"
    SM4_GCM = "sm4-gcm"

    @property
    def key_bytes(self) -> int:
        """The key length the cipher takes."""
        return 32 if self is Algorithm.AES_256_GCM else 16


class SealBroken(ValueError):
    """The ciphertext does not open: altered, another key, or another row's."""


def new_key(algorithm: Algorithm) -> bytes:
    """Fresh random key material for ``algorithm``."""
    return os.urandom(algorithm.key_bytes)


def encrypt(algorithm: Algorithm, key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """nonce ‖ ciphertext ‖ tag, with a fresh random nonce."""
    nonce = os.urandom(NONCE_BYTES)
    if algorithm is Algorithm.AES_256_GCM:
        return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    body = encryptor.update(plaintext) + encryptor.finalize()
    return nonce + body + encryptor.tag


def decrypt(algorithm: Algorithm, key: bytes, sealed: bytes, aad: bytes) -> bytes:
    """The plaintext; raises ``SealBroken`` when the tag does not verify."""
    nonce, body = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
    try:
        if algorithm is Algorithm.AES_256_GCM:
            return AESGCM(key).decrypt(nonce, body, aad)
        ciphertext, tag = body[:-TAG_BYTES], body[-TAG_BYTES:]
        decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(aad)
        return decryptor.update(ciphertext) + decryptor.finalize()
    except (InvalidTag, ValueError) as exc:
        raise SealBroken("密文无法解开：已被改动、密钥不符或不属于这一行") from exc
