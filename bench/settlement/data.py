"""A deterministic city month: 100,000 recipients, 1,000,000 priced ledger lines.

The lines are what billing posts for delivered services: charges at the demo fee, about 1%
reversals (stopped recipients, failed checks) and about 1% late April records that land on
May's statement as adjustments.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from contracts import divisions
from contracts.divisions import DivisionLevel
from contracts.enums import FundingSource
from settlement.domain.catalogue import demo_items
from settlement.domain.postings import source_id
from settlement.ids import new_line_id

PERIOD = "2024-05"
LATE = "2024-04"
COLUMNS = (
    "line_id",
    "kind",
    "source_id",
    "record_id",
    "person_id",
    "recipient_id",
    "order_id",
    "provider_id",
    "provider_code",
    "county_code",
    "township_code",
    "period_kind",
    "period",
    "service_month",
    "service_date",
    "item_code",
    "funding_source",
    "unit",
    "quantity",
    "unit_fee_fen",
    "amount_fen",
    "catalogue_version",
    "reverses_line_id",
    "cause_event_id",
    "reason_zh",
)
_SOURCES = [
    (FundingSource.TEKUN_CARE, 35),
    (FundingSource.HOME_ELDERLY_CARE, 25),
    (FundingSource.TEMPORARY_ASSISTANCE, 10),
    (FundingSource.DISABILITY_REHABILITATION, 10),
    (FundingSource.MINOR_PROTECTION, 5),
    (FundingSource.OTHER_SERVICE_AID, 10),
    (FundingSource.CHARITY, 4),
    (FundingSource.ASSISTANCE_WORK_SPECIAL, 1),
]


@dataclass(frozen=True)
class Order:
    """One recipient's order at one provider for one item."""

    order_id: uuid.UUID
    provider_id: uuid.UUID
    provider_code: str
    item_code: str
    unit: str
    fee_fen: int
    funding_source: str


def _uuid(rnd: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rnd.getrandbits(128), version=4)


def generate(
    *, lines: int, recipients: int, providers_per_township: int = 8, seed: int = 20240531
) -> list[tuple]:
    """The month's ledger lines as tuples in ``COLUMNS`` order."""
    rnd = random.Random(seed)
    townships = [d.code for d in divisions.table() if d.level is DivisionLevel.TOWNSHIP]
    priced = [i for i in demo_items() if i.fee_fen > 0 and i.unit.value != "month"]
    sources, weights = zip(*_SOURCES, strict=True)
    providers = {
        t: [(_uuid(rnd), f"p{t}-{n}") for n in range(providers_per_township)] for t in townships
    }
    out: list[tuple] = []
    per_person, extra = divmod(lines, recipients)
    for index in range(recipients):
        township = townships[index % len(townships)]
        person, recipient = _uuid(rnd), _uuid(rnd)
        orders = []
        for _ in range(2):
            pid, code = rnd.choice(providers[township])
            item = rnd.choice(priced)
            source = rnd.choices(sources, weights)[0].value
            orders.append(
                Order(_uuid(rnd), pid, code, item.item_code, item.unit.value, item.fee_fen, source)
            )
        count = per_person + (1 if index < extra else 0)
        for _ in range(count):
            out.append(_line(rnd, out, township, person, recipient, rnd.choice(orders)))
    return out


def _line(
    rnd: random.Random,
    done: list[tuple],
    township: str,
    person: uuid.UUID,
    recipient: uuid.UUID,
    o: Order,
) -> tuple:
    roll = rnd.random()
    if roll < 0.01 and done and done[-1][1] == "charge":  # reverse the previous charge
        prior = done[-1]
        line_id = new_line_id()
        quantity = -prior[18]
        return (
            line_id,
            "reversal",
            source_id(f"line:{prior[0]}"),
            prior[3],
            prior[4],
            prior[5],
            prior[6],
            prior[7],
            prior[8],
            prior[9],
            prior[10],
            "monthly",
            PERIOD,
            prior[13],
            prior[14],
            prior[15],
            prior[16],
            prior[17],
            quantity,
            prior[19],
            quantity * prior[19],
            1,
            prior[0],
            _uuid(rnd),
            "服务对象已停止救助",
        )
    month = LATE if roll > 0.99 else PERIOD
    day = date(2024, 4 if month == LATE else 5, 1) + timedelta(days=rnd.randrange(30))
    quantity = rnd.randint(1, 3)
    record = _uuid(rnd)
    return (
        new_line_id(),
        "charge",
        source_id(f"record:{record}"),
        record,
        person,
        recipient,
        o.order_id,
        o.provider_id,
        o.provider_code,
        township[:6],
        township,
        "monthly",
        PERIOD,
        month,
        day,
        o.item_code,
        o.funding_source,
        o.unit,
        quantity,
        o.fee_fen,
        quantity * o.fee_fen,
        1,
        None,
        _uuid(rnd),
        None,
    )
