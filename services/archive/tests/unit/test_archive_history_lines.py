"""Every event a file records gets a Chinese history line made from the event alone."""

from __future__ import annotations

import pytest

from archive.domain.history import HISTORY_EVENTS, summary, yuan
from contracts.envelope import Event
from contracts.review import RecipientStatusChanged
from contracts.samples import sample

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("cls", HISTORY_EVENTS, ids=lambda c: c.__name__)
def test_archive_every_recorded_event_has_a_chinese_line(cls: type[Event]) -> None:
    line = summary(sample(cls, full=True))
    assert line != cls.model_fields["event_type"].default
    assert any("\u4e00" <= ch <= "\u9fff" for ch in line)


def test_archive_a_status_line_says_what_changed_why_and_from_when() -> None:
    event = sample(RecipientStatusChanged, status="stopped", reason_code="deceased")
    assert summary(event) == "救助状态变更：在册 → 停止（死亡，自 2024-05-06 起）"


def test_archive_fen_are_shown_as_yuan_without_floats() -> None:
    assert (yuan(0), yuan(5), yuan(1250), yuan(-1250)) == (
        "0.00 元",
        "0.05 元",
        "12.50 元",
        "-12.50 元",
    )
