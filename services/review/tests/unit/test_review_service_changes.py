"""Issue 20: a recipient's services changed (及时进行优化、增减) — the item rules on the current
set, and the proposal and decision use cases on in-memory fakes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest

from civic import clock
from civic.clock import Clock
from civic.errors import Forbidden
from civic.security import Principal
from contracts.enums import Role
from contracts.review import ChangeSource, ItemProvider, RecipientServicesChanged
from contracts.values import ApprovedItem
from review.domain.case import RuleViolation, StateConflict
from review.domain.service_change import (
    ChangeAction,
    ChangeState,
    ItemChange,
    Proposal,
    apply_changes,
    check_effective,
    county_decides,
)
from review.handlers import decide_change, propose_change

from .fakes import COUNTY, TOWNSHIP, VILLAGE, ReviewUnitOfWork, admit
from .fakes_living import LivingRegistry, demo_catalogue, use_living_fakes

pytestmark = pytest.mark.unit

TODAY = date(2024, 7, 1)
STAFF = Principal("u-staff-1", frozenset({Role.VILLAGE_STAFF}), division=VILLAGE)
OFFICER = Principal("u-officer-7", frozenset({Role.TOWNSHIP_OFFICER}), division=TOWNSHIP)
COUNTY_OFFICER = Principal("u-county-2", frozenset({Role.COUNTY_OFFICER}), division=COUNTY)


def item(code: str, category: str = "life_care", **terms: Any) -> ApprovedItem:
    values = {
        "item_code": code,
        "service_category": category,
        "mode": "government_purchase",
        "frequency": {"times": 1, "per": "day"},
        "funding_source": "home_elderly_care",
    }
    return ApprovedItem.model_validate({**values, **terms})


CURRENT = (item("CL-01", "cleaning"), item("LC-03"))


def add(code: str, **terms: Any) -> ItemChange:
    values = {
        "mode": "government_purchase",
        "frequency": {"times": 2, "per": "week"},
        "funding_source": "other_service_aid",
    }
    return ItemChange.model_validate({"action": "add", "item_code": code, **values, **terms})


def proposal(*changes: ItemChange, day: date = TODAY) -> Proposal:
    return Proposal(changes=changes, reason_code="needs_changed", effective_date=day)


@pytest.fixture(autouse=True)
def fixed_today() -> Iterator[None]:
    before = clock.current()
    clock.use(Clock.fixed(datetime(2024, 7, 1, 2, tzinfo=UTC)))
    yield
    clock.use(before)


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> LivingRegistry:
    fake = LivingRegistry()
    use_living_fakes(monkeypatch, fake)
    return fake


def test_adding_removing_and_changing_give_the_whole_new_set_and_the_diff() -> None:
    changes = (
        add("HC-01"),
        ItemChange(action=ChangeAction.REMOVE, item_code="CL-01"),
        ItemChange.model_validate(
            {"action": "change", "item_code": "LC-03", "frequency": {"times": 2, "per": "day"}}
        ),
    )
    out = apply_changes(CURRENT, changes, demo_catalogue())
    assert [i.item_code for i in out.approved_items] == ["HC-01", "LC-03"]
    assert (out.added, out.removed, out.changed) == (("HC-01",), ("CL-01",), ("LC-03",))
    assert out.approved_items[0].service_category.value == "health_care"
    assert out.approved_items[1].frequency.times == 2 and not county_decides(out)


@pytest.mark.parametrize(
    ("changes", "kind", "code"),
    [
        ((add("LC-03"),), StateConflict, "item_already_approved"),
        (
            (ItemChange(action=ChangeAction.REMOVE, item_code="HC-01"),),
            StateConflict,
            "item_not_approved",
        ),
        (
            (ItemChange(action=ChangeAction.CHANGE, item_code="HC-01", mode="charity_referral"),),
            StateConflict,
            "item_not_approved",
        ),
        ((add("ZZ-99"),), RuleViolation, "unknown_item"),
        (
            (ItemChange(action=ChangeAction.ADD, item_code="HC-01"),),
            RuleViolation,
            "terms_required",
        ),
        (
            (
                ItemChange(
                    action=ChangeAction.CHANGE, item_code="LC-03", mode="government_purchase"
                ),
            ),
            RuleViolation,
            "nothing_changed",
        ),
        ((add("HC-01"), add("HC-01")), RuleViolation, "duplicate_item"),
        ((), RuleViolation, "no_changes"),
        (
            (
                ItemChange(action=ChangeAction.REMOVE, item_code="LC-03"),
                ItemChange(action=ChangeAction.REMOVE, item_code="CL-01"),
            ),
            RuleViolation,
            "no_items_left",
        ),
    ],
)
def test_a_change_the_current_set_refuses_says_why(
    changes: tuple[ItemChange, ...], kind: type[Exception], code: str
) -> None:
    with pytest.raises(kind) as refused:
        apply_changes(CURRENT, changes, demo_catalogue())
    assert refused.value.code == code  # type: ignore[attr-defined]


def test_institutional_care_added_is_the_countys_to_decide_and_no_day_in_the_past() -> None:
    out = apply_changes(CURRENT, (add("IC-01", mode="institutional_care"),), demo_catalogue())
    assert county_decides(out)
    with pytest.raises(RuleViolation) as past:
        check_effective(date(2024, 6, 30), TODAY)
    assert past.value.code == "effective_in_past"


async def test_an_approved_change_is_announced_once_with_its_diff(
    registry: LivingRegistry,
) -> None:
    r = admit(registry, items=CURRENT)
    uow = ReviewUnitOfWork(registry)
    asked = proposal(add("HC-01", provider_code="p-health-1"))
    filed = await propose_change(
        r.recipient_id, asked, for_recipient=False, uow=uow, proposer=STAFF, idempotency_key=None
    )
    assert (filed.state, filed.source, filed.county_decides) == (
        ChangeState.PENDING,
        ChangeSource.VILLAGE_STAFF,
        False,
    )
    assert uow.events == []  # nothing is announced before the decision
    decided = await decide_change(
        filed.change_id, approve=True, uow=uow, officer=OFFICER, idempotency_key=None
    )
    assert (decided.state, decided.services_version, decided.decided_by) == (
        ChangeState.APPROVED,
        2,
        "u-officer-7",
    )
    [event] = uow.published(RecipientServicesChanged)
    assert (event.recipient_id, event.change_id, event.services_version) == (
        r.recipient_id,
        filed.change_id,
        2,
    )
    assert [i.item_code for i in event.approved_items] == ["CL-01", "HC-01", "LC-03"]
    assert (event.added_item_codes, event.removed_item_codes, event.changed_item_codes) == (
        ("HC-01",),
        (),
        (),
    )
    assert event.item_providers == (ItemProvider(item_code="HC-01", provider_code="p-health-1"),)
    assert (event.source, event.decided_by, event.ends_temporary_care) == (
        ChangeSource.VILLAGE_STAFF,
        "u-officer-7",
        False,
    )
    kept = registry.by_id[r.recipient_id]
    assert kept.services_version == 2 and len(kept.items) == 3
    with pytest.raises(StateConflict) as again:
        await decide_change(
            filed.change_id, approve=True, uow=uow, officer=OFFICER, idempotency_key=None
        )
    assert again.value.code == "change_already_decided"
    assert len(uow.published(RecipientServicesChanged)) == 1


async def test_a_refusal_is_kept_with_its_reason_and_announces_nothing(
    registry: LivingRegistry,
) -> None:
    r = admit(registry, items=CURRENT)
    uow = ReviewUnitOfWork(registry)
    asked = proposal(ItemChange(action=ChangeAction.REMOVE, item_code="CL-01"))
    filed = await propose_change(
        r.recipient_id, asked, for_recipient=True, uow=uow, proposer=STAFF, idempotency_key=None
    )
    assert filed.source is ChangeSource.RECIPIENT
    refused = await decide_change(
        filed.change_id,
        approve=False,
        refusal_zh="仍需清洁服务",
        uow=uow,
        officer=OFFICER,
        idempotency_key=None,
    )
    assert (refused.state, refused.refusal_zh) == (ChangeState.REFUSED, "仍需清洁服务")
    assert uow.events == [] and registry.by_id[r.recipient_id].items == CURRENT
    assert registry.change_requests[filed.change_id].state is ChangeState.REFUSED


async def test_institutional_care_is_approved_by_the_county_not_the_township(
    registry: LivingRegistry,
) -> None:
    r = admit(registry, items=CURRENT)
    uow = ReviewUnitOfWork(registry)
    asked = proposal(add("IC-01", mode="institutional_care"))
    filed = await propose_change(
        r.recipient_id, asked, for_recipient=False, uow=uow, proposer=OFFICER, idempotency_key=None
    )
    assert filed.county_decides and filed.source is ChangeSource.TOWNSHIP
    with pytest.raises(Forbidden) as township:
        await decide_change(
            filed.change_id, approve=True, uow=uow, officer=OFFICER, idempotency_key=None
        )
    assert township.value.code == "county_decides" and uow.events == []
    await decide_change(
        filed.change_id, approve=True, uow=uow, officer=COUNTY_OFFICER, idempotency_key=None
    )
    [event] = uow.published(RecipientServicesChanged)
    assert event.added_item_codes == ("IC-01",) and event.decided_by == "u-county-2"


async def test_a_bad_proposal_keeps_nothing(registry: LivingRegistry) -> None:
    r = admit(registry, items=CURRENT)
    uow = ReviewUnitOfWork(registry)
    for asked in (proposal(add("LC-03")), proposal(add("HC-01"), day=date(2024, 6, 30))):
        with pytest.raises((StateConflict, RuleViolation)):
            await propose_change(
                r.recipient_id,
                asked,
                for_recipient=False,
                uow=uow,
                proposer=STAFF,
                idempotency_key=None,
            )
    assert registry.change_requests == {} and uow.commits == 0
