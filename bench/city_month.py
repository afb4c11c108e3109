"""A city month through settlement's real path: produce, ingest and settle N service records,
next to the raw aiokafka consume of the same records and a raw GROUP BY of the same lines.

    .venv/bin/python -m bench city-month [--records 1000000] [--recipients 100000]
        [--json .state/bench/city_month.json]

Starts a private stack: Kafka, PostgreSQL and settlement only (the other services would
react to the events below too, e.g. dispatch would refer every generated recipient).

Generated: contract-valid events, built through their ``contracts`` models, produced with
their owner's Kafka principal and key; none went through intake, survey, review or dispatch:
  * ``ProviderRegistered`` (dispatch): 8 providers in each of the 58 townships;
  * ``RecipientApproved`` (review): ``--recipients`` recipients round every village, approved
    from the month's first day for two priced items of the demo catalogue;
  * ``ServiceOrderCreated`` (dispatch): their two orders, at providers of their township;
  * ``ServiceDelivered`` (dispatch): ``--records`` records round those orders, as dispatch
    publishes a validated record, their days rising through the month.
Real path, timed:
  * settle-up: settlement's consumers apply the providers, recipients and orders;
  * produce: the records sent to ``dispatch.services.v1`` (acks=all, idempotent);
  * ingest: from the first record sent until settlement's ``processed_event`` holds them
    all: each kept, priced, its ledger line posted and announced (``handlers/billing``);
  * settle: ``POST /settlements/{county}/{month}/run`` for each of the 6 county-level
    units, as a county officer whose token is minted as devstack's journeys mint them.
Raw limits, same run: a bare aiokafka consumer reading the same records back
(``bench.pipeline.raw_consume``); a GROUP BY (median of 3) of the month's ledger lines by
township, provider, item and fund (the aggregate a settlement computes).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import asyncpg

from bench import common
from bench.common import Message, PooledApi, private_stack, produce, table, until_applied
from bench.pipeline import raw_consume
from bench.settlement.data import PERIOD
from contracts import divisions, topics
from contracts.dispatch import ProviderRegistered, ServiceDelivered, ServiceOrderCreated
from contracts.divisions import DivisionLevel
from contracts.envelope import KeyedEvent
from contracts.review import RecipientApproved
from devstack.journeys.application import catalogue_loaded
from devstack.stack import Stack
from settlement.domain.catalogue import county_units, demo_items

FIRST_DAY = date.fromisoformat(f"{PERIOD}-01")
DAYS = 31
ITEM_TERMS = {"mode": "government_purchase", "frequency": {"times": 1, "per": "day"}}
FUNDS = ("tekun_care", "home_elderly_care", "temporary_assistance", "disability_rehabilitation")
GROUP_BY = """
SELECT township_code, provider_id, item_code, funding_source, sum(amount_fen), count(*)
FROM ledger_line WHERE period_kind = 'monthly' AND period = $1
GROUP BY township_code, provider_id, item_code, funding_source
"""


@dataclass(frozen=True)
class City:
    """The generated facts settlement has to know before a record can be billed."""

    providers: list[ProviderRegistered]
    recipients: list[RecipientApproved]
    orders: list[ServiceOrderCreated]  # the recipient's two orders at 2 r and 2 r + 1


def _villages() -> dict[str, list[str]]:
    """Every township of the city with its villages."""
    found: dict[str, list[str]] = {}
    for d in divisions.table():
        if d.level is DivisionLevel.VILLAGE:
            found.setdefault(d.code[:9], []).append(d.code)
    return found


def _provider(township: str, n: int) -> ProviderRegistered:
    return ProviderRegistered(
        provider_id=uuid.uuid4(),
        provider_code=f"p{township}-{n}",
        version=1,
        name_zh=f"服务机构{township}-{n}",
        provider_type="social_work_org",
        county_code=township[:6],
        township_codes=(township,),
        service_categories=tuple({i.service_category for i in demo_items()}),
        modes=("government_purchase",),
    )


def build_city(recipients: int, rnd: random.Random) -> City:
    """Providers per township; recipients round the villages, each with two orders."""
    villages = _villages()
    townships = sorted(villages)
    providers = {t: [_provider(t, n) for n in range(8)] for t in townships}
    priced = [i for i in demo_items() if i.fee_fen > 0 and i.unit.value != "month"]
    city = City([p for t in townships for p in providers[t]], [], [])
    for index in range(recipients):
        township = townships[index % len(townships)]
        village = villages[township][index // len(townships) % len(villages[township])]
        person, recipient = uuid.uuid4(), uuid.uuid4()
        items = rnd.sample(priced, 2)
        place = {"county_code": township[:6], "township_code": township, "village_code": village}
        shared = {"person_id": person, "recipient_id": recipient, **place}
        approved: list[dict[str, Any]] = [
            {"item_code": i.item_code, "service_category": i.service_category, **ITEM_TERMS}
            | {"funding_source": rnd.choice(FUNDS)}
            for i in items
        ]
        city.recipients.append(_approved(shared, approved))
        for item, chosen in zip(items, approved, strict=True):
            provider = rnd.choice(providers[township])
            city.orders.append(_order(shared, chosen, item.unit.value, provider))
    return city


def _approved(shared: dict[str, Any], items: list[dict[str, Any]]) -> RecipientApproved:
    return RecipientApproved(
        **shared,
        application_id=uuid.uuid4(),
        household_id=uuid.uuid4(),
        category="tekun",
        approved_items=tuple(items),
        effective_date=FIRST_DAY,
        display_name="王*英",
        approved_by="bench-township",
    )


def _order(
    shared: dict[str, Any], item: dict[str, Any], unit: str, provider: ProviderRegistered
) -> ServiceOrderCreated:
    return ServiceOrderCreated(
        **shared,
        **item,
        order_id=uuid.uuid4(),
        version=1,
        provider_id=provider.provider_id,
        provider_code=provider.provider_code,
        unit=unit,
        catalogue_version=1,
        start_date=FIRST_DAY,
    )


def service_records(city: City, count: int) -> list[Message]:
    """``count`` validated records round the orders, their days rising through the month."""
    made = []
    for index in range(count):
        order = city.orders[index % len(city.orders)]
        event = ServiceDelivered(
            **order.model_dump(include=_FROM_ORDER),
            record_id=uuid.uuid4(),
            quantity=1 + index % 3,
            service_date=FIRST_DAY + timedelta(days=index * DAYS // count),
        )
        made.append(_message(event))
    return made


_FROM_ORDER = {
    *("person_id", "recipient_id", "order_id", "provider_id", "provider_code", "item_code"),
    *("service_category", "mode", "funding_source", "unit"),
    *("county_code", "township_code", "village_code"),
}


def _message(event: KeyedEvent) -> Message:
    return event.TOPIC, event.subject_key.encode(), event.to_json_bytes()


async def settle(stack: Stack) -> dict[str, Any]:
    """Runs the month's settlement of every county-level unit through the HTTP API."""
    api = PooledApi(stack)
    statements, began = 0, time.perf_counter()
    try:
        for county in county_units():
            token = api.token(roles=["county_officer"], division=county, user_id="bench-county")
            got = await api.call(
                "settlement", "POST", f"/settlements/{county}/{PERIOD}/run", token=token
            )
            assert got.status_code == 200, got.text
            statements += len(got.json()["statements"])
    finally:
        await api.aclose()
    return {"seconds": time.perf_counter() - began, "statements": statements}


async def ledger(pool: asyncpg.Pool) -> dict[str, Any]:
    """What ingesting left: records by billing status, the month's lines and their total."""
    statuses = await pool.fetch("select billing_status, count(*) from service_record group by 1")
    lines = await pool.fetchrow(
        "select count(*) as lines, sum(amount_fen) as fen from ledger_line where period = $1",
        PERIOD,
    )
    times = []
    for _ in range(3):  # the median of three: one cold scan would measure the disk
        began = time.perf_counter()
        await pool.fetch(GROUP_BY, PERIOD)
        times.append(time.perf_counter() - began)
    return {
        "records_by_status": {r[0]: r[1] for r in statuses},
        "lines": lines["lines"],
        "total_fen": lines["fen"],
        "raw_group_by_s": sorted(times)[1],
    }


def _phase(events: int, seconds: float) -> dict[str, float]:
    return {"events": events, "seconds": seconds, "per_s": events / seconds}


async def run(records: int, recipients: int) -> dict[str, Any]:
    """Generates the city, then each phase in turn on one private stack."""
    print(f"generating {recipients:,} recipients and {records:,} service records ...", flush=True)
    city = build_city(recipients, random.Random(20240531))
    setup = [_message(e) for e in (*city.providers, *city.recipients, *city.orders)]
    services = service_records(city, records)
    with private_stack(services=["settlement"]) as stack:
        for county in county_units():
            await catalogue_loaded(stack, "settlement", county)
        url = stack.database_url("settlement").replace("+asyncpg", "")
        pool = await asyncpg.create_pool(url, min_size=1, max_size=2)
        try:
            result = await _phases(stack, pool, setup, services)
        finally:
            await pool.close()
    return {"records": records, "recipients": recipients, "period": PERIOD, **result}


SETUP_TYPES = [
    c.model_fields["event_type"].default
    for c in (ProviderRegistered, RecipientApproved, ServiceOrderCreated)
]


async def settle_up(stack: Stack, pool: asyncpg.Pool, setup: list[Message], every: float) -> float:
    """Providers and orders as dispatch, recipients as review; seconds until all applied."""
    began = time.perf_counter()
    for principal in ("dispatch", "review"):
        mine = [m for m in setup if (m[0] == topics.REVIEW_DECISIONS) == (principal == "review")]
        await produce(stack.kafka_access(principal), mine)
    await until_applied(pool, "settlement", SETUP_TYPES, len(setup), every)
    return time.perf_counter() - began


async def _phases(
    stack: Stack, pool: asyncpg.Pool, setup: list[Message], services: list[Message]
) -> dict[str, Any]:
    n = len(services)
    # Each poll counts processed_event, a scan of up to a million rows: not too often.
    every = 5.0 if n > 200_000 else 1.0 if n > 50_000 else 0.2
    setup_s = await settle_up(stack, pool, setup, every)
    print(f"settlement knows the city ({len(setup):,} events in {setup_s:.0f} s); producing ...")
    began = time.perf_counter()
    produce_s = await produce(stack.kafka_access("dispatch"), services)
    await until_applied(pool, "settlement", ["dispatch.ServiceDelivered"], n, every)
    ingest_s = time.perf_counter() - began
    kept = await ledger(pool)
    settled = await settle(stack)
    raw = await raw_consume(stack.kafka_access(), n)
    return {
        "setup": _phase(len(setup), setup_s),
        "produce": _phase(n, produce_s),
        "ingest": _phase(n, ingest_s),
        "settle": {**_phase(kept["lines"], settled["seconds"]), **settled},
        "raw_consume": _phase(n, raw["seconds"]),
        "raw_group_by": _phase(kept["lines"], kept["raw_group_by_s"]),
        "ledger": kept,
        "ingest_vs_raw_consume": ingest_s / raw["seconds"],
    }


ROWS = (
    ("settle-up: providers, recipients, orders applied", "setup"),
    ("produce ServiceDelivered (acks=all)", "produce"),
    ("ingest: settlement applies them (real path)", "ingest"),
    ("raw aiokafka consume of the same records", "raw_consume"),
    ("settle: HTTP runs of 6 county-level units (lines)", "settle"),
    ("raw GROUP BY of the month's lines (median of 3)", "raw_group_by"),
)


def render(result: dict[str, Any]) -> str:
    """The table of one run, each real phase beside its raw limit."""
    settle_x = result["settle"]["seconds"] / result["raw_group_by"]["seconds"]
    versus = {
        "ingest": f"{result['ingest_vs_raw_consume']:.0f}x raw consume time",
        "settle": f"{settle_x:.1f}x raw GROUP BY",
    }
    rows = [
        [name, f"{p['events']:,}", f"{p['seconds']:.1f}", f"{p['per_s']:,.0f}", versus.get(key, "")]
        for name, key in ROWS
        for p in [result[key]]
    ]
    kept = result["ledger"]
    billed = kept["records_by_status"].get("billed", 0)
    yuan = (kept["total_fen"] or 0) / 100
    return (
        table(["phase", "events", "seconds", "per s", "vs raw"], rows)
        + f"\nbilled {billed:,} of {result['records']:,} records: {kept['lines']:,} ledger lines, "
        + f"{yuan:,.2f} yuan, {result['settle']['statements']} statements"
    )


def main() -> None:
    """Runs the benchmark, prints the table and writes the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument(
        "--json", type=Path, default=common.repo_path(".state", "bench", "city_month.json")
    )
    args = parser.parse_args()
    common.stop_on_sigterm()
    last = common.previous(args.json)
    result = asyncio.run(run(args.records, args.recipients))
    print(render(result))
    if last:
        print(f"last run: {last['records']:,} records, ingest {last['ingest']['per_s']:,.0f}/s")
    common.write_json(args.json, result)


if __name__ == "__main__":
    main()
