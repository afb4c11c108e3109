"""The survey's rules: a team of two different people, the state machine, findings once."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from contracts.enums import RecipientCategory, SpecialCondition
from survey import domain
from survey.domain import Conflicting, Invalid, NotAllowed, SurveyTask, TaskStatus

pytestmark = pytest.mark.unit

NOW = datetime(2024, 5, 10, 2, 0, tzinfo=UTC)
STAFF, COORD, OTHER = "u-staff", "u-coord", "u-other"


def new_task(**changes: object) -> SurveyTask:
    values: dict[str, object] = {
        "survey_id": uuid.uuid4(),
        "application_id": uuid.uuid4(),
        "person_id": uuid.uuid4(),
        "household_id": uuid.uuid4(),
        "county_code": "341702",
        "township_code": "341702100",
        "village_code": "341702100201",
        "display_name": "张*三",
        "category": RecipientCategory.DIBAO,
        "special_conditions": (),
        "requested_item_codes": ("LC-01",),
        "need_categories": ("life_care",),
        "household_size": 2,
        "application_version": 2,
        "due_date": date(2024, 5, 13),
        "created_at": NOW - timedelta(days=3),
        "updated_at": NOW - timedelta(days=3),
        **changes,
    }
    return SurveyTask(**values)  # type: ignore[arg-type]


def with_team(task: SurveyTask | None = None) -> SurveyTask:
    assigned = domain.assign_team(
        task or new_task(), village_staff_id=STAFF, coordinator_id=COORD, by=STAFF, now=NOW
    )
    assert assigned is not None
    return assigned


def with_findings(task: SurveyTask | None = None) -> SurveyTask:
    return domain.accept_findings(
        task or with_team(), by=COORD, visited_at=NOW - timedelta(days=2),
        confirmed_by=[COORD, STAFF], now=NOW,
    )  # fmt: skip


def refused(exc: pytest.ExceptionInfo[domain.Refusal], code: str) -> bool:
    return exc.value.code == code and bool(exc.value.message)


def test_the_team_is_two_different_people() -> None:
    with pytest.raises(Invalid) as exc:
        domain.assign_team(
            new_task(), village_staff_id=STAFF, coordinator_id=STAFF, by=STAFF, now=NOW
        )
    assert refused(exc, "same_person_twice")
    assert "两名不同人员" in exc.value.message and exc.value.field == "body.coordinator_id"


def test_assigning_a_team_moves_the_task_on_and_raises_the_version() -> None:
    task = with_team()
    assert task.status is TaskStatus.TEAM_ASSIGNED and task.version == 2
    assert task.team is not None and task.team.members == {STAFF, COORD}


def test_re_assigning_before_findings_makes_a_new_version_and_the_same_team_changes_nothing() -> (
    None
):
    task = with_team()
    again = domain.assign_team(
        task, village_staff_id=STAFF, coordinator_id=COORD, by=STAFF, now=NOW
    )
    assert again is None
    other = domain.assign_team(
        task, village_staff_id=STAFF, coordinator_id=OTHER, by=STAFF, now=NOW
    )
    assert other is not None and other.version == 3 and other.team is not None
    assert other.team.coordinator_id == OTHER


def test_the_same_team_again_is_a_harmless_retry_even_after_findings() -> None:
    assert (
        domain.assign_team(
            with_findings(), village_staff_id=STAFF, coordinator_id=COORD, by=STAFF, now=NOW
        )
        is None
    )


def test_the_team_is_locked_once_findings_are_in() -> None:
    with pytest.raises(Conflicting) as exc:
        domain.assign_team(
            with_findings(), village_staff_id=STAFF, coordinator_id=OTHER, by=STAFF, now=NOW
        )
    assert refused(exc, "team_locked")


def test_findings_move_the_task_to_preliminary_review() -> None:
    task = with_findings()
    assert task.status is TaskStatus.FINDINGS_SUBMITTED and task.version == 3


def test_findings_are_accepted_once() -> None:
    with pytest.raises(Conflicting) as exc:
        with_findings(with_findings())
    assert refused(exc, "findings_already_submitted")


def test_findings_need_a_team() -> None:
    with pytest.raises(Conflicting) as exc:
        with_findings(new_task())
    assert refused(exc, "team_not_assigned")


def test_only_a_team_member_uploads() -> None:
    with pytest.raises(NotAllowed) as exc:
        domain.accept_findings(
            with_team(), by=OTHER, visited_at=NOW, confirmed_by=[STAFF, COORD], now=NOW
        )
    assert refused(exc, "not_team_member")


def test_both_team_members_must_confirm() -> None:
    with pytest.raises(Invalid) as exc:
        domain.accept_findings(
            with_team(), by=STAFF, visited_at=NOW, confirmed_by=[STAFF, OTHER], now=NOW
        )
    assert refused(exc, "confirmation_incomplete")


def test_a_late_upload_is_accepted_but_a_visit_in_the_future_is_not() -> None:
    late = domain.accept_findings(
        with_team(),
        by=STAFF,
        visited_at=NOW - timedelta(days=20),
        confirmed_by=[STAFF, COORD],
        now=NOW,
    )
    assert late.status is TaskStatus.FINDINGS_SUBMITTED
    skewed = domain.accept_findings(
        with_team(),
        by=STAFF,
        visited_at=NOW + timedelta(minutes=3),
        confirmed_by=[STAFF, COORD],
        now=NOW,
    )
    assert skewed.status is TaskStatus.FINDINGS_SUBMITTED  # a phone clock a little ahead
    with pytest.raises(Invalid) as exc:
        domain.accept_findings(
            with_team(),
            by=STAFF,
            visited_at=NOW + timedelta(hours=1),
            confirmed_by=[STAFF, COORD],
            now=NOW,
        )
    assert refused(exc, "visit_in_future")


def test_preliminary_review_only_after_findings() -> None:
    with pytest.raises(Conflicting) as exc:
        domain.fail_review(with_team(), by=STAFF, now=NOW)
    assert refused(exc, "findings_missing")


def test_passing_records_the_team_who_signs_and_ends_the_survey() -> None:
    passed, team = domain.pass_review(
        with_findings(),
        by=STAFF,
        category=RecipientCategory.DIBAO,
        conditions=(),
        confirmed=(),
        now=NOW,
    )
    assert passed.status is TaskStatus.PASSED and passed.version == 4
    assert team.members == {STAFF, COORD}
    with pytest.raises(Conflicting) as exc:
        domain.fail_review(passed, by=COORD, now=NOW)
    assert refused(exc, "already_reviewed")


def test_failing_ends_the_survey() -> None:
    failed, _ = domain.fail_review(with_findings(), by=COORD, now=NOW)
    assert failed.status is TaskStatus.FAILED


def test_a_conditional_category_passes_only_with_a_confirmed_qualifying_condition() -> None:
    marginal = RecipientCategory.DIBAO_MARGINAL
    with pytest.raises(Invalid) as exc:
        domain.pass_review(
            with_findings(), by=STAFF, category=marginal, conditions=(), confirmed=(), now=NOW
        )
    assert refused(exc, "category_needs_condition")
    ill = (SpecialCondition.SERIOUSLY_ILL,)
    with pytest.raises(Invalid) as exc:
        domain.pass_review(
            with_findings(), by=STAFF, category=marginal, conditions=ill, confirmed=(), now=NOW
        )
    assert refused(exc, "condition_not_confirmed")
    passed, _ = domain.pass_review(
        with_findings(),
        by=STAFF,
        category=marginal,
        conditions=ill,
        confirmed=["seriously_ill"],
        now=NOW,
    )
    assert passed.status is TaskStatus.PASSED


@pytest.mark.parametrize("stage", ["open", "team", "findings"])
def test_a_withdrawal_cancels_an_unfinished_task(stage: str) -> None:
    task = {"open": new_task, "team": with_team, "findings": with_findings}[stage]()
    cancelled = domain.cancel(task, application_version=3, reason="applicant_request", now=NOW)
    assert cancelled is not None and cancelled.status is TaskStatus.CANCELLED
    assert cancelled.version == task.version + 1 and cancelled.cancel_reason == "applicant_request"
    with pytest.raises(Conflicting) as exc:
        domain.assign_team(
            cancelled, village_staff_id=STAFF, coordinator_id=OTHER, by=STAFF, now=NOW
        )
    assert refused(exc, "task_cancelled")


def test_a_stale_or_late_withdrawal_changes_nothing() -> None:
    assert domain.cancel(new_task(), application_version=2, reason="other", now=NOW) is None
    passed, _ = domain.pass_review(
        with_findings(),
        by=STAFF,
        category=RecipientCategory.TEKUN,
        conditions=(),
        confirmed=(),
        now=NOW,
    )
    assert domain.cancel(passed, application_version=9, reason="other", now=NOW) is None


def test_the_due_date_counts_from_the_registration_day_in_shanghai() -> None:
    late_evening_utc = datetime(2024, 5, 6, 17, 0, tzinfo=UTC)  # 01:00 on 7 May in Chizhou
    assert domain.due_date_for(late_evening_utc, 7) == date(2024, 5, 14)


def test_a_task_is_overdue_only_while_the_visit_is_still_to_do() -> None:
    assert new_task().is_overdue(date(2024, 5, 14))
    assert not new_task().is_overdue(date(2024, 5, 13))
    assert not with_findings().is_overdue(date(2024, 6, 1))
