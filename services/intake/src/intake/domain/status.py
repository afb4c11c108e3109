"""The life of an application as the applicant sees it, and which changes are allowed."""

from __future__ import annotations

from enum import StrEnum

from contracts.labels import ZhEnum, zh_labels


@zh_labels(
    {
        "submitted": "已提交，待受理",
        "registered": "已受理登记",
        "surveying": "入户调查中",
        "preliminary_passed": "初审通过，待乡镇审核",
        "preliminary_failed": "初审未通过，待乡镇审核",
        "approved": "审核通过",
        "rejected": "审核未通过",
        "withdrawn": "已撤回",
    }
)
class ApplicationStatus(ZhEnum):
    """Where an application stands (申请办理状态)."""

    SUBMITTED = "submitted"
    REGISTERED = "registered"
    SURVEYING = "surveying"
    PRELIMINARY_PASSED = "preliminary_passed"
    PRELIMINARY_FAILED = "preliminary_failed"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


S = ApplicationStatus

#: Undecided and not withdrawn: a person may have only one of these at a time.
OPEN_STATUSES: frozenset[ApplicationStatus] = frozenset(
    {S.SUBMITTED, S.REGISTERED, S.SURVEYING, S.PRELIMINARY_PASSED, S.PRELIMINARY_FAILED}
)
DECIDED_STATUSES: frozenset[ApplicationStatus] = frozenset({S.APPROVED, S.REJECTED})

# Progress only moves forward; a preliminary result may be replaced by a newer one.
_RANK = {
    S.SUBMITTED: 0,
    S.REGISTERED: 1,
    S.SURVEYING: 2,
    S.PRELIMINARY_PASSED: 3,
    S.PRELIMINARY_FAILED: 3,
    S.APPROVED: 4,
    S.REJECTED: 4,
}


class Step(StrEnum):
    """News from survey and review that moves an application on."""

    SURVEY_SCHEDULED = "survey_scheduled"
    PRELIMINARY_PASSED = "preliminary_passed"
    PRELIMINARY_FAILED = "preliminary_failed"
    APPROVED = "approved"
    REJECTED = "rejected"


_TARGET = {
    Step.SURVEY_SCHEDULED: S.SURVEYING,
    Step.PRELIMINARY_PASSED: S.PRELIMINARY_PASSED,
    Step.PRELIMINARY_FAILED: S.PRELIMINARY_FAILED,
    Step.APPROVED: S.APPROVED,
    Step.REJECTED: S.REJECTED,
}
_SURVEY_STEPS = frozenset({Step.SURVEY_SCHEDULED, Step.PRELIMINARY_PASSED, Step.PRELIMINARY_FAILED})


class StateConflict(Exception):
    """The application's state does not allow the requested change (a 409 refusal)."""

    kind = "conflict"

    def __init__(self, code: str, message_zh: str) -> None:
        super().__init__(message_zh)
        self.code = code
        self.message_zh = message_zh


def ensure_can_register(status: ApplicationStatus) -> None:
    """Registration (受理登记) is possible only for a submitted application."""
    if status is not S.SUBMITTED:
        raise StateConflict(
            "not_awaiting_registration", f"该申请当前状态为“{status.label_zh}”，不能受理登记"
        )


def ensure_can_withdraw(status: ApplicationStatus) -> None:
    """An application may be withdrawn until it is decided."""
    if status in DECIDED_STATUSES:
        raise StateConflict("already_decided", "该申请已审核办结，不能撤回")
    if status is S.WITHDRAWN:
        raise StateConflict("already_withdrawn", "该申请已撤回")


def next_status(
    current: ApplicationStatus,
    step: Step,
    *,
    survey_id: object | None = None,
    survey_version: int | None = None,
    held_survey_id: object | None = None,
    held_survey_version: int | None = None,
) -> ApplicationStatus | None:
    """The status after ``step``, or None when the news is stale or changes nothing."""
    if current not in OPEN_STATUSES:
        return None  # decided or withdrawn: later news cannot reopen it
    if (
        step in _SURVEY_STEPS
        and survey_id is not None
        and survey_id == held_survey_id
        and held_survey_version is not None
        and (survey_version or 0) <= held_survey_version
    ):
        return None  # an older or repeated version of the survey we already follow
    target = _TARGET[step]
    if target is current or _RANK[target] < _RANK[current]:
        return None
    return target
