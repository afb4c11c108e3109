"""Service records, acceptances, the doorbell's targets and the reply topics' owners."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from contracts.dispatch.services import RecordCheck
from contracts.enums import ServiceMode
from contracts.kinds import AlertChannel
from dispatch.adapters.reply_topics import reply_topic_owner
from dispatch.domain.doorbell import Contact, alert_targets, seconds_between
from dispatch.domain.orders import Acceptance, OrderStatus, acceptance_problem
from dispatch.domain.records import OrderTerms, Report, check_record

from .fakes import ACCEPTED_TERMS, TRAINED_WORKER, proper_report

pytestmark = pytest.mark.unit

NOW = datetime(2026, 6, 3, 8, 0, tzinfo=UTC)  # 16:00 in Chizhou
TERMS = ACCEPTED_TERMS
REPORT = proper_report(NOW)
SKEW = timedelta(minutes=5)


def check(terms: OrderTerms = TERMS, report: Report = REPORT, overlaps: bool = False) -> object:
    return check_record(terms, report, now=NOW, skew=SKEW, overlaps=overlaps, worker=TRAINED_WORKER)


def test_dispatch_a_proper_record_counts() -> None:
    assert check() is None


@pytest.mark.parametrize(
    ("terms", "report", "expected"),
    [
        (replace(TERMS, provider_code="care-b"), REPORT, RecordCheck.ORDER_UNKNOWN),
        (replace(TERMS, status=OrderStatus.ASSIGNED), REPORT, RecordCheck.ORDER_NOT_ACTIVE),
        (replace(TERMS, status=OrderStatus.CANCELLED), REPORT, RecordCheck.ORDER_CANCELLED),
        (replace(TERMS, status=OrderStatus.PAUSED), REPORT, RecordCheck.ORDER_PAUSED),
        (TERMS, replace(REPORT, item_code="LC-02"), RecordCheck.ITEM_NOT_IN_ORDER),
        (TERMS, replace(REPORT, ended_at=NOW + timedelta(hours=1)), RecordCheck.TIME_IN_FUTURE),
        (TERMS, replace(REPORT, service_date=date(2026, 6, 2)), RecordCheck.DATE_MISMATCH),
        (replace(TERMS, start_date=date(2026, 6, 4)), REPORT, RecordCheck.OUTSIDE_ORDER_PERIOD),
        (replace(TERMS, end_date=date(2026, 6, 2)), REPORT, RecordCheck.OUTSIDE_ORDER_PERIOD),
        (TERMS, replace(REPORT, recipient_confirmed=False), RecordCheck.MISSING_CONFIRMATION),
        (TERMS, replace(REPORT, confirmation_ref=None), RecordCheck.MISSING_CONFIRMATION),
    ],
)
def test_dispatch_a_record_is_refused_for_the_first_check_it_fails(
    terms: OrderTerms, report: Report, expected: RecordCheck
) -> None:
    assert check(terms, report) is expected


def test_dispatch_evidence_documents_stand_in_for_a_confirmation_reference() -> None:
    assert check(report=replace(REPORT, confirmation_ref=None, evidence_count=1)) is None


def test_dispatch_a_small_clock_drift_is_tolerated() -> None:
    assert check(report=replace(REPORT, ended_at=NOW + timedelta(minutes=2))) is None


def test_dispatch_an_overlapping_record_of_the_same_worker_is_refused() -> None:
    assert check(overlaps=True) is RecordCheck.WORKER_OVERLAP


def test_dispatch_the_day_is_counted_in_chizhou_time() -> None:
    late_evening = datetime(2026, 6, 2, 17, 0, tzinfo=UTC)  # 01:00 on 3 June in Chizhou
    report = replace(REPORT, started_at=late_evening, ended_at=late_evening + timedelta(hours=1))
    assert check(report=report) is None


def test_dispatch_placements_need_an_admission_date_and_pairings_a_member() -> None:
    assert acceptance_problem(ServiceMode.INSTITUTIONAL_CARE, Acceptance()) == (
        "admission_date_required",
        "机构照料须填写入住日期",
    )
    assert (
        acceptance_problem(
            ServiceMode.INSTITUTIONAL_CARE, Acceptance(admission_date=date(2026, 6, 5))
        )
        is None
    )
    assert acceptance_problem(ServiceMode.PARTY_BUILDING, Acceptance()) is not None
    assert (
        acceptance_problem(ServiceMode.PARTY_BUILDING, Acceptance(paired_member_ref="m1")) is None
    )
    assert acceptance_problem(ServiceMode.GOVERNMENT_PURCHASE, Acceptance()) is None


def test_dispatch_the_doorbell_alerts_each_helper_and_the_coordinator_once() -> None:
    helpers = [Contact("h1", AlertChannel.SMS), Contact("h2", AlertChannel.APP_PUSH)]
    coordinator = Contact("h1", AlertChannel.VOICE_CALL)  # the coordinator is also a helper
    assert alert_targets(helpers, coordinator) == helpers
    assert [c.user_id for c in alert_targets(helpers, Contact("c", AlertChannel.SMS))] == [
        "h1",
        "h2",
        "c",
    ]


def test_dispatch_seconds_to_answer_never_go_negative() -> None:
    assert seconds_between(NOW, NOW + timedelta(seconds=75)) == 75
    assert seconds_between(NOW, NOW - timedelta(seconds=5)) == 0


def test_dispatch_a_reply_topic_names_its_provider() -> None:
    assert reply_topic_owner("provider.care-a.replies.v1") == "care-a"
    assert reply_topic_owner("provider.care-a.replies.v1.dlq") is None
    assert reply_topic_owner("dispatch.provider.care-a.v1") is None


@pytest.mark.parametrize(
    ("status", "active_until", "expected"),
    [
        (OrderStatus.CANCELLED, date(2026, 6, 4), None),  # the stop takes effect tomorrow
        (OrderStatus.PAUSED, date(2026, 6, 4), None),
        (OrderStatus.CANCELLED, date(2026, 6, 3), RecordCheck.ORDER_CANCELLED),  # from today
        (OrderStatus.PAUSED, date(2026, 6, 3), RecordCheck.ORDER_PAUSED),
        (OrderStatus.CANCELLED, None, RecordCheck.ORDER_CANCELLED),  # never accepted
    ],
)
def test_dispatch_a_service_before_a_status_change_took_effect_still_counts(
    status: OrderStatus, active_until: date | None, expected: RecordCheck | None
) -> None:
    terms = replace(TERMS, status=status, active_until=active_until)
    assert check(terms) == expected
