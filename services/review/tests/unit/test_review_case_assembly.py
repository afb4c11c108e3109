"""A case assembles the same whatever order its events arrive in; stale versions change nothing."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from review.domain.case import Case, CaseStatus, PreliminaryOutcome
from review.domain.events import file_event

pytestmark = pytest.mark.unit


def build(s: Any, events: Any) -> Case:
    case = Case(application_id=s.application_id, person_id=s.person_id)
    for event in events:
        case = file_event(case, event)
    return case


def test_every_order_of_registration_findings_and_preliminary_gives_the_same_case(
    story: Callable[..., Any],
) -> None:
    s = story(category="dibao_marginal", conditions=("severely_disabled",))
    events = (s.registered(), s.completed(), s.passed())
    cases = {build(s, order) for order in itertools.permutations(events)}
    assert len(cases) == 1
    (case,) = cases
    assert case.status is CaseStatus.AWAITING_DECISION
    assert case.registration is not None and case.registration.township_code == "341702100"
    assert case.findings is not None and case.findings.self_care_level.value == "moderate"
    assert case.preliminary is not None and case.preliminary.outcome is PreliminaryOutcome.PASSED


def test_a_withdrawal_wins_in_any_order(story: Callable[..., Any]) -> None:
    s = story()
    events = (s.registered(), s.completed(), s.passed(), s.withdrawn())
    statuses = {build(s, order).status for order in itertools.permutations(events)}
    assert statuses == {CaseStatus.WITHDRAWN}


def test_an_older_registration_does_not_overwrite_a_newer_one(story: Callable[..., Any]) -> None:
    s = story()
    case = build(s, [s.registered(version=3, display_name="李*")])
    assert build(s, [s.registered(version=3, display_name="李*"), s.registered(version=2)]) == case
    newer = file_event(case, s.registered(version=4, display_name="王**"))
    assert newer.registration is not None and newer.registration.display_name == "王**"


def test_older_survey_facts_are_ignored(story: Callable[..., Any]) -> None:
    s = story()
    case = build(s, [s.registered(), s.completed(version=5, self_care_level="severe")])
    assert file_event(case, s.completed(version=4, self_care_level="able")) == case
    passed = file_event(case, s.passed(version=6))
    assert file_event(passed, s.failed(version=6)) == passed  # same version: a repeat
    failed = file_event(passed, s.failed(version=7))
    assert (
        failed.preliminary is not None and failed.preliminary.outcome is PreliminaryOutcome.FAILED
    )


def test_a_later_re_survey_replaces_the_first(story: Callable[..., Any]) -> None:
    s = story()
    first = build(s, [s.registered(), s.failed()])
    again = story()
    again.person_id, again.application_id = s.person_id, s.application_id
    again.registered_at = s.registered_at + timedelta(days=10)
    resurveyed = file_event(first, again.passed(version=1))
    assert resurveyed.preliminary is not None
    assert resurveyed.preliminary.outcome is PreliminaryOutcome.PASSED
    assert file_event(resurveyed, s.failed(version=8)) == resurveyed  # the older survey
