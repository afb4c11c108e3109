"""survey's sealing helpers on an in-memory ring: JSON bodies round-trip, bound to their row."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from civic import sealing
from civic.asyncapi import DOCS_ENV
from civic.sealing.ciphers import Algorithm, SealBroken, new_key
from civic.sealing.keyring import DataKey, KeyRing, in_clear
from survey.adapters.sealing import FINDINGS, REVIEW, open_json, seal_json
from survey.settings import Settings

pytestmark = pytest.mark.unit

BODY: dict[str, Any] = {
    "location": {"latitude": 30.6601, "longitude": 117.4912},
    "health_notes": "高血压，行动不便",
    "household_members": [{"name": "张三", "id_number": "341702199003070014"}],
}


@pytest.fixture(autouse=True)
def ring(monkeypatch: pytest.MonkeyPatch) -> KeyRing:
    """A ring of one fresh key, as the process's ring for this test only."""
    now = datetime.now(UTC)
    key = DataKey("k1", Algorithm.AES_256_GCM, new_key(Algorithm.AES_256_GCM), now)
    made = KeyRing([key], index_keys={}, now=now, legacy=in_clear)
    monkeypatch.setattr(sealing, "_ring", made)
    return made


def test_a_sealed_body_reads_back_whole_and_shows_nothing() -> None:
    row = uuid.uuid4()
    sealed = seal_json(BODY, purpose=FINDINGS, row=row)
    assert open_json(sealed, purpose=FINDINGS, row=row) == BODY
    assert sealed.startswith("s1.k1.")
    assert all(s not in sealed for s in ("30.66", "高血压", "张三", "341702199003070014"))


def test_a_body_opens_only_in_its_own_row_and_column() -> None:
    row = uuid.uuid4()
    sealed = seal_json(BODY, purpose=FINDINGS, row=row)
    with pytest.raises(SealBroken):
        open_json(sealed, purpose=FINDINGS, row=uuid.uuid4())
    with pytest.raises(SealBroken):
        open_json(sealed, purpose=REVIEW, row=row)


def test_a_body_stored_before_sealing_opens_as_it_was() -> None:
    # What migration 0004's ``body::text`` leaves: JSON text in clear.
    clear = json.dumps(BODY, ensure_ascii=False)
    assert open_json(clear, purpose=FINDINGS, row=uuid.uuid4()) == BODY


def test_survey_does_not_start_without_its_master_keys() -> None:
    without = {k: v for k, v in DOCS_ENV.items() if k != "sealing_master_keys_dir"}
    with pytest.raises(ValidationError, match="SEALING_MASTER_KEYS_DIR"):
        Settings.model_validate(without)
