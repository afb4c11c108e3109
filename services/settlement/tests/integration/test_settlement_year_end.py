"""Year-end: the report per fund equals the ledger to the fen; the county closes the year.

County 341702, year 2034 only (the carries tests add their own 2034 statements in townships
341702001/002; every county-wide figure here is recomputed from the ledger, so they count
too). Township 341702003 holds this test's own year, whose figures are known by hand.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from civic import clock
from civic.errors import Conflict
from civic.uow import UnitOfWork
from contracts.enums import FeeUnit, RecipientCategory, RecipientStatus
from contracts.kinds import StatementPeriod
from settlement.handlers import recipients, year_end
from settlement.handlers.statements import RunSettlement, confirm_statement, run_settlement
from settlement.repository import statements as statement_rows

pytestmark = pytest.mark.integration

COUNTY, TOWNSHIP, YEAR = "341702", "341702003", 2034
MONTHS = [f"{YEAR}-{month:02d}" for month in range(1, 13)]
PERIODS = {str(YEAR), *MONTHS}
BUCKETS = {"confirmed": "committed", "paid": "committed", "draft": "open", "held": "open"}
FIELDS = (
    "ledger_fen",
    "reversed_fen",
    "committed_fen",
    "paid_fen",
    "open_fen",
    "carried_fen",
    "carried_in_fen",
    "carried_out_fen",
    "unsettled_fen",
)


@pytest.fixture(autouse=True)
def after_2034() -> Iterator[None]:
    """The process's clock runs on from 1 March 2035 for the test."""
    with clock.using(clock.Clock.starting_at(datetime(2035, 3, 1, 2, 0, tzinfo=UTC))):
        yield


async def tekun(world: Any) -> Any:
    event = world.approval(date(2024, 1, 1)).model_copy(
        update={"category": RecipientCategory.TEKUN}
    )
    await world.run(recipients.note_recipient_approved, event)
    return event


async def build_year(world: Any, other: Any, client: httpx.AsyncClient, officer: Any) -> None:
    """Charges, a reversal, a late (adjustment) charge, a paid month, a carry and drafts."""
    a, b = await tekun(world), await tekun(world)
    visits = await world.order(a, "LC-04", FeeUnit.VISIT)  # 2000 fen a visit
    cleaning = await world.order(b, "CL-01", FeeUnit.VISIT)  # 5000 fen a visit
    await world.deliver(visits, date(2034, 2, 10))
    await world.deliver(visits, date(2034, 2, 20))
    [february] = await world.settle("2034-02")
    assert (await client.post(f"/statements/{february}/confirm", headers=officer)).is_success
    async with world.db() as session:
        await statement_rows.set_status(
            session,
            february,
            {"status": "paid", "payment_reference": "YE-2034-02", "paid_on": date(2034, 3, 5)},
        )
        await session.commit()
    await world.change(a, RecipientStatus.STOPPED, date(2034, 2, 15))  # −2000 on March
    await world.deliver(cleaning, date(2034, 2, 26))  # late: +5000 on March, an adjustment
    await world.deliver(cleaning, date(2034, 3, 5))
    await world.settle("2034-03")  # 8000, left as a draft

    c = await tekun(other)
    trips = await other.order(c, "LC-04", FeeUnit.VISIT)
    await other.deliver(trips, date(2034, 5, 10))
    [may] = await other.settle("2034-05")
    assert (await client.post(f"/statements/{may}/confirm", headers=officer)).is_success
    await other.change(c, RecipientStatus.STOPPED, date(2034, 5, 1))  # June: −2000
    [june] = await other.settle("2034-06")
    carried = await client.post(f"/statements/{june}/confirm", headers=officer)
    assert carried.json()["status"] == "carried", carried.text
    await other.settle("2034-07")  # July holds only the carry: −2000, a draft


async def expected_from_ledger(world: Any) -> dict[str, dict[str, int]]:
    """Each fund's year recomputed from ledger lines, carry rows and statement statuses."""
    status = {
        (r.township_code, r.provider_id, r.period_kind, r.period): r.status
        for r in await world.sql(
            "SELECT township_code, provider_id, period_kind, period, status FROM statement"
            " WHERE county_code = :c",
            c=COUNTY,
        )
    }
    figures: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIELDS, 0))
    lines = await world.sql(
        "SELECT township_code, provider_id, period_kind, period, funding_source, kind,"
        " amount_fen FROM ledger_line WHERE county_code = :c",
        c=COUNTY,
    )
    for line in (x for x in lines if x.period in PERIODS):
        mine = figures[line.funding_source]
        mine["ledger_fen"] += line.amount_fen
        mine["reversed_fen"] += line.amount_fen if line.kind == "reversal" else 0
        _bucket(mine, status.get(tuple(line)[:4]), line.amount_fen)
    carries = await world.sql(
        "SELECT township_code, provider_id, period_kind, into_period, funding_source,"
        " from_period, amount_fen FROM statement_carry WHERE county_code = :c",
        c=COUNTY,
    )
    for carry in carries:
        mine = figures[carry.funding_source]
        if carry.into_period in PERIODS:
            _bucket(mine, status.get(tuple(carry)[:4]), carry.amount_fen)
            if carry.from_period not in PERIODS:
                mine["carried_in_fen"] += carry.amount_fen
        elif carry.from_period in PERIODS:
            mine["carried_out_fen"] += carry.amount_fen
    return dict(figures)


def _bucket(mine: dict[str, int], status: str | None, amount: int) -> None:
    name = "unsettled" if status is None else BUCKETS.get(status, status)
    mine[f"{name}_fen"] += amount
    if status == "paid":
        mine["paid_fen"] += amount


def as_figures(report: dict[str, Any]) -> dict[str, dict[str, int]]:
    return {
        row["funding_source"]: {name: row[name] for name in FIELDS}
        for row in report["funds"]
        if any(row[name] for name in FIELDS)
    }


async def close_out(world: Any) -> None:
    """Settles every 2034 month of the county and confirms (or carries) every draft."""
    for month in MONTHS:
        cmd = RunSettlement(StatementPeriod.MONTHLY, month, "county", COUNTY)
        await world.run(run_settlement, cmd)
        drafts = await world.sql(
            "SELECT statement_id FROM statement WHERE county_code = :c AND period = :m"
            " AND status = 'draft'",
            c=COUNTY,
            m=month,
        )
        for row in drafts:
            await world.run(confirm_statement, row.statement_id, user="closer", now=clock.now())


async def test_settlement_the_year_end_report_equals_the_ledger_and_closes_the_year(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Callable[..., dict[str, str]]
) -> None:
    world, other = scenario(TOWNSHIP), scenario(TOWNSHIP)
    officer = auth("township_officer", TOWNSHIP)
    county = auth("county_officer", COUNTY)
    for division in (TOWNSHIP, COUNTY):
        budget = await client.put(
            f"/funds/{division}/{YEAR}/budgets/tekun_care",
            json={"amount_fen": 5_000_000},
            headers=county,
        )
        assert budget.status_code == 204, budget.text
    await build_year(world, other, client, officer)

    mine = await client.get(f"/funds/{TOWNSHIP}/{YEAR}/year-end", headers=officer)
    assert mine.status_code == 200, mine.text
    [tekun_row] = [r for r in mine.json()["funds"] if r["funding_source"] == "tekun_care"]
    assert {name: tekun_row[name] for name in FIELDS} == {
        "ledger_fen": 12_000,  # Feb 4000, March −2000 + 5000 + 5000, May 2000, June −2000
        "reversed_fen": -4_000,
        "committed_fen": 6_000,  # Feb (paid) and May
        "paid_fen": 4_000,
        "open_fen": 6_000,  # March 8000, July's carry −2000
        "carried_fen": -2_000,
        "carried_in_fen": 0,
        "carried_out_fen": 0,
        "unsettled_fen": 0,
    }
    assert (tekun_row["budget_fen"], tekun_row["balanced"], mine.json()["drafts"]) == (
        5_000_000,
        True,
        2,
    )
    assert (
        await client.get(f"/funds/{COUNTY}/{YEAR}/year-end", headers=officer)
    ).status_code == 403

    report = (await client.get(f"/funds/{COUNTY}/{YEAR}/year-end", headers=county)).json()
    assert as_figures(report) == await expected_from_ledger(world)
    assert (report["balanced"], report["total"]["difference_fen"], report["closed"]) == (
        True,
        0,
        False,
    )

    refused = await client.post(f"/funds/{COUNTY}/{YEAR}/close", headers=county)
    assert (refused.status_code, refused.json()["code"]) == (409, "year_has_open_statements")
    drafts = await world.sql(
        "SELECT count(*) AS n FROM statement WHERE county_code = :c AND status = 'draft'"
        " AND (period = :y OR period LIKE :m)",
        c=COUNTY,
        y=str(YEAR),
        m=f"{YEAR}-%",
    )
    assert refused.json()["extra"]["drafts"] == drafts[0].n >= 2
    assert "草稿结算单" in refused.json()["title"]

    await close_out(world)
    settled = (await client.get(f"/funds/{TOWNSHIP}/{YEAR}/year-end", headers=officer)).json()
    [tekun_row] = [r for r in settled["funds"] if r["funding_source"] == "tekun_care"]
    # March confirmed; July's −2000 carried month by month into January 2035.
    assert (
        tekun_row["committed_fen"],
        tekun_row["open_fen"],
        tekun_row["carried_fen"],
        tekun_row["carried_out_fen"],
        tekun_row["ledger_fen"],
        tekun_row["balanced"],
    ) == (14_000, 0, -14_000, -2_000, 12_000, True)

    closed = await client.post(f"/funds/{COUNTY}/{YEAR}/close", headers=county)
    assert closed.status_code == 200, closed.text
    assert closed.json()["closed"] and closed.json()["balanced"]
    assert as_figures(closed.json()) == await expected_from_ledger(world)
    again = await client.post(f"/funds/{COUNTY}/{YEAR}/close", headers=county)
    assert again.json() == closed.json()
    assert (await client.get(f"/funds/{COUNTY}/{YEAR}/year-end", headers=county)).json() == (
        closed.json()
    )
    async with UnitOfWork(world.db) as uow:
        with pytest.raises(Conflict) as refusal:
            await year_end.ensure_year_open(uow, COUNTY, "2034-11")
        assert refusal.value.code == "year_closed"
        await year_end.ensure_year_open(uow, COUNTY, "2035-01")
    for division in (TOWNSHIP, COUNTY):  # nor may a run change a statement of the closed year
        run = await client.post(f"/settlements/{division}/{YEAR}-11/run", headers=county)
        assert (run.status_code, run.json()["code"]) == (409, "year_closed"), run.text

    await downloads_match(client, county, closed.json())


async def downloads_match(
    client: httpx.AsyncClient, county: dict[str, str], report: dict[str, Any]
) -> None:
    """The CSV parses back to the report's fen; the PDF is a PDF."""
    got = await client.get(f"/funds/{COUNTY}/{YEAR}/year-end.csv", headers=county)
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    assert got.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(got.content.decode("utf-8-sig"))))
    by_code = {row["资金来源代码"]: row for row in rows}
    for fund in [*report["funds"], report["total"]]:
        row = by_code[fund["funding_source"]]
        assert int(row["台账合计(分)"]) == fund["ledger_fen"]
        assert int(row["已确认(含已支付)(分)"]) == fund["committed_fen"]
        assert int(row["结转下年(分)"]) == fund["carried_out_fen"]
        assert int(row["其中冲销(分)"]) == fund["reversed_fen"]
    pdf = await client.get(f"/funds/{COUNTY}/{YEAR}/year-end.pdf", headers=county)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and len(pdf.content) > 1000


async def test_settlement_only_a_county_officer_closes_a_year(
    client: httpx.AsyncClient, auth: Callable[..., dict[str, str]]
) -> None:
    township = auth("township_officer", TOWNSHIP)
    refused = await client.post(f"/funds/{COUNTY}/{YEAR}/close", headers=township)
    assert refused.status_code == 403
    auditor = auth("auditor", COUNTY)
    assert (await client.get(f"/funds/{COUNTY}/{YEAR}/year-end", headers=auditor)).is_success
