"""A file's state folds the approval and status changes the same way in any arrival order."""

from __future__ import annotations

import itertools
import uuid
from datetime import date

import pytest

from archive.domain.files import (
    Residence,
    StatusChange,
    apply_change,
    file_id_for,
    fold,
    fold_counting,
    initial_state,
    villages_touched,
)
from contracts.review import RecipientApproved, RecipientStatusChanged
from contracts.samples import sample

pytestmark = pytest.mark.unit

HOME = Residence("341702", "341702100", "341702100201")
NEW_HOME = Residence("341721", "341721100", "341721100201")


def approval() -> RecipientApproved:
    return sample(RecipientApproved, effective_date=date(2026, 3, 1), category="tekun")


def change(version: int, status: str, day: int, **extra: object) -> StatusChange:
    return StatusChange(version, status, date(2026, 4, day), **extra)  # type: ignore[arg-type]


def test_archive_a_file_opens_active_from_the_approval_date() -> None:
    state = initial_state(approval())
    assert (state.status, state.status_version, state.served_since) == (
        "active",
        1,
        date(2026, 3, 1),
    )
    assert state.residence == HOME and state.served


def test_archive_a_stale_or_repeated_change_changes_nothing() -> None:
    stopped = apply_change(initial_state(approval()), change(3, "stopped", 5))
    assert apply_change(stopped, change(2, "suspended", 1)) == stopped
    assert apply_change(stopped, change(3, "stopped", 5)) == stopped


def test_archive_resuming_starts_a_new_period_of_service() -> None:
    state = fold(initial_state(approval()), [change(2, "suspended", 3), change(3, "resumed", 20)])
    assert state.status == "resumed" and state.served_since == date(2026, 4, 20)
    assert state.status_effective_date == date(2026, 4, 20)


def test_archive_a_category_change_keeps_the_period_and_changes_the_category() -> None:
    state = apply_change(
        initial_state(approval()), change(2, "category_changed", 9, new_category="dibao")
    )
    assert state.category == "dibao" and state.served_since == date(2026, 3, 1)


def test_archive_a_transfer_moves_the_file_and_remembers_the_old_village() -> None:
    before = initial_state(approval())
    after = apply_change(before, change(2, "transferred", 12, new_residence=NEW_HOME))
    assert after.residence == NEW_HOME and after.previous_village_code == HOME.village_code
    assert after.moved_on == after.served_since == date(2026, 4, 12)
    assert villages_touched(before, after) == (HOME.village_code, NEW_HOME.village_code)


def test_archive_the_fold_is_the_same_in_every_arrival_order() -> None:
    changes = [
        change(2, "suspended", 2),
        change(3, "resumed", 10),
        change(4, "category_changed", 11, new_category="dibao"),
        change(5, "transferred", 15, new_residence=NEW_HOME),
        change(6, "stopped", 28),
    ]
    start = initial_state(approval())
    results = {fold(start, list(order)) for order in itertools.permutations(changes)}
    assert len(results) == 1
    (only,) = results
    assert (only.status, only.category, only.residence) == ("stopped", "dibao", NEW_HOME)


def test_archive_the_fold_names_the_changes_that_took_effect_in_version_order() -> None:
    changes = [change(3, "resumed", 10), change(2, "suspended", 2), change(2, "suspended", 2)]
    state, versions = fold_counting(initial_state(approval()), changes)
    assert versions == [2, 3] and state.status == "resumed"
    assert fold_counting(state, changes) == (state, [])  # all stale now: nothing to record


def test_archive_a_status_change_event_reads_into_a_change() -> None:
    event = sample(
        RecipientStatusChanged,
        status="transferred",
        new_county_code="341721",
        new_township_code="341721100",
        new_village_code="341721100201",
    )
    assert StatusChange.of(event).new_residence == NEW_HOME


def test_archive_a_person_keeps_one_file_id() -> None:
    person = uuid.uuid4()
    assert file_id_for(person) == file_id_for(person) != file_id_for(uuid.uuid4())
