"""HTTP request and response models of settlement (money in integer fen, Chinese labels)."""

from __future__ import annotations

from settlement.schemas.catalogue import CatalogueItemIn, VersionCreate, VersionRead, VersionSummary
from settlement.schemas.common import Page
from settlement.schemas.funds import MAX_FEN, AssistanceTotalSet, BudgetSet, FundRow, FundsRead
from settlement.schemas.ledger import LedgerLineRead, RecordRead
from settlement.schemas.spot_checks import (
    DrawCreate,
    DrawRead,
    SpotCheckRead,
    SpotCheckResultCreate,
)
from settlement.schemas.statements import (
    ItemTotal,
    RunRead,
    SourceTotal,
    StatementRead,
    SubsidyRun,
)

__all__ = [
    "MAX_FEN",
    "AssistanceTotalSet",
    "BudgetSet",
    "CatalogueItemIn",
    "DrawCreate",
    "DrawRead",
    "FundRow",
    "FundsRead",
    "ItemTotal",
    "LedgerLineRead",
    "Page",
    "RecordRead",
    "RunRead",
    "SourceTotal",
    "SpotCheckRead",
    "SpotCheckResultCreate",
    "StatementRead",
    "SubsidyRun",
    "VersionCreate",
    "VersionRead",
    "VersionSummary",
]
