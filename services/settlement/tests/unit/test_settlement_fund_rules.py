"""Restricted funds (专款专用): the pure rule, and billing by it on in-memory fakes."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from civic.testing import FakeUnitOfWork
from contracts.enums import (
    FundingSource,
    RecipientCategory,
    RecipientStatus,
    ServiceCategory,
    SpecialCondition,
)
from contracts.review import RecipientApproved, RecipientStatusChanged
from contracts.samples import sample
from settlement.domain import fund_rules
from settlement.domain.fund_rules import (
    FundRule,
    FundRuleError,
    FundRuleVersion,
    HoldDecision,
    LineFacts,
    Resolution,
)
from settlement.domain.reasons import BillingStatus, NotBillableReason
from settlement.domain.timelines import RecipientTimeline, StatusStep
from settlement.handlers.fund_rules import published
from settlement.handlers.recipients import note_recipient_approved, note_status_changed

from .test_settlement_handlers import MEAL_FEE, PLACE, Case

pytestmark = pytest.mark.unit

TEKUN, OTHER = FundingSource.TEKUN_CARE.value, FundingSource.OTHER_SERVICE_AID.value
MINOR = FundingSource.MINOR_PROTECTION.value
TEKUN_ONLY = FundRule(TEKUN, recipient_categories=frozenset({"tekun"}))
DIBAO = LineFacts("dibao", frozenset(), "life_care", "government_purchase")


def _version(*rules: FundRule, effective: date = date(2024, 1, 1)) -> FundRuleVersion:
    return FundRuleVersion(PLACE["county_code"], 1, effective, rules)


def test_settlement_a_fund_not_listed_is_unrestricted() -> None:
    assert fund_rules.choose(_version(TEKUN_ONLY), OTHER, DIBAO) == fund_rules.FundChoice(OTHER)
    assert fund_rules.choose(None, TEKUN, DIBAO) == fund_rules.FundChoice(TEKUN)


def test_settlement_a_tekun_only_fund_refuses_a_dibao_line_and_says_why() -> None:
    choice = fund_rules.choose(_version(TEKUN_ONLY), TEKUN, DIBAO)
    assert choice.held
    assert choice.why_zh == "特困人员照料护理经费仅用于特困人员，该服务对象为低保对象"
    tekun = LineFacts("tekun", frozenset(), "life_care", "government_purchase")
    assert fund_rules.choose(_version(TEKUN_ONLY), TEKUN, tekun) == fund_rules.FundChoice(TEKUN)


def test_settlement_an_unknown_category_is_refused_by_a_fund_limited_to_categories() -> None:
    unknown = LineFacts(None, frozenset(), "life_care", "government_purchase")
    why = fund_rules.may_pay(_version(TEKUN_ONLY), TEKUN, unknown)
    assert why == "特困人员照料护理经费仅用于特困人员，该服务对象类别未知"


def test_settlement_the_fallback_pays_when_it_may_and_both_refusals_show_when_not() -> None:
    with_fallback = FundRule(TEKUN, frozenset({"tekun"}), fallback_funding_source=OTHER)
    choice = fund_rules.choose(_version(with_fallback), TEKUN, DIBAO)
    assert choice.funding_source == OTHER
    assert choice.why_zh is not None and choice.why_zh.endswith("改由其他服务类救助经费结算")
    picky_other = FundRule(OTHER, modes=frozenset({"institutional_care"}))
    held = fund_rules.choose(_version(with_fallback, picky_other), TEKUN, DIBAO)
    assert held.held
    assert held.why_zh == (
        "特困人员照料护理经费仅用于特困人员，该服务对象为低保对象；"
        "其他服务类救助经费服务方式仅限机构照料服务，该服务为政府购买服务"
    )


def test_settlement_a_minor_fund_pays_orphans_or_anyone_with_the_minor_condition() -> None:
    rule = FundRule(
        MINOR,
        recipient_categories=frozenset({"orphan", "unsupported_child"}),
        special_conditions=frozenset({"minor"}),
    )
    version = _version(rule)
    orphan = LineFacts("orphan", frozenset(), "life_care", "government_purchase")
    minor_dibao = LineFacts("dibao", frozenset({"minor"}), "life_care", "government_purchase")
    assert fund_rules.may_pay(version, MINOR, orphan) is None
    assert fund_rules.may_pay(version, MINOR, minor_dibao) is None
    assert fund_rules.may_pay(version, MINOR, DIBAO) == (
        "未成年人保护经费仅用于孤儿、事实无人抚养儿童或未成年人，该服务对象为低保对象"
    )


def test_settlement_service_category_and_purchaser_level_limit_a_fund() -> None:
    rule = FundRule(TEKUN, service_categories=frozenset({"health_care"}))
    assert fund_rules.may_pay(_version(rule), TEKUN, DIBAO) == (
        "特困人员照料护理经费服务类别仅限健康护理，该服务为生活照料"
    )
    county_only = FundRule(TEKUN, purchaser_levels=frozenset({"county"}))
    assert fund_rules.may_pay(_version(county_only), TEKUN, DIBAO) == (
        "特困人员照料护理经费购买主体仅限县级购买，该服务为乡镇（街道）购买"
    )


def test_settlement_fund_rule_versions_start_today_or_later_and_not_before_the_latest() -> None:
    today = date(2026, 12, 7)
    with pytest.raises(FundRuleError) as past:
        fund_rules.next_version(None, date(2026, 12, 6), today)
    assert past.value.code == "effective_from_in_past"
    assert fund_rules.next_version(None, today, today) == 1
    latest = _version(effective=date(2027, 1, 1))
    with pytest.raises(FundRuleError) as early:
        fund_rules.next_version(latest, date(2026, 12, 31), today)
    assert early.value.code == "effective_from_before_latest"
    assert fund_rules.next_version(latest, date(2027, 1, 1), today) == 2


def test_settlement_a_version_is_announced_with_its_terms_only() -> None:
    minor = FundRule(
        MINOR,
        recipient_categories=frozenset({"unsupported_child", "orphan"}),
        special_conditions=frozenset({"minor"}),
        modes=frozenset({"government_purchase"}),
        purchaser_levels=frozenset({"county", "township"}),
        fallback_funding_source=OTHER,
    )
    version = FundRuleVersion("341702", 3, date(2031, 1, 1), (TEKUN_ONLY, minor), "county-1")
    event = published(version)
    assert (event.subject_key, event.version, event.effective_from) == (
        "341702",
        3,
        date(2031, 1, 1),
    )
    data = event.model_dump(mode="json")
    assert "published_by" not in data
    assert data["funds"][1] == {
        "funding_source": MINOR,
        "recipient_categories": ["orphan", "unsupported_child"],
        "recipient_conditions": ["minor"],
        "service_categories": [],
        "modes": ["government_purchase"],
        "purchaser_levels": ["county", "township"],
        "fallback_funding_source": OTHER,
    }
    assert data["funds"][0]["recipient_categories"] == ["tekun"]


def test_settlement_a_version_names_a_fund_once_and_never_falls_back_to_itself() -> None:
    with pytest.raises(FundRuleError) as twice:
        fund_rules.check_rules([TEKUN_ONLY, FundRule(OTHER), FundRule(TEKUN)])
    assert (twice.value.code, twice.value.field) == (
        "duplicate_fund",
        "body.funds[2].funding_source",
    )
    with pytest.raises(FundRuleError) as itself:
        fund_rules.check_rules([FundRule(TEKUN, fallback_funding_source=TEKUN)])
    assert itself.value.field == "body.funds[0].fallback_funding_source"
    assert itself.value.message_zh == "特困人员照料护理经费的替代资金来源不能是其本身"


def test_settlement_the_category_on_a_day_follows_category_changes() -> None:
    timeline = RecipientTimeline(
        (
            StatusStep(1, date(2024, 1, 1), RecipientStatus.ACTIVE),
            StatusStep(2, date(2024, 5, 10), RecipientStatus.CATEGORY_CHANGED, "tekun"),
        ),
        category="dibao",
    )
    assert timeline.category_on(date(2024, 5, 9)) == "dibao"
    assert timeline.category_on(date(2024, 5, 10)) == "tekun"
    assert RecipientTimeline(()).category_on(date(2024, 5, 10)) is None


async def _approve(case: Case, category: RecipientCategory, *conditions: SpecialCondition) -> None:
    event = sample(
        RecipientApproved,
        person_id=case.person_id,
        recipient_id=case.recipient_id,
        effective_date=date(2024, 1, 1),
        category=category,
        special_conditions=conditions,
        **PLACE,
    )
    await note_recipient_approved(event, uow=FakeUnitOfWork(), store=case.store)


def _ruled(*rules: FundRule) -> Case:
    case = Case()
    case.store.rule_versions[PLACE["county_code"]] = [_version(*rules)]
    return case


def _only_record(case: Case) -> Any:
    (record,) = case.store.records.values()
    return record


async def test_settlement_billing_holds_a_dibao_line_of_a_tekun_only_fund() -> None:
    case = _ruled(TEKUN_ONLY)
    await _approve(case, RecipientCategory.DIBAO)
    await case.deliver(date(2024, 5, 8), quantity=2)
    record = _only_record(case)
    assert (record.billing_status, record.reason_code) == ("not_billable", "fund_restricted")
    assert case.store.lines == []
    hold = case.store.holds[record.record_id]
    assert hold[1:5] == (
        "341722",
        "341722100",
        TEKUN,
        "特困人员照料护理经费仅用于特困人员，该服务对象为低保对象",
    )


async def test_settlement_billing_pays_the_fallback_fund_and_a_tekun_line_as_asked() -> None:
    case = _ruled(FundRule(TEKUN, frozenset({"tekun"}), fallback_funding_source=OTHER))
    await _approve(case, RecipientCategory.DIBAO)
    await case.deliver(date(2024, 5, 8), quantity=2)
    assert [(x["kind"], x["funding_source"], x["amount_fen"]) for x in case.store.lines] == [
        ("charge", OTHER, 2 * MEAL_FEE)
    ]
    tekun = _ruled(TEKUN_ONLY)
    await _approve(tekun, RecipientCategory.TEKUN)
    await tekun.deliver(date(2024, 5, 8))
    assert [(x["funding_source"], x["amount_fen"]) for x in tekun.store.lines] == [
        (TEKUN, MEAL_FEE)
    ]


async def test_settlement_a_category_change_to_tekun_releases_the_later_lines() -> None:
    case = _ruled(TEKUN_ONLY)
    await _approve(case, RecipientCategory.DIBAO)
    await case.deliver(date(2024, 5, 8))
    await case.deliver(date(2024, 5, 20))
    change = sample(
        RecipientStatusChanged,
        person_id=case.person_id,
        recipient_id=case.recipient_id,
        status=RecipientStatus.CATEGORY_CHANGED,
        previous_status=RecipientStatus.ACTIVE,
        new_category=RecipientCategory.TEKUN,
        version=2,
        effective_date=date(2024, 5, 15),
    )
    await note_status_changed(change, uow=FakeUnitOfWork(), store=case.store)
    by_day = {r.service_date: r.reason_code for r in case.store.records.values()}
    assert by_day == {date(2024, 5, 8): "fund_restricted", date(2024, 5, 20): None}
    assert [(x["service_date"], x["amount_fen"]) for x in case.store.lines] == [
        (date(2024, 5, 20), MEAL_FEE)
    ]


async def test_settlement_a_resolution_assigns_an_allowed_fund_or_refuses_for_good() -> None:
    from settlement.domain.records import RecordSelection
    from settlement.handlers.billing import recheck

    case = _ruled(TEKUN_ONLY, FundRule(OTHER, service_categories=frozenset({"life_care"})))
    await _approve(case, RecipientCategory.DIBAO)
    await case.deliver(date(2024, 5, 8))
    record = _only_record(case)
    case.store.resolutions[record.record_id] = Resolution(HoldDecision.ASSIGN, OTHER, "改列")
    which = RecordSelection(record_id=record.record_id)
    await recheck(which, uow=FakeUnitOfWork(), cause=case.person_id, store=case.store)
    assert _only_record(case).billing_status == BillingStatus.BILLED.value
    assert [(x["funding_source"], x["amount_fen"]) for x in case.store.lines] == [(OTHER, MEAL_FEE)]
    case.store.resolutions[record.record_id] = Resolution(HoldDecision.REFUSE, None, "不予列支")
    await recheck(which, uow=FakeUnitOfWork(), cause=case.order_id, store=case.store)
    assert _only_record(case).reason_code == NotBillableReason.FUND_REFUSED.value
    assert sum(x["amount_fen"] for x in case.store.lines) == 0
    assert _only_record(case).service_category == ServiceCategory.LIFE_CARE.value
