"""Item checks at approval: against the catalogue in force and the assessed needs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from review.domain import decision
from review.domain.case import ItemRequest, RuleViolation
from review.domain.events import catalogue_from

pytestmark = pytest.mark.unit


def item(code: str, **overrides: Any) -> ItemRequest:
    values = {
        "item_code": code,
        "mode": "government_purchase",
        "frequency": {"times": 2, "per": "month"},
        "funding_source": "home_elderly_care",
        **overrides,
    }
    return ItemRequest.model_validate(values)


def check(
    catalogue: Any, *items: ItemRequest, needs: tuple[str, ...] = ("life_care", "cleaning")
) -> Any:
    return decision.approve_items(items, catalogue, needs)  # type: ignore[arg-type]


def test_items_take_their_category_from_the_catalogue(catalogue: Callable[..., Any]) -> None:
    approved = check(
        catalogue_from(catalogue()), item("CL-01"), item("LC-03", mode="neighbour_mutual_aid")
    )
    assert [(a.item_code, a.service_category.value, a.mode.value) for a in approved] == [
        ("CL-01", "cleaning", "government_purchase"),
        ("LC-03", "life_care", "neighbour_mutual_aid"),
    ]
    assert approved[0].frequency.times == 2 and approved[0].frequency.per.value == "month"


def test_a_code_missing_from_the_catalogue_in_force_is_refused(
    catalogue: Callable[..., Any],
) -> None:
    with pytest.raises(RuleViolation) as refused:
        check(catalogue_from(catalogue(version=4, codes=("LC-01",))), item("LC-01"), item("LC-03"))
    assert refused.value.code == "unknown_item"
    assert refused.value.field == "body.items.1.item_code"
    assert "LC-03" in refused.value.message_zh and "第4版" in refused.value.message_zh


def test_the_same_item_twice_is_refused(catalogue: Callable[..., Any]) -> None:
    with pytest.raises(RuleViolation) as refused:
        check(catalogue_from(catalogue()), item("CL-01"), item("CL-01", mode="party_building"))
    assert (refused.value.code, refused.value.field) == ("duplicate_item", "body.items.1.item_code")


def test_an_item_outside_the_assessed_needs_is_refused(catalogue: Callable[..., Any]) -> None:
    with pytest.raises(RuleViolation) as refused:
        check(catalogue_from(catalogue()), item("HC-01"))
    assert refused.value.code == "item_outside_needs"
    assert "健康护理" in refused.value.message_zh


def test_without_a_catalogue_in_force_nothing_can_be_approved() -> None:
    with pytest.raises(RuleViolation) as refused:
        check(None, item("LC-01"))
    assert (refused.value.code, refused.value.field) == (
        "no_catalogue_in_force",
        "body.effective_date",
    )
