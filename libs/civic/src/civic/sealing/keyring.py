"""A service's ring of data keys: seals values under the active key, opens any it still holds.

A sealed value reads ``s1.<key id>.<base64url(nonce ‖ ciphertext ‖ tag)>``. The key id
travels with the value, so keys rotate one row at a time while every row keeps reading.
The additional data names the key, the field (``purpose``: ``intake.person.id_number``)
and the row (its primary key): a value copied into another person's row, or into another
field, does not open.

Which key is active is decided by the ring's own rows (``active_from``), the same way in
every instance, so a rotation needs no restart: each instance learns the new key before it
becomes active (see ``civic.sealing.store``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from civic.sealing.ciphers import Algorithm, SealBroken, decrypt, encrypt

PREFIX = "s1"
#: A sealed value inside a dump: its random base64 may hold digit runs shaped like a phone.
SEALED_VALUE = re.compile(rf"{PREFIX}\.[0-9A-Za-z]+\.[0-9A-Za-z_=-]+")
#: The key id of values sealed before keys had ids (read only through ``legacy``).
LEGACY = "legacy"

#: Opens a value sealed before the ring existed: (value, purpose, row) -> plaintext.
LegacyOpener = Callable[[str, str, str], str]


def in_clear(value: str, purpose: str, row: str) -> str:
    """The legacy opener of a column that held values in clear before it was sealed (binary
    columns: the content in standard base64); the keeper re-seals them in the background."""
    return value


class KeyUnknown(LookupError):
    """The value names a key this ring does not hold (retired, or not loaded yet)."""


@dataclass(frozen=True)
class DataKey:
    """One data key, unwrapped: what it is for and from when it seals new values."""

    key_id: str
    algorithm: Algorithm
    material: bytes
    active_from: datetime


def key_id_of(sealed: str) -> str:
    """The id of the key a sealed value was sealed under (``legacy`` before ids)."""
    parts = sealed.split(".", 2)
    return parts[1] if len(parts) == 3 and parts[0] == PREFIX else LEGACY


def _aad(key_id: str, purpose: str, row: str) -> bytes:
    return "\x1f".join((PREFIX, key_id, purpose, row)).encode()


class KeyRing:
    """The data keys a service holds, the one that seals now, and its blind-index keys."""

    def __init__(
        self,
        keys: Iterable[DataKey],
        *,
        index_keys: Mapping[str, bytes],
        now: datetime,
        legacy: LegacyOpener | None = None,
    ) -> None:
        self._keys = {key.key_id: key for key in keys}
        started = [key for key in self._keys.values() if key.active_from <= now]
        if not started:
            raise KeyUnknown("密钥环中没有已生效的数据密钥")
        self.active = max(started, key=lambda key: (key.active_from, key.key_id))
        self._index_keys = dict(index_keys)
        self._legacy = legacy

    @property
    def key_ids(self) -> frozenset[str]:
        """Every key id this ring can open."""
        return frozenset(self._keys)

    def seal(self, plaintext: str, *, purpose: str, row: str) -> str:
        """The value sealed under the active key, bound to ``purpose`` and ``row``."""
        return self.seal_bytes(plaintext.encode(), purpose=purpose, row=row)

    def open(self, sealed: str, *, purpose: str, row: str) -> str:
        """The plaintext of a value sealed for ``purpose`` in ``row``."""
        if key_id_of(sealed) == LEGACY:
            if self._legacy is None:
                raise KeyUnknown("该值在启用密钥编号之前加密，未配置旧密钥")
            return self._legacy(sealed, purpose, row)
        return self.open_bytes(sealed, purpose=purpose, row=row).decode()

    def seal_bytes(self, plaintext: bytes, *, purpose: str, row: str) -> str:
        """Bytes (a document's content) sealed like ``seal`` seals text."""
        key = self.active
        body = encrypt(key.algorithm, key.material, plaintext, _aad(key.key_id, purpose, row))
        return f"{PREFIX}.{key.key_id}.{base64.urlsafe_b64encode(body).decode()}"

    def open_bytes(self, sealed: str, *, purpose: str, row: str) -> bytes:
        """The bytes of a value ``seal_bytes`` sealed (a legacy value: base64 of the bytes)."""
        key_id = key_id_of(sealed)
        if key_id == LEGACY:
            return base64.b64decode(self.open(sealed, purpose=purpose, row=row))
        key = self._keys.get(key_id)
        if key is None:
            raise KeyUnknown(f"密钥 {key_id} 不在密钥环中")
        try:
            body = base64.urlsafe_b64decode(sealed.split(".", 2)[2])
        except ValueError as exc:
            raise SealBroken("密文格式不正确") from exc
        return decrypt(key.algorithm, key.material, body, _aad(key_id, purpose, row))

    def is_current(self, sealed: str) -> bool:
        """True when the value is already sealed under the active key."""
        return key_id_of(sealed) == self.active.key_id

    def index(self, value: str, *, purpose: str) -> str:
        """The blind index of ``value`` for ``purpose``: equal values, equal indexes."""
        key = self._index_keys.get(purpose)
        if key is None:
            raise KeyUnknown(f"没有 {purpose} 的索引密钥")
        return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
