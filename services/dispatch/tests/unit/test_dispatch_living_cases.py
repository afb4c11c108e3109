"""Issue 20's rules: a change of services moves exactly its items' orders; emergency care with
a medical need goes only to a medical institution; plans are agreed or returned, and services
under an unagreed plan are flagged past the county's grace."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from contracts.dispatch.orders import UnplacedReason
from contracts.enums import ProviderType, ServiceCategory, ServiceMode
from contracts.reasons import OrderChangeReason
from contracts.values import ApprovedItem, Frequency
from dispatch.domain.orders import OrderStatus
from dispatch.domain.plans import (
    Decision,
    DecisionLevel,
    HeldPlan,
    PlanRule,
    PlanState,
    flag_of,
    is_repeat,
    judge,
    level_of,
)
from dispatch.domain.referral import (
    Candidate,
    Chosen,
    Need,
    Unplaced,
    choose_provider,
    eligible_for_override,
    needs_medical_institution,
)
from dispatch.domain.service_changes import (
    Ending,
    HeldOrder,
    Opening,
    ServicesChange,
    is_news,
    react,
)

from .test_dispatch_choose_provider import DAY, HOUSEHOLD, PERSON, VILLAGE, provider

pytestmark = pytest.mark.unit

MEALS, CLEAN, CARE = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
ORDERS = [
    HeldOrder(MEALS, "LC-03", OrderStatus.ACCEPTED, "meals"),
    HeldOrder(CLEAN, "CL-01", OrderStatus.CANCELLED, "clean"),
    HeldOrder(CARE, "LC-01", OrderStatus.ASSIGNED, "care"),
]


def item(code: str, times: int = 2) -> ApprovedItem:
    return ApprovedItem(
        item_code=code,
        service_category=ServiceCategory.LIFE_CARE,
        mode=ServiceMode.GOVERNMENT_PURCHASE,
        frequency=Frequency(times=times, per="week"),
        funding_source="tekun_care",
    )


def change(**fields: object) -> ServicesChange:
    base = ServicesChange(uuid.uuid4(), 2, DAY, (item("LC-01"), item("LC-03"), item("CL-01")))
    return replace(base, **fields)  # type: ignore[arg-type]


def test_dispatch_a_removed_item_ends_exactly_its_open_order() -> None:
    endings, openings = react(change(removed=frozenset({"LC-03"})), ORDERS)
    assert endings == [Ending(MEALS, OrderChangeReason.ITEM_WITHDRAWN)]
    assert openings == []


def test_dispatch_an_added_item_opens_one_order_at_the_chosen_provider() -> None:
    added = change(added=frozenset({"CL-01"}), providers={"CL-01": "clean2"})
    endings, openings = react(added, ORDERS)  # the cancelled cleaning order is no live one
    assert endings == []
    assert openings == [Opening(item("CL-01"), "clean2")]


def test_dispatch_an_added_item_already_ordered_opens_nothing() -> None:
    assert react(change(added=frozenset({"LC-01"})), ORDERS) == ([], [])


def test_dispatch_a_changed_item_is_replaced_at_the_provider_that_served_it() -> None:
    new_terms = change(
        items=(item("LC-01", times=3), item("LC-03"), item("CL-01")),
        changed=frozenset({"LC-01"}),
    )
    endings, openings = react(new_terms, ORDERS)
    assert endings == [Ending(CARE, OrderChangeReason.OFFICER_REQUEST, replaced=True)]
    assert openings == [Opening(item("LC-01", times=3), "care", CARE)]
    chosen = replace(new_terms, providers={"LC-01": "other"})
    assert react(chosen, ORDERS)[1] == [Opening(item("LC-01", times=3), "other", CARE)]


def test_dispatch_a_services_version_applies_once() -> None:
    assert is_news(1, change())
    assert not is_news(2, change())
    assert not is_news(3, change())


MEDICAL_NEED = Need(
    VILLAGE, "LC-01", ServiceMode.GOVERNMENT_PURCHASE, DAY, PERSON, HOUSEHOLD, medical_only=True
)


def test_dispatch_a_medical_need_goes_only_to_a_medical_institution() -> None:
    social = Candidate(provider("a"))
    clinic = Candidate(provider("z", provider_type=ProviderType.MEDICAL_INSTITUTION))
    choice = choose_provider(MEDICAL_NEED, [social, clinic])
    assert isinstance(choice, Chosen)
    assert choice.provider.code == "z"
    none = choose_provider(MEDICAL_NEED, [social])
    assert isinstance(none, Unplaced)
    assert none.reason is UnplacedReason.OTHER
    assert none.reason_zh is not None
    assert "医疗机构" in none.reason_zh
    assert eligible_for_override(MEDICAL_NEED, social.provider) is not None


def test_dispatch_only_health_and_institutional_items_need_the_medical_institution() -> None:
    health, life = ServiceCategory.HEALTH_CARE, ServiceCategory.LIFE_CARE
    home, institution = ServiceMode.GOVERNMENT_PURCHASE, ServiceMode.INSTITUTIONAL_CARE
    assert needs_medical_institution(True, health, home)
    assert needs_medical_institution(True, life, institution)
    assert not needs_medical_institution(True, life, home)
    assert not needs_medical_institution(False, health, institution)


NOW = datetime(2026, 6, 1, tzinfo=UTC)
PLAN = HeldPlan(
    uuid.uuid4(),
    2,
    PlanState.PROPOSED,
    "care",
    PERSON,
    uuid.uuid4(),
    "341702",
    "341702100",
    DecisionLevel.TOWNSHIP,
    DAY,
    None,
    None,
    "u-care",
    NOW,
    None,
    None,
    None,
)


def test_dispatch_a_proposed_plan_is_answered_once_per_version() -> None:
    assert judge(PLAN, Decision(2, True, None)) is None
    stale = judge(PLAN, Decision(1, True, None))
    assert stale is not None
    assert (stale.code, stale.conflict) == ("plan_version_stale", True)
    unreasoned = judge(PLAN, Decision(2, False, None))
    assert unreasoned is not None
    assert (unreasoned.code, unreasoned.conflict) == ("reason_required", False)
    agreed = replace(PLAN, state=PlanState.AGREED)
    assert judge(agreed, Decision(2, True, None)) is None  # a retry
    assert is_repeat(agreed, Decision(2, True, None))
    answered = judge(agreed, Decision(2, False, "请补充"))
    assert answered is not None
    assert answered.code == "plan_already_answered"


def test_dispatch_the_county_answers_a_plan_with_institutional_care() -> None:
    assert level_of(["government_purchase"]) is DecisionLevel.TOWNSHIP
    assert level_of(["government_purchase", "institutional_care"]) is DecisionLevel.COUNTY


def test_dispatch_a_service_under_an_unagreed_plan_is_flagged_past_the_grace() -> None:
    rule = PlanRule("341702", 1, True, 3, "u-county", NOW)
    start = date(2026, 6, 1)
    assert flag_of(None, agreed=False, order_start=start, service_date=date(2026, 7, 1)) is None
    off = replace(rule, flag_unagreed=False)
    assert flag_of(off, agreed=False, order_start=start, service_date=date(2026, 7, 1)) is None
    assert flag_of(rule, agreed=True, order_start=start, service_date=date(2026, 7, 1)) is None
    assert flag_of(rule, agreed=False, order_start=start, service_date=date(2026, 6, 3)) is None
    flagged = flag_of(rule, agreed=False, order_start=start, service_date=date(2026, 6, 4))
    assert flagged == "plan_unagreed"
