"""Sealing without a database: both ciphers, key ids in values, values bound to their row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from civic.sealing.ciphers import Algorithm, SealBroken, new_key
from civic.sealing.keyring import DataKey, KeyRing, KeyUnknown, key_id_of
from civic.sealing.master import FileMasterKeys, make_first_master_key

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 5, 12, tzinfo=UTC)
ID_NUMBER = "34170219800101002X"


def _key(key_id: str, algorithm: Algorithm, *, since: timedelta = timedelta(0)) -> DataKey:
    return DataKey(key_id, algorithm, new_key(algorithm), NOW - since)


@pytest.mark.parametrize("algorithm", list(Algorithm))
def test_a_value_opens_only_in_its_own_field_and_row(algorithm: Algorithm) -> None:
    ring = KeyRing([_key("k1", algorithm)], index_keys={}, now=NOW)
    sealed = ring.seal(ID_NUMBER, purpose="intake.person.id_number", row="p-1")
    assert ID_NUMBER not in sealed and key_id_of(sealed) == "k1"
    assert ring.open(sealed, purpose="intake.person.id_number", row="p-1") == ID_NUMBER
    with pytest.raises(SealBroken):
        ring.open(sealed, purpose="intake.person.id_number", row="p-2")  # swapped between people
    with pytest.raises(SealBroken):
        ring.open(sealed, purpose="survey.finding.body", row="p-1")  # moved to another field
    tampered = sealed[:-6] + ("A" if sealed[-6] != "A" else "B") + sealed[-5:]
    with pytest.raises(SealBroken):
        ring.open(tampered, purpose="intake.person.id_number", row="p-1")


def test_the_newest_started_key_seals_and_every_held_key_opens() -> None:
    old = _key("k-old", Algorithm.AES_256_GCM, since=timedelta(days=30))
    new = _key("k-new", Algorithm.SM4_GCM, since=timedelta(minutes=1))
    later = _key("k-later", Algorithm.AES_256_GCM, since=-timedelta(minutes=1))  # not yet
    before = KeyRing([old], index_keys={}, now=NOW)
    sealed_before = before.seal("13800138000", purpose="p", row="r")
    ring = KeyRing([old, new, later], index_keys={}, now=NOW)
    assert ring.active.key_id == "k-new" and not ring.is_current(sealed_before)
    assert ring.open(sealed_before, purpose="p", row="r") == "13800138000"
    assert ring.is_current(ring.seal("x", purpose="p", row="r"))
    with pytest.raises(KeyUnknown):
        KeyRing([new], index_keys={}, now=NOW).open(sealed_before, purpose="p", row="r")


def test_a_value_from_before_key_ids_opens_only_through_the_legacy_opener() -> None:
    ring = KeyRing([_key("k1", Algorithm.AES_256_GCM)], index_keys={}, now=NOW)
    with pytest.raises(KeyUnknown):
        ring.open("bGVnYWN5", purpose="p", row="r")
    legacy = KeyRing(
        [_key("k1", Algorithm.AES_256_GCM)],
        index_keys={},
        now=NOW,
        legacy=lambda value, purpose, row: f"opened {value} for {purpose}/{row}",
    )
    assert legacy.open("bGVnYWN5", purpose="p", row="r") == "opened bGVnYWN5 for p/r"
    assert key_id_of("bGVnYWN5") == "legacy"


def test_blind_indexes_match_equal_values_and_differ_by_key() -> None:
    ring = KeyRing([_key("k1", Algorithm.AES_256_GCM)], index_keys={"id": b"a" * 32}, now=NOW)
    other = KeyRing([_key("k1", Algorithm.AES_256_GCM)], index_keys={"id": b"b" * 32}, now=NOW)
    assert ring.index(ID_NUMBER, purpose="id") == ring.index(ID_NUMBER, purpose="id")
    assert ring.index(ID_NUMBER, purpose="id") != other.index(ID_NUMBER, purpose="id")
    assert ID_NUMBER not in ring.index(ID_NUMBER, purpose="id")
    with pytest.raises(KeyUnknown):
        ring.index(ID_NUMBER, purpose="phone")


def test_a_ring_with_no_started_key_refuses() -> None:
    with pytest.raises(KeyUnknown):
        KeyRing(
            [_key("k1", Algorithm.AES_256_GCM, since=-timedelta(hours=1))], index_keys={}, now=NOW
        )


def test_master_keys_wrap_data_keys_bound_to_their_id(tmp_path: Path) -> None:
    assert make_first_master_key(tmp_path) and not make_first_master_key(tmp_path)
    assert oct((tmp_path / "m0001.key").stat().st_mode & 0o777) == "0o600"
    master = FileMasterKeys(tmp_path)
    material = new_key(Algorithm.AES_256_GCM)
    master_id, wrapped = master.wrap(material, key_id="k1")
    assert master_id == "m0001" and material not in wrapped
    assert master.unwrap(wrapped, key_id="k1", master_id=master_id) == material
    with pytest.raises(SealBroken):
        master.unwrap(wrapped, key_id="k2", master_id=master_id)
