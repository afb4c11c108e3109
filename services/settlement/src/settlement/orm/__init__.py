"""Tables of the settlement database (one MetaData with the project's naming convention)."""

from __future__ import annotations

from settlement.orm import budgets, fund_rules, payments, year_end  # noqa: F401  (their tables)
from settlement.orm.base import metadata
from settlement.orm.catalogue import (
    assistance_fund_total,
    catalogue_item,
    catalogue_version,
    funding_budget,
)
from settlement.orm.checks import spot_check, spot_check_draw
from settlement.orm.evaluations import area_evaluation, evaluation_rule, provider_evaluation
from settlement.orm.ledger import ledger_line, service_record
from settlement.orm.readmodels import (
    order_change,
    provider,
    recipient,
    recipient_items,
    recipient_status,
    service_order,
)
from settlement.orm.statements import statement, statement_item_total, statement_source_total
from settlement.orm.supervision import complaint_outcome, inspection

__all__ = [
    "area_evaluation",
    "assistance_fund_total",
    "catalogue_item",
    "catalogue_version",
    "complaint_outcome",
    "evaluation_rule",
    "funding_budget",
    "inspection",
    "ledger_line",
    "metadata",
    "order_change",
    "provider",
    "provider_evaluation",
    "recipient",
    "recipient_items",
    "recipient_status",
    "service_order",
    "service_record",
    "spot_check",
    "spot_check_draw",
    "statement",
    "statement_item_total",
    "statement_source_total",
]
