"""Restricted funds (专款专用): what each fund may pay for, versioned per county.

A county's version lists some funds; a fund it does not list is unrestricted. A listed fund
may pay a line when every dimension it names matches (an empty list is "any"): the recipient
(their category is listed, or they have a listed special condition), the service category,
the mode and the purchaser level. A fund that may not pay hands the line to its fallback fund
if that one may (one hop, never a chain); otherwise the line is held for the county. A
fallback that would refuse the same facts is allowed (the county may mean it for other
lines); the line is then held, with both refusals in its reason.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from contracts.enums import FundingSource, RecipientCategory, ServiceCategory, ServiceMode
from contracts.enums import SpecialCondition as Condition
from contracts.labels import ZhEnum, zh_labels


@zh_labels({"township": "乡镇（街道）购买", "county": "县级购买"})
class PurchaserLevel(ZhEnum):
    """Who buys the service (服务购买主体)."""

    TOWNSHIP = "township"
    COUNTY = "county"


#: Every statement today is the township's: the township pays providers monthly.
DEFAULT_PURCHASER = PurchaserLevel.TOWNSHIP


@dataclass(frozen=True)
class FundRule:
    """What one fund may pay for; an empty set places no limit on that dimension."""

    funding_source: str
    recipient_categories: frozenset[str] = frozenset()
    special_conditions: frozenset[str] = frozenset()
    service_categories: frozenset[str] = frozenset()
    modes: frozenset[str] = frozenset()
    purchaser_levels: frozenset[str] = frozenset()
    fallback_funding_source: str | None = None


@dataclass(frozen=True)
class FundRuleVersion:
    """A county's published version of its fund rules."""

    county_code: str
    version: int
    effective_from: date
    rules: tuple[FundRule, ...] = ()
    published_by: str = ""
    published_at: datetime | None = None

    def rule_of(self, funding_source: str) -> FundRule | None:
        """The fund's rule in this version (None: the fund is unrestricted)."""
        return next((r for r in self.rules if r.funding_source == funding_source), None)


@dataclass(frozen=True)
class LineFacts:
    """What a fund's rule looks at in a line; ``category`` is None when it is not known."""

    category: str | None
    special_conditions: frozenset[str] = field(default_factory=frozenset)
    service_category: str | None = None
    mode: str | None = None
    purchaser_level: str = DEFAULT_PURCHASER.value


@dataclass(frozen=True)
class FundChoice:
    """The fund that pays a line (None: held for the county), and why in Chinese."""

    funding_source: str | None
    why_zh: str | None = None

    @property
    def held(self) -> bool:
        """True when no fund may pay the line."""
        return self.funding_source is None


def _label(enum: type[ZhEnum], value: str) -> str:
    try:
        return enum(value).label_zh
    except ValueError:
        return value


def _labels(enum: type[ZhEnum], values: Iterable[str]) -> str:
    return "、".join(_label(enum, v) for v in sorted(values))


def _who(rule: FundRule) -> str:
    parts = []
    if rule.recipient_categories:
        parts.append(_labels(RecipientCategory, rule.recipient_categories))
    if rule.special_conditions:
        parts.append(_labels(Condition, rule.special_conditions))
    return "或".join(parts)


def _recipient_refusal(rule: FundRule, facts: LineFacts) -> str | None:
    if not rule.recipient_categories and not rule.special_conditions:
        return None
    if facts.category in rule.recipient_categories:
        return None
    if facts.special_conditions & rule.special_conditions:
        return None
    if facts.category is None:
        return f"仅用于{_who(rule)}，该服务对象类别未知"
    return f"仅用于{_who(rule)}，该服务对象为{_label(RecipientCategory, facts.category)}"


def refusal(rule: FundRule, facts: LineFacts) -> str | None:
    """Why the fund may not pay the line (Chinese, naming the fund), or None if it may."""
    why = _recipient_refusal(rule, facts)
    checks = (
        (rule.service_categories, facts.service_category, ServiceCategory, "服务类别"),
        (rule.modes, facts.mode, ServiceMode, "服务方式"),
        (rule.purchaser_levels, facts.purchaser_level, PurchaserLevel, "购买主体"),
    )
    for allowed, value, enum, name in checks:
        if why is None and allowed and value not in allowed:
            seen = "未知" if value is None else _label(enum, value)
            why = f"{name}仅限{_labels(enum, allowed)}，该服务为{seen}"
    return None if why is None else f"{_label(FundingSource, rule.funding_source)}{why}"


def may_pay(version: FundRuleVersion | None, fund: str, facts: LineFacts) -> str | None:
    """Why ``fund`` may not pay the line under ``version``, or None if it may."""
    rule = None if version is None else version.rule_of(fund)
    return None if rule is None else refusal(rule, facts)


def choose(version: FundRuleVersion | None, fund: str, facts: LineFacts) -> FundChoice:
    """The fund that pays a line first asked of ``fund``: it, its fallback, or none (held)."""
    why = may_pay(version, fund, facts)
    if why is None:
        return FundChoice(fund)
    assert version is not None  # only a version's rule refuses
    rule = version.rule_of(fund)
    fallback = rule.fallback_funding_source if rule is not None else None
    if fallback is None:
        return FundChoice(None, why)
    fallback_why = may_pay(version, fallback, facts)
    if fallback_why is None:
        return FundChoice(fallback, f"{why}，改由{_label(FundingSource, fallback)}结算")
    return FundChoice(None, f"{why}；{fallback_why}")


@zh_labels({"assign": "指定资金来源结算", "refuse": "不予结算"})
class HoldDecision(ZhEnum):
    """How the county resolves a line held by the fund rules."""

    ASSIGN = "assign"
    REFUSE = "refuse"


@dataclass(frozen=True)
class Resolution:
    """The county's decision on a held line: the fund to pay it from, or unpaid for good."""

    decision: HoldDecision
    funding_source: str | None
    note_zh: str


@dataclass(frozen=True)
class HoldFilter:
    """Held records of a county, or of one township."""

    county_code: str | None = None
    township_code: str | None = None


@dataclass(frozen=True)
class HeldLine:
    """A record the fund rules hold for the county: what, where, the fund asked, and why."""

    record_id: uuid.UUID
    person_id: uuid.UUID
    recipient_id: uuid.UUID
    county_code: str
    township_code: str
    provider_code: str
    item_code: str
    service_date: date
    funding_source: str
    why_zh: str


class FundRuleError(ValueError):
    """A new version breaks a rule of fund rules; ``code`` and ``field`` say which (422)."""

    def __init__(self, code: str, message_zh: str, field: str = "body.effective_from") -> None:
        super().__init__(message_zh)
        self.code = code
        self.message_zh = message_zh
        self.field = field


def next_version(latest: FundRuleVersion | None, effective_from: date, today: date) -> int:
    """The number of a new version; it may start neither in the past nor before the latest."""
    if effective_from < today:
        raise FundRuleError(
            "effective_from_in_past", "资金用途规则的执行日期不能早于今天（已结算的费用不得改写）"
        )
    if latest is None:
        return 1
    if effective_from < latest.effective_from:
        raise FundRuleError(
            "effective_from_before_latest",
            f"新版本的执行日期不能早于现行第{latest.version}版的执行日期"
            f"（{latest.effective_from.isoformat()}）",
        )
    return latest.version + 1


def check_rules(rules: Iterable[FundRule]) -> None:
    """Each fund at most once; a fallback names another fund (it is not checked further)."""
    seen: set[str] = set()
    for index, rule in enumerate(rules):
        where = f"body.funds[{index}]"
        name = _label(FundingSource, rule.funding_source)
        if rule.funding_source in seen:
            raise FundRuleError(
                "duplicate_fund", f"同一版本中{name}只能出现一次", f"{where}.funding_source"
            )
        seen.add(rule.funding_source)
        if rule.fallback_funding_source == rule.funding_source:
            raise FundRuleError(
                "fallback_to_itself",
                f"{name}的替代资金来源不能是其本身",
                f"{where}.fallback_funding_source",
            )
