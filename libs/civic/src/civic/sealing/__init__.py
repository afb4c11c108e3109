"""Sealing personal data at rest: one way for every service (see ``docs/keys.md``).

* ``ciphers``: AES-256-GCM (default) or SM4-GCM;
* ``keyring``: a value carries its key id and is bound to its field and row;
* ``master``: master keys wrap the data keys (files here; a KMS by the same interface);
* ``store``: wrapped keys in the service's own ``sealing_key`` table, rotation by date;
* ``columns``: which columns hold sealed values, re-sealing them, counting key use;
* ``keeper``: the process's ring, kept fresh, and the job that re-seals after a rotation.

Repositories seal and open through ``ring()``; nothing else touches key material.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from civic.sealing.keyring import KeyRing

_ring: KeyRing | None = None
#: A ring held by one task (a tool or test working on another database than the process's).
_held: ContextVar[KeyRing | None] = ContextVar("civic_sealing_ring", default=None)


class SealingNotReady(RuntimeError):
    """Personal data was read or written before the service loaded its keys."""


def use_ring(ring: KeyRing) -> None:
    """Makes ``ring`` the process's ring (the keeper at start and on each refresh)."""
    global _ring
    _ring = ring


@contextmanager
def holding(ring: KeyRing) -> Iterator[KeyRing]:
    """Within the block, ``ring()`` in this task is ``ring``; the process's ring is untouched."""
    token = _held.set(ring)
    try:
        yield ring
    finally:
        _held.reset(token)


def ring() -> KeyRing:
    """The ring this task holds, else the process's; refuses rather than store in clear."""
    if (held := _held.get()) is not None:
        return held
    if _ring is None:
        raise SealingNotReady("密钥尚未加载：服务启动时应先加载密钥环")
    return _ring


def seal_text(value: str, *, purpose: str, row: object) -> str:
    """Text sealed for ``purpose`` in ``row`` (it opens in no other row or field)."""
    return ring().seal(value, purpose=purpose, row=str(row))


def open_text(sealed: str, *, purpose: str, row: object) -> str:
    """The text a row's sealed field holds (or held in clear before it was sealed)."""
    return ring().open(sealed, purpose=purpose, row=str(row))


def seal_json(value: Any, *, purpose: str, row: object) -> str:
    """A JSON value sealed as one text (sorted keys: equal values, equal plaintexts)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return seal_text(text, purpose=purpose, row=row)


def open_json(sealed: str, *, purpose: str, row: object) -> Any:
    """The JSON value ``seal_json`` sealed."""
    return json.loads(open_text(sealed, purpose=purpose, row=row))
