"""The referral rule: who may take an order, who is preferred, and why nobody can."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

import pytest

from contracts.dispatch.orders import UnplacedReason
from contracts.enums import ProviderType, ServiceMode
from dispatch.domain.providers import (
    Provider,
    ProviderStatus,
    Qualification,
    modes_not_allowed,
)
from dispatch.domain.referral import (
    Candidate,
    Chosen,
    Need,
    Unplaced,
    choose_provider,
    eligible_for_override,
)

pytestmark = pytest.mark.unit

VILLAGE = "341702100201"
DAY = date(2026, 6, 1)
PERSON, HOUSEHOLD = uuid.uuid4(), uuid.uuid4()
NEED = Need(VILLAGE, "LC-01", ServiceMode.GOVERNMENT_PURCHASE, DAY, PERSON, HOUSEHOLD)


def provider(code: str, **changes: object) -> Provider:
    base = Provider(
        provider_id=uuid.uuid4(),
        code=code,
        provider_type=ProviderType.SOCIAL_WORK_ORG,
        status=ProviderStatus.ACTIVE,
        qualification=Qualification("登记证书", "N1", date(2026, 1, 1), date(2026, 12, 31)),
        township_codes=frozenset(),
        village_codes=frozenset({VILLAGE}),
        item_codes=frozenset({"LC-01"}),
        modes=frozenset({ServiceMode.GOVERNMENT_PURCHASE}),
        capacity=10,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def chosen_code(choice: object) -> str:
    assert isinstance(choice, Chosen), choice
    return choice.provider.code


def test_dispatch_an_eligible_provider_is_chosen() -> None:
    assert chosen_code(choose_provider(NEED, [Candidate(provider("a"))])) == "a"


def test_dispatch_a_provider_serving_the_whole_township_serves_its_villages() -> None:
    whole = provider("a", village_codes=frozenset(), township_codes=frozenset({VILLAGE[:9]}))
    assert chosen_code(choose_provider(NEED, [Candidate(whole)])) == "a"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"village_codes": frozenset({"341702100202"})}, UnplacedReason.NO_PROVIDER_IN_AREA),
        ({"modes": frozenset({ServiceMode.PARTY_BUILDING})}, UnplacedReason.MODE_NOT_OFFERED),
        ({"item_codes": frozenset({"LC-02"})}, UnplacedReason.ITEM_NOT_OFFERED),
        ({"status": ProviderStatus.SUSPENDED}, UnplacedReason.ALL_SUSPENDED),
        (
            {"qualification": Qualification("证书", "N", date(2025, 1, 1), date(2026, 5, 31))},
            UnplacedReason.NOT_QUALIFIED,
        ),
    ],
)
def test_dispatch_the_step_that_leaves_nobody_names_the_reason(
    changes: dict[str, object], reason: UnplacedReason
) -> None:
    choice = choose_provider(NEED, [Candidate(provider("a", **changes))])
    assert choice == Unplaced(reason)


def test_dispatch_a_full_provider_is_skipped_and_a_full_area_escalates() -> None:
    full = Candidate(provider("a", capacity=2), open_orders=2)
    room = Candidate(provider("b", capacity=2), open_orders=1)
    assert chosen_code(choose_provider(NEED, [full, room])) == "b"
    assert choose_provider(NEED, [full]) == Unplaced(UnplacedReason.NO_CAPACITY)


def test_dispatch_providers_that_declined_are_not_asked_again() -> None:
    a, b = provider("a"), provider("b")
    choice = choose_provider(
        NEED, [Candidate(a), Candidate(b)], excluded=frozenset({a.provider_id})
    )
    assert chosen_code(choice) == "b"
    everyone = frozenset({a.provider_id, b.provider_id})
    assert choose_provider(NEED, [Candidate(a), Candidate(b)], excluded=everyone) == Unplaced(
        UnplacedReason.ALL_DECLINED
    )


def test_dispatch_the_provider_already_serving_the_person_comes_first() -> None:
    idle = Candidate(provider("a"), open_orders=0)
    known = Candidate(provider("z"), open_orders=9, serves_person=True)
    assert chosen_code(choose_provider(NEED, [idle, known])) == "z"


def test_dispatch_then_the_household_then_the_least_loaded() -> None:
    busy = Candidate(provider("a"), open_orders=8)
    light = Candidate(provider("b"), open_orders=1)
    family = Candidate(provider("c"), open_orders=5, serves_household=True)
    assert chosen_code(choose_provider(NEED, [busy, light, family])) == "c"
    assert chosen_code(choose_provider(NEED, [busy, light])) == "b"


def test_dispatch_ties_are_broken_by_code_so_the_choice_is_repeatable() -> None:
    assert (
        chosen_code(choose_provider(NEED, [Candidate(provider("b")), Candidate(provider("a"))]))
        == "a"
    )


def test_dispatch_a_charity_decides_the_content_itself() -> None:
    charity = provider(
        "c",
        provider_type=ProviderType.CHARITY,
        modes=frozenset({ServiceMode.CHARITY_REFERRAL}),
        item_codes=frozenset({"CB-01"}),
    )
    need = replace(NEED, mode=ServiceMode.CHARITY_REFERRAL, item_code="LC-03")
    assert chosen_code(choose_provider(need, [Candidate(charity)])) == "c"


def test_dispatch_an_officer_may_override_area_and_load_but_not_suspension() -> None:
    far_and_full = provider("a", village_codes=frozenset({"341702101201"}), capacity=1)
    assert eligible_for_override(NEED, far_and_full) is None
    suspended = provider("b", status=ProviderStatus.SUSPENDED)
    assert eligible_for_override(NEED, suspended) is UnplacedReason.ALL_SUSPENDED


def test_dispatch_provider_types_work_only_in_their_modes() -> None:
    assert modes_not_allowed(
        ProviderType.CHARITY,
        frozenset({ServiceMode.CHARITY_REFERRAL, ServiceMode.INSTITUTIONAL_CARE}),
    ) == [ServiceMode.INSTITUTIONAL_CARE]
    assert (
        modes_not_allowed(
            ProviderType.WELFARE_INSTITUTION,
            frozenset({ServiceMode.INSTITUTIONAL_CARE, ServiceMode.GOVERNMENT_PURCHASE}),
        )
        == []
    )
