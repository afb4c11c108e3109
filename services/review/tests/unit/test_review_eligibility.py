"""The eligibility rule (seed 三(一)): the last three categories need a qualifying condition."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from contracts.enums import RecipientCategory, SpecialCondition
from review.domain import decision
from review.domain.case import (
    Approval,
    Case,
    CaseStatus,
    ItemRequest,
    NeedAssessment,
    RuleViolation,
)
from review.domain.events import catalogue_from, file_event

pytestmark = pytest.mark.unit

BY_CATEGORY = ("dibao", "tekun", "orphan", "unsupported_child")
CONDITIONAL = ("dibao_marginal", "relapse_monitoring", "expenditure_hardship")
QUALIFYING = ("disabled_elder", "semi_disabled_elder", "seriously_ill", "severely_disabled")


def test_the_lists_cover_all_seven_categories() -> None:
    assert set(BY_CATEGORY) | set(CONDITIONAL) == {c.value for c in RecipientCategory}


def _approve(story: Any, catalogue: Callable[..., Any], **approval: Any) -> tuple[Case, Any]:
    case = Case(application_id=story.application_id, person_id=story.person_id)
    for event in (story.registered(), story.completed(), story.passed()):
        case = file_event(case, event)
    request = Approval(
        need_assessment=NeedAssessment(self_care_level="moderate", need_categories=("life_care",)),
        items=(
            ItemRequest(
                item_code="LC-03",
                mode="government_purchase",
                frequency={"times": 1, "per": "day"},
                funding_source="other_service_aid",
            ),
        ),
        effective_date=date(2024, 6, 1),
        **approval,
    )
    return case, decision.approve(
        case,
        request,
        catalogue_from(catalogue()),
        recipient_id=uuid.uuid4(),
        decided_by="u-officer",
        at=datetime.now(UTC),
    )


@pytest.mark.parametrize("category", BY_CATEGORY + CONDITIONAL)
@pytest.mark.parametrize("conditions", [(), ("seriously_ill",)], ids=["without", "with"])
def test_every_category_with_and_without_a_condition(
    category: str,
    conditions: tuple[str, ...],
    story: Callable[..., Any],
    catalogue: Callable[..., Any],
) -> None:
    s = story(category=category, conditions=conditions)
    eligible = category in BY_CATEGORY or bool(conditions)
    if eligible:
        _, (decided, recipient) = _approve(s, catalogue)
        assert decided.status is CaseStatus.APPROVED
        assert recipient.category == category
        assert recipient.special_conditions == conditions
    else:
        with pytest.raises(RuleViolation) as refused:
            _approve(s, catalogue)
        assert refused.value.code == "not_eligible"
        assert RecipientCategory(category).label_zh in refused.value.message_zh
        assert "重病患者" in refused.value.message_zh


@pytest.mark.parametrize("category", CONDITIONAL)
@pytest.mark.parametrize("condition", QUALIFYING)
def test_each_qualifying_condition_admits_a_conditional_category(
    category: str, condition: str
) -> None:
    decision.check_eligibility(RecipientCategory(category), (SpecialCondition(condition),))


@pytest.mark.parametrize("category", CONDITIONAL)
def test_being_a_minor_does_not_qualify(category: str) -> None:
    with pytest.raises(RuleViolation, match="重度残疾人"):
        decision.check_eligibility(RecipientCategory(category), (SpecialCondition.MINOR,))


def test_a_claimed_condition_the_survey_did_not_confirm_does_not_count(
    story: Callable[..., Any], catalogue: Callable[..., Any]
) -> None:
    s = story(category="dibao_marginal", conditions=("seriously_ill",))
    case = Case(application_id=s.application_id, person_id=s.person_id)
    case = file_event(case, s.registered())
    case = file_event(case, s.completed(confirmed_conditions=()))
    case = file_event(case, s.passed(recommended_conditions=()))
    assert decision.surveyed_conditions(case) == ()
    with pytest.raises(RuleViolation) as refused:
        decision.check_eligibility(
            RecipientCategory.DIBAO_MARGINAL, decision.confirm_conditions(case, None)
        )
    assert refused.value.code == "not_eligible"
    # The officer may confirm it from the record (e.g. after seeing the illness proof)...
    assert decision.confirm_conditions(case, (SpecialCondition.SERIOUSLY_ILL,)) == (
        "seriously_ill",
    )
    # ...but not invent one that was neither claimed nor found.
    with pytest.raises(RuleViolation) as invented:
        decision.confirm_conditions(case, (SpecialCondition.SEVERELY_DISABLED,))
    assert invented.value.code == "condition_not_on_record"


def test_the_officer_may_confirm_another_category(
    story: Callable[..., Any], catalogue: Callable[..., Any]
) -> None:
    s = story(category="dibao")
    _, (_, recipient) = _approve(s, catalogue, category="tekun")
    assert recipient.category is RecipientCategory.TEKUN
    with pytest.raises(RuleViolation, match="支出型困难家庭"):
        _approve(s, catalogue, category="expenditure_hardship")
