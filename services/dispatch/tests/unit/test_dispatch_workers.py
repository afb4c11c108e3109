"""Issue 19's rules: a record's worker must be registered (and trained for care items);
referral passes by a provider whose agreement ended or whose score is below the threshold,
and prefers the better scored; evaluations are kept newest first."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from contracts.dispatch.orders import UnplacedReason
from contracts.dispatch.services import RecordCheck
from contracts.enums import ServiceCategory
from contracts.reasons import RecordRefusalReason
from dispatch.domain.evaluations import Evaluation
from dispatch.domain.records import check_record, published_as
from dispatch.domain.referral import (
    Candidate,
    PassedBy,
    Unplaced,
    choose_provider,
    eligible_for_override,
)
from dispatch.domain.workers import Entry, Training, WorkerCheck, after_put, check_of, worker_check

from .fakes import ACCEPTED_TERMS, TRAINED_WORKER, proper_report
from .test_dispatch_choose_provider import DAY, NEED, chosen_code, provider

pytestmark = pytest.mark.unit

ON = date(2026, 6, 3)
LIFE, HEALTH, CLEANING = (
    ServiceCategory.LIFE_CARE,
    ServiceCategory.HEALTH_CARE,
    ServiceCategory.CLEANING,
)
UNREGISTERED, UNTRAINED = WorkerCheck.WORKER_UNREGISTERED, WorkerCheck.WORKER_UNTRAINED


def trained_in(*categories: ServiceCategory, on: date = date(2025, 3, 1)) -> Training:
    return Training("岗前培训", frozenset(categories), on)


# --- the worker rule ---------------------------------------------------------------------


def test_dispatch_a_registered_trained_recently_evaluated_worker_may_serve_every_category() -> None:
    for category in ServiceCategory:
        assert worker_check(TRAINED_WORKER, category, ON) is None


def test_dispatch_a_worker_not_in_the_register_or_who_left_is_unregistered() -> None:
    assert worker_check(None, CLEANING, ON) is UNREGISTERED
    assert worker_check(replace(TRAINED_WORKER, active=False), CLEANING, ON) is UNREGISTERED
    assert worker_check(None, None, ON) is UNREGISTERED


@pytest.mark.parametrize(
    "changes",
    [
        {"trainings": ()},  # never trained
        {"trainings": (trained_in(CLEANING),)},  # trained, not for care
        {"trainings": (trained_in(LIFE, HEALTH, on=date(2026, 6, 4)),)},  # trained later
        {"evaluated_on": None},  # never evaluated
        {"evaluated_on": date(2025, 6, 2)},  # more than 12 months before
        {"evaluated_on": date(2026, 6, 4)},  # evaluated only after the service
    ],
)
def test_dispatch_care_items_need_a_covering_training_and_an_evaluation_within_a_year(
    changes: dict[str, object],
) -> None:
    worker = replace(TRAINED_WORKER, **changes)  # type: ignore[arg-type]
    assert worker_check(worker, LIFE, ON) is UNTRAINED
    assert worker_check(worker, HEALTH, ON) is UNTRAINED
    assert worker_check(worker, CLEANING, ON) is None  # cleaning needs a registered worker only
    assert worker_check(worker, ServiceCategory.CAPABILITY_BUILDING, ON) is None


def test_dispatch_an_evaluation_twelve_months_old_to_the_day_still_counts() -> None:
    worker = replace(TRAINED_WORKER, evaluated_on=date(2025, 6, 3))
    assert worker_check(worker, LIFE, ON) is None
    assert worker_check(worker, LIFE, date(2026, 6, 4)) is UNTRAINED
    early = (trained_in(LIFE, on=date(2024, 1, 1)),)
    leap = replace(TRAINED_WORKER, evaluated_on=date(2024, 2, 29), trainings=early)
    assert worker_check(leap, LIFE, date(2025, 2, 28)) is None
    assert worker_check(leap, LIFE, date(2025, 3, 1)) is UNTRAINED


def test_dispatch_a_training_for_one_care_category_does_not_cover_the_other() -> None:
    worker = replace(TRAINED_WORKER, trainings=(trained_in(LIFE),))
    assert worker_check(worker, LIFE, ON) is None
    assert worker_check(worker, HEALTH, ON) is UNTRAINED


# --- the record checks -------------------------------------------------------------------

NOW = datetime(2026, 6, 3, 8, 0, tzinfo=UTC)


def record_check(worker: object, **report_changes: object) -> object:
    report = replace(proper_report(NOW), **report_changes)  # type: ignore[arg-type]
    return check_record(
        ACCEPTED_TERMS,
        report,
        now=NOW,
        skew=timedelta(minutes=5),
        overlaps=False,
        worker=worker,  # type: ignore[arg-type]
    )


def test_dispatch_a_record_by_an_unregistered_or_untrained_worker_is_refused() -> None:
    assert record_check(TRAINED_WORKER) is None
    assert record_check(None) is UNREGISTERED
    assert record_check(replace(TRAINED_WORKER, trainings=())) is UNTRAINED


def test_dispatch_the_order_and_confirmation_checks_come_before_the_worker() -> None:
    assert record_check(None, item_code="LC-09") is RecordCheck.ITEM_NOT_IN_ORDER
    unconfirmed = record_check(None, recipient_confirmed=False)
    assert unconfirmed is RecordCheck.MISSING_CONFIRMATION


def test_dispatch_worker_refusals_go_on_the_wire_as_other_with_their_chinese_reason() -> None:
    assert published_as(UNREGISTERED) == (RecordRefusalReason.OTHER, None)
    assert published_as(UNTRAINED) == (RecordRefusalReason.OTHER, None)
    assert UNREGISTERED.label_zh == "服务人员未在服务供给主体人员名册中登记"
    assert UNTRAINED.label_zh == "服务人员未参加该服务事项要求的技能培训或能力评价已过期"
    assert published_as(RecordCheck.WORKER_OVERLAP) == (
        RecordRefusalReason.DUPLICATE_RECORD,
        RecordCheck.WORKER_OVERLAP,
    )


def test_dispatch_a_stored_check_code_reads_back_as_its_check() -> None:
    assert check_of("worker_untrained") is UNTRAINED
    assert check_of("order_paused") is RecordCheck.ORDER_PAUSED


# --- the register's PUT ------------------------------------------------------------------

ENTRY = Entry(
    "w1",
    TRAINED_WORKER.name_zh,
    TRAINED_WORKER.qualification,
    TRAINED_WORKER.trainings,
    TRAINED_WORKER.evaluated_on,
    True,
)
PROVIDER_ID = TRAINED_WORKER.provider_id


def test_dispatch_a_put_adds_then_a_repeat_changes_nothing_and_a_change_bumps_the_version() -> None:
    first = after_put(None, ENTRY, PROVIDER_ID)
    assert first == TRAINED_WORKER
    assert after_put(TRAINED_WORKER, ENTRY, PROVIDER_ID) is None
    left = after_put(TRAINED_WORKER, replace(ENTRY, active=False), PROVIDER_ID)
    assert left is not None
    assert (left.version, left.active) == (2, False)


# --- evaluations ---------------------------------------------------------------------------

AT = datetime(2026, 7, 2, 1, 0, tzinfo=UTC)
EVALUATION = Evaluation(uuid.uuid4(), "care-a", "341702", "2026-06", 1, 72, 60, 40, 1, 0, 0, AT)


def test_dispatch_an_evaluation_replaces_one_of_its_period_only_when_newer() -> None:
    assert EVALUATION.supersedes(None)
    assert not EVALUATION.supersedes(EVALUATION)  # a redelivery
    later = replace(EVALUATION, evaluated_at=AT + timedelta(hours=1), score=50)
    assert later.supersedes(EVALUATION)
    assert not EVALUATION.supersedes(later)  # an older scoring arriving late
    newer_rule = replace(EVALUATION, rule_version=2, evaluated_at=AT - timedelta(days=1))
    assert newer_rule.supersedes(later)
    assert later.below_threshold and not EVALUATION.below_threshold


# --- referral ------------------------------------------------------------------------------


def scored(code: str, score: int | None, threshold: int = 60, **changes: object) -> Candidate:
    threshold_or_none = None if score is None else threshold
    return Candidate(provider(code), score=score, referral_threshold=threshold_or_none, **changes)  # type: ignore[arg-type]


def test_dispatch_a_provider_whose_agreement_ended_gets_no_new_referral() -> None:
    ended = Candidate(provider("a", agreement_ends_on=DAY - timedelta(days=1)))
    assert choose_provider(NEED, [ended]) == Unplaced(
        UnplacedReason.OTHER, "服务供给主体服务协议已到期"
    )
    last_day = Candidate(provider("b", agreement_ends_on=DAY))
    assert chosen_code(choose_provider(NEED, [ended, last_day])) == "b"


def test_dispatch_a_provider_scored_below_the_threshold_gets_no_new_referral() -> None:
    low = scored("a", 59)
    assert choose_provider(NEED, [low]) == Unplaced(
        UnplacedReason.OTHER, "服务供给主体绩效评价低于县级转介门槛"
    )
    assert chosen_code(choose_provider(NEED, [low, scored("b", 60)])) == "b"
    assert chosen_code(choose_provider(NEED, [low, scored("c", None)])) == "c"  # never evaluated


def test_dispatch_the_qualification_is_checked_before_the_agreement_and_the_score() -> None:
    lapsed = provider("a", agreement_ends_on=date(2026, 1, 1))
    lapsed = replace(
        lapsed, qualification=replace(lapsed.qualification, valid_until=date(2026, 5, 31))
    )
    both = Candidate(lapsed, score=10, referral_threshold=60)
    assert choose_provider(NEED, [both]) == Unplaced(UnplacedReason.NOT_QUALIFIED)
    ended_and_low = Candidate(
        provider("b", agreement_ends_on=date(2026, 1, 1)), score=10, referral_threshold=60
    )
    assert choose_provider(NEED, [ended_and_low]).reason_zh == PassedBy.AGREEMENT_ENDED.label_zh  # type: ignore[union-attr]


def test_dispatch_the_better_score_wins_after_continuity_and_before_load() -> None:
    best_but_busy = scored("a", 95, open_orders=8)
    good_and_idle = scored("b", 80, open_orders=0)
    unscored = scored("c", None, open_orders=0)
    assert chosen_code(choose_provider(NEED, [good_and_idle, best_but_busy, unscored])) == "a"
    knows_the_family = scored("d", 61, open_orders=9, serves_household=True)
    choice = choose_provider(NEED, [best_but_busy, knows_the_family])
    assert chosen_code(choice) == "d"
    assert chosen_code(choose_provider(NEED, [unscored, scored("e", 61)])) == "e"


def test_dispatch_an_officer_may_not_override_to_a_provider_whose_agreement_ended() -> None:
    ended = provider("a", agreement_ends_on=DAY - timedelta(days=1))
    assert eligible_for_override(NEED, ended) is PassedBy.AGREEMENT_ENDED
    assert eligible_for_override(NEED, provider("b", agreement_ends_on=DAY)) is None
