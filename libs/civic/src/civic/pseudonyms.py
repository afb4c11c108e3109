"""Keyed pseudonyms: the only form in which an id of ours reaches the city's big-data platform.

A pseudonym is HMAC-SHA256, under the platform's own key, of the id's canonical text, its first
16 bytes shown as a version-8 UUID (``contracts.bigdata.as_pseudonym``). It is stable, so the
platform links one person's steps across services; it is keyed, so a ``person_id`` read on a
public board or on another topic cannot be turned into it without the key; and another
platform, with another key, gets unrelated pseudonyms for the same id.

The key is one per platform: ``civic-secrets`` makes ``bigdata/pseudonym-key`` (32 random bytes,
base64) once and gives each of the six services a copy, ``<service>/bigdata-pseudonym-key``,
read as BIGDATA_PSEUDONYM_KEY_FILE (``ServiceSettings.bigdata_pseudonyms``). Never change it:
a new key starts every person afresh on the platform. Only ENVIRONMENT=local may run without
it, on ``DEV_PSEUDONYM_KEY`` (known to everyone, so refused everywhere else).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import uuid
from pathlib import Path

from contracts.bigdata import as_pseudonym

#: The least key a platform's pseudonyms are made with: as long as HMAC-SHA256's output.
KEY_BYTES = 32
#: The key of local runs that were given none (``DEV`` in clear: never a real platform's).
DEV_PSEUDONYM_KEY = base64.b64encode(b"chizhou-DEV-only-bigdata-pseudo!").decode()


class Pseudonyms:
    """One platform's pseudonymiser: ``pseudonyms(text)`` is the pseudonym of an id's text."""

    def __init__(self, key: bytes) -> None:
        if len(key) < KEY_BYTES:
            raise ValueError(f"a pseudonym key has at least {KEY_BYTES} bytes")
        self._key = key

    @classmethod
    def from_secret(cls, secret: str) -> Pseudonyms:
        """The pseudonymiser of a key written as base64 (as ``civic-secrets`` writes it)."""
        try:
            key = base64.b64decode(secret.strip(), validate=True)
        except binascii.Error as error:
            raise ValueError("a pseudonym key is base64") from error
        return cls(key)

    def __call__(self, text: str) -> uuid.UUID:
        """The pseudonym of ``text`` (``contracts.bigdata.canonical_id`` of an id)."""
        return as_pseudonym(hmac.new(self._key, text.encode(), hashlib.sha256).digest())

    def __repr__(self) -> str:
        return "Pseudonyms(key=<hidden>)"  # a log line or traceback never shows the key


def new_key() -> bytes:
    """A fresh platform key, as its file holds it (base64 of 32 random bytes)."""
    return base64.b64encode(secrets.token_bytes(KEY_BYTES))


def platform_key_file(folder: Path) -> Path:
    """Where ``civic-secrets`` keeps the big-data platform's key (root only in compose)."""
    return folder / "bigdata" / "pseudonym-key"


def service_key_file(folder: Path, service: str) -> Path:
    """Where ``civic-secrets`` keeps ``service``'s copy of the platform's key."""
    return folder / service / "bigdata-pseudonym-key"


def pseudonyms_in(folder: Path, service: str) -> Pseudonyms:
    """The pseudonyms ``service`` makes with its key in the secrets ``folder`` (tests, tools)."""
    return Pseudonyms.from_secret(service_key_file(folder, service).read_text())
