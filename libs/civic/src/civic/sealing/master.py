"""Master keys: they wrap a service's data keys and never leave their keeper.

A data key is stored in the service's own database only wrapped (encrypted) by a master
key, so a copy of the database opens nothing. ``MasterKeys`` is what the ring needs from
a keeper. ``FileMasterKeys`` keeps them as files in the service's secrets folder
(``civic-secrets`` makes the first one on first run), for local runs and compose. A county
with a KMS or HSM (Alibaba Cloud KMS, a PKCS#11 HSM certified for 密评) implements the same
two calls against it; ``docs/keys.md`` says how.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Protocol

from civic.sealing.ciphers import Algorithm, decrypt, encrypt

_SUFFIX = ".key"


class MasterKeys(Protocol):
    """Wraps and unwraps data keys; the master key material stays with the keeper."""

    def wrap(self, material: bytes, *, key_id: str) -> tuple[str, bytes]:
        """(master key id, wrapped data key) under the keeper's current master key."""
        ...

    def unwrap(self, wrapped: bytes, *, key_id: str, master_id: str) -> bytes:
        """The data key's material; raises if the master key or the wrapping is wrong."""
        ...


def _aad(key_id: str) -> bytes:
    return f"civic data key\x1f{key_id}".encode()


class FileMasterKeys:
    """Master keys as files ``<master id>.key`` (32 random bytes, base64) in one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _read(self, master_id: str) -> bytes:
        key = base64.b64decode((self.folder / f"{master_id}{_SUFFIX}").read_text().strip())
        if len(key) != 32:
            raise ValueError(f"主密钥 {master_id} 应为 32 字节")
        return key

    def current_id(self) -> str:
        """The newest master key (names sort by creation: m0001, m0002, …)."""
        names = sorted(path.stem for path in self.folder.glob(f"*{_SUFFIX}"))
        if not names:
            raise FileNotFoundError(f"{self.folder} 中没有主密钥（先运行 civic-secrets）")
        return names[-1]

    def wrap(self, material: bytes, *, key_id: str) -> tuple[str, bytes]:
        """(master key id, wrapped data key) under the newest master key."""
        master_id = self.current_id()
        return master_id, encrypt(
            Algorithm.AES_256_GCM, self._read(master_id), material, _aad(key_id)
        )

    def unwrap(self, wrapped: bytes, *, key_id: str, master_id: str) -> bytes:
        """The data key's material."""
        return decrypt(Algorithm.AES_256_GCM, self._read(master_id), wrapped, _aad(key_id))


def make_first_master_key(folder: Path) -> bool:
    """Writes ``m0001.key`` (mode 0600) unless a master key exists; True if it wrote one."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if any(folder.glob(f"*{_SUFFIX}")):
        return False
    path = folder / f"m0001{_SUFFIX}"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write(base64.b64encode(os.urandom(32)).decode() + "\n")
    return True
