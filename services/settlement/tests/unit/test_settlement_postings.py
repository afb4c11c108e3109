"""Ledger postings (hypothesis): append-only corrections that always land on what is owed."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.kinds import LedgerLineKind
from settlement.domain.billing import Entitlement
from settlement.domain.postings import PlannedLine, PostedLine, plan
from settlement.domain.reasons import NotBillableReason

pytestmark = pytest.mark.unit


@st.composite
def entitlements(draw: st.DrawFn) -> Entitlement:
    if draw(st.booleans()):
        return Entitlement(draw(st.sampled_from(list(NotBillableReason))))
    quantity = draw(st.integers(min_value=1, max_value=30))
    fee = draw(st.integers(min_value=1, max_value=100_000))
    amount = draw(st.integers(min_value=1, max_value=quantity * fee))  # prorated at most to full
    return Entitlement(None, quantity, fee, 1, amount)


class Ledger:
    """An in-memory ledger with the database's rule: (source_key, kind) is unique."""

    def __init__(self) -> None:
        self.lines: list[PostedLine] = []
        self.keys: set[tuple[str, LedgerLineKind]] = set()

    def append(self, planned: list[PlannedLine]) -> int:
        added = 0
        for p in planned:
            if (p.source_key, p.kind) in self.keys:
                continue
            self.keys.add((p.source_key, p.kind))
            self.lines.append(
                PostedLine(
                    uuid.uuid4(),
                    p.kind,
                    p.quantity,
                    p.unit_fee_fen,
                    p.amount_fen,
                    p.catalogue_version,
                    p.reverses_line_id,
                )
            )
            added += 1
        return added

    @property
    def net(self) -> int:
        return sum(line.amount_fen for line in self.lines)


@given(history=st.lists(entitlements(), min_size=1, max_size=8))
def test_settlement_after_every_recheck_the_ledger_total_is_what_is_owed(
    history: list[Entitlement],
) -> None:
    record, ledger = uuid.uuid4(), Ledger()
    for n, entitlement in enumerate(history):
        cause = f"event-{n}"
        ledger.append(plan(record, entitlement, ledger.lines, cause))
        assert ledger.net == entitlement.amount_fen
        # the same cause applied again (say the inbox forgot it) posts nothing more
        assert ledger.append(plan(record, entitlement, ledger.lines, cause)) == 0
    charges = [x for x in ledger.lines if x.kind is LedgerLineKind.CHARGE]
    reversed_ids = [x.reverses_line_id for x in ledger.lines if x.kind is LedgerLineKind.REVERSAL]
    assert len(charges) <= 1
    assert len(reversed_ids) == len(set(reversed_ids))  # a line is reversed at most once
    assert set(reversed_ids) <= {c.line_id for c in charges}


@given(entitlement=entitlements())
def test_settlement_priced_lines_add_up_like_the_contract_requires(
    entitlement: Entitlement,
) -> None:
    record, ledger = uuid.uuid4(), Ledger()
    ledger.append(plan(record, entitlement, [], "first"))
    ledger.append(
        plan(record, Entitlement(NotBillableReason.RECIPIENT_STOPPED), ledger.lines, "stop")
    )
    for line in ledger.lines:
        if line.kind is not LedgerLineKind.ADJUSTMENT:
            assert line.amount_fen == line.quantity * line.unit_fee_fen
        if line.kind is LedgerLineKind.CHARGE:
            assert line.quantity > 0
        if line.kind is LedgerLineKind.REVERSAL:
            assert line.quantity < 0
            assert line.reverses_line_id is not None
    assert ledger.net == 0


def test_settlement_a_prorated_month_is_a_charge_and_an_adjustment() -> None:
    lines = plan(
        uuid.uuid4(), Entitlement(None, 1, 3000, 1, 870, "按在册天数折算 9/31 天"), [], "e1"
    )
    assert [(x.kind, x.amount_fen) for x in lines] == [
        (LedgerLineKind.CHARGE, 3000),
        (LedgerLineKind.ADJUSTMENT, -2130),
    ]
    assert lines[1].note_zh == "按在册天数折算 9/31 天"
