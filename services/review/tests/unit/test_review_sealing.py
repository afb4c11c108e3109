"""review's sealing helpers on an in-memory ring: every free-text column is sealed to its row,
JSON parts round-trip whole, values stored before sealing open as they were."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from civic import sealing
from civic.asyncapi import DOCS_ENV
from civic.sealing.ciphers import Algorithm, SealBroken, new_key
from civic.sealing.keyring import DataKey, KeyRing, in_clear
from review.adapters.sealing import SEALED_COLUMNS, open_values, seal_values
from review.orm import city_report, emergency_care, metadata, review_case, service_change
from review.settings import Settings

pytestmark = pytest.mark.unit

CHANGE = {
    "reason_zh": "近期中风",
    "note_zh": "卧床不起",
    "refusal_zh": "其子回家照料",
    "state": "x",
}


@pytest.fixture(autouse=True)
def ring(monkeypatch: pytest.MonkeyPatch) -> KeyRing:
    """A ring of one fresh key, as the process's ring for this test only."""
    now = datetime.now(UTC)
    key = DataKey("k1", Algorithm.AES_256_GCM, new_key(Algorithm.AES_256_GCM), now)
    made = KeyRing([key], index_keys={}, now=now, legacy=in_clear)
    monkeypatch.setattr(sealing, "_ring", made)
    return made


def test_every_sealed_column_is_text_keyed_by_its_tables_one_column_primary_key() -> None:
    for s in SEALED_COLUMNS:
        table = metadata.tables[s.table]
        assert [c.name for c in table.primary_key] == [s.row_key], s
        assert table.c[s.column].type.python_type is str, s
    free_text = {(s.table, s.column) for s in SEALED_COLUMNS}
    assert {
        ("needs_assessment", "notes"),
        ("service_change", "reason_zh"),
        ("service_change", "note_zh"),
        ("emergency_care", "reason_zh"),
        ("city_report", "reason_zh"),
    } <= free_text


def test_a_change_is_sealed_to_its_row_and_reads_back() -> None:
    row = uuid.uuid4()
    sealed = seal_values(service_change, CHANGE, row=row)
    assert sealed["state"] == "x"  # what the queue filters on stays as it is
    assert all(sealed[k].startswith("s1.k1.") for k in ("reason_zh", "note_zh", "refusal_zh"))
    assert not [v for v in CHANGE.values() if v != "x" and v in json.dumps(sealed)]
    assert open_values(service_change, sealed, row=row) == CHANGE
    with pytest.raises(SealBroken):
        open_values(service_change, sealed, row=uuid.uuid4())


def test_json_parts_are_sealed_whole_and_none_stays_none() -> None:
    row = uuid.uuid4()
    parts = {"preliminary": {"reason_zh": "未见病历", "outcome": "failed"}, "decision": None}
    sealed = seal_values(review_case, parts, row=row)
    assert sealed["decision"] is None and "未见病历" not in sealed["preliminary"]
    assert open_values(review_case, sealed, row=row) == parts
    report = {"report": {"reason_zh": "户籍迁出"}, "reason_zh": "户籍迁出"}
    assert open_values(city_report, seal_values(city_report, report, row=row), row=row) == report


def test_values_stored_before_sealing_open_as_they_were() -> None:
    # What migration 0009 leaves: text in clear, JSON as its text.
    row = uuid.uuid4()
    assert open_values(emergency_care, {"reason_zh": "独居摔倒"}, row=row) == {
        "reason_zh": "独居摔倒"
    }
    clear = {"preliminary": json.dumps({"reason_zh": "未见病历"}, ensure_ascii=False)}
    assert open_values(review_case, clear, row=row) == {"preliminary": {"reason_zh": "未见病历"}}


def test_review_does_not_start_without_its_master_keys() -> None:
    without = {k: v for k, v in DOCS_ENV.items() if k != "sealing_master_keys_dir"}
    with pytest.raises(ValidationError, match="SEALING_MASTER_KEYS_DIR"):
        Settings.model_validate(without)
