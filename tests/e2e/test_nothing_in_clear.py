"""Issue 16: after a whole flow (application → survey → approval → contact → service → stop,
and the city system's own report about the person on its topic), neither any service's
database nor any topic holds an ID number, a mobile number, or the address and health note
the village entered, in clear."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from civic import clock
from civic.bus.grants import CITY_SYSTEM
from contracts import resident_id
from contracts.inbound import AssistanceStatusReported
from contracts.privacy import find_id_numbers
from devstack.journeys import care, city
from devstack.journeys.application import VILLAGE, catalogue_loaded
from devstack.journeys.db import fetch, wait_until
from devstack.services import SERVICES
from devstack.stack import Stack

pytestmark = pytest.mark.e2e


def real_id_numbers(text: str) -> Iterator[str]:
    """ID numbers whose check digit and birth date hold (not any 18 digits in a row)."""
    for found in find_id_numbers(text):
        if len(found) != 18 or resident_id.check_char(found[:17]) != found[17].upper():
            continue
        try:
            date(int(found[6:10]), int(found[10:12]), int(found[12:14]))
        except ValueError:
            continue
        yield found


#: What a dump shows of a sealed value (``s1.<key id>.<base64url>`` at rest, ``hpke1.<base64url>``
#: from the city system), of bytes (hex), of ids and digests: random digits in them are no
#: personal data, so they are left out.
_NOT_TEXT = re.compile(
    r"s1\.[0-9A-Za-z]+\.[0-9A-Za-z_=-]+"
    r"|hpke1\.[0-9A-Za-z_-]+"
    r"|\\x[0-9a-f]+"
    r"|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    r"|(?<![0-9a-z])(?=[0-9a-f]{16,}(?![0-9a-z]))[0-9]*[a-f][0-9a-f]*"  # hex, a letter in it
)
#: A mainland mobile number standing on its own (not inside a longer token).
_MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9][0-9]{9}(?![0-9A-Za-z])")


def leaks(text: str, entered: tuple[str, ...] = ()) -> list[str]:
    """What in ``text`` is an ID number, a mobile number or an entered string, in clear."""
    clear = _NOT_TEXT.sub(" ", text)
    return [*real_id_numbers(clear), *_MOBILE.findall(clear), *(e for e in entered if e in clear)]


async def database_leaks(
    stack: Stack, service: str, entered: tuple[str, ...]
) -> dict[str, list[str]]:
    """Every table of the service's database, each row as text, as pg_dump would show it."""
    url = stack.database_url(service)
    tables = await fetch(
        url, "select tablename from pg_tables where schemaname = 'public' order by 1"
    )
    assert len(tables) >= 5, f"{service}: only {len(tables)} tables"
    found: dict[str, list[str]] = {}
    for row in tables:
        name = row["tablename"]
        rows = await fetch(url, f'select t::text as line from "{name}" t')
        hits = [hit for r in rows for hit in leaks(r["line"], entered)]
        if hits:
            found[f"{service}.{name}"] = hits
    return found


async def topic_leaks(stack: Stack, entered: tuple[str, ...]) -> dict[str, list[str]]:
    """Every record of every topic, read from the beginning as the super user."""
    access = stack.kafka_access()
    admin = AIOKafkaAdminClient(**access.aiokafka())
    await admin.start()
    try:
        names = [t for t in await admin.list_topics() if not t.startswith("__")]
        described = await admin.describe_topics(names)
    finally:
        await admin.close()
    parts = [TopicPartition(t["topic"], p["partition"]) for t in described for p in t["partitions"]]
    consumer = AIOKafkaConsumer(**access.aiokafka(), enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        found: dict[str, list[str]] = {}
        while [p for p in parts if await consumer.position(p) < ends[p]]:
            for part, records in (await consumer.getmany(timeout_ms=500)).items():
                for record in records:
                    text = (record.value or b"").decode("utf-8", "replace")
                    if hits := leaks(text, entered):
                        found.setdefault(part.topic, []).extend(hits)
        return found
    finally:
        await consumer.stop()


async def contact_recorded(case: Any, recipient_id: str, tag: str) -> tuple[str, ...]:
    """The village records how the provider reaches the recipient; returns what it entered."""
    contact = {
        "address": f"贵池区秋浦街道杏花村路{tag}号",
        "phone": f"139{uuid.uuid4().int % 10**8:08d}",
        "emergency_contact": f"女儿王{tag}",
        "notes_zh": f"患糖尿病，需低糖饮食 {tag}",
    }
    token = case.token("village_staff", case.village, "e2e-staff")
    put = await case.api.call(
        "dispatch", "PUT", f"/recipients/{recipient_id}/contact", token=token, json=contact
    )
    assert put.status_code == 204, put.text
    return tuple(contact.values())


async def city_reported(stack: Stack, case: Any) -> AssistanceStatusReported:
    """The city system reports the person stopped, as itself on its topic (the ID number
    sealed to intake, the bytes signed); returns once review has applied what intake made
    of it, so every row the report leaves anywhere is there to scan."""
    report = city.sealed_report(
        case.id_number,
        city.inbound_key(stack.secrets_dir),
        case_id=f"CZ-{case.trace_id[:5]}K{case.trace_id[5:10]}",  # no phone-like digit run
        status="stopped",
        category="tekun",
        effective_date=clock.today(),
        reason_code="TB01",
        county_code="341702",
        township_code="341702100",
        village_code=VILLAGE,
    )
    signing = city.signing_key(stack.secrets_dir)
    await city.produce_signed_report(stack.kafka_access(CITY_SYSTEM), report, signing)

    async def resolved() -> str | None:
        rows = await fetch(
            stack.database_url("intake"),
            "select resolved_event_id::text as id from city_status_report where case_id = $1",
            report.case_id,
        )
        return str(rows[0]["id"]) if rows else None

    resolved_id = await wait_until(resolved, timeout=60)

    async def at_review() -> bool:
        rows = await fetch(
            stack.database_url("review"),
            "select 1 from processed_event where event_id = $1::uuid",
            resolved_id,
        )
        return bool(rows)

    await wait_until(at_review, timeout=60)
    return report


async def test_no_database_and_no_topic_holds_an_id_number_or_a_phone_in_clear(
    e2e_stack: Stack,
) -> None:
    await catalogue_loaded(e2e_stack, "intake")
    await catalogue_loaded(e2e_stack, "review")
    tag = uuid.uuid4().hex[:6]
    case, recipient_id, orders = await care.approved_with_two_providers(e2e_stack, tag)
    meals, meal_order = orders[0]
    entered = await contact_recorded(case, recipient_id, tag)
    # A worker of its own: the order may go to an earlier test's provider (referral rule).
    served = await care.report_service(
        case.api, meals, meal_order, minutes_ago=30, worker=f"w-{tag}"
    )
    assert served.status_code == 200 and served.json()["accepted"], served.text
    await care.stop_heard_by_providers(e2e_stack, recipient_id, orders, on=clock.today())
    report = await city_reported(e2e_stack, case)
    # The scan finds each kind of thing it looks for when it is there in clear, a report of
    # the retired v1 form (the number in clear) too, and passes over the sealed one.
    planted = f"({case.id_number},{entered[1]},{entered[0]})"
    assert set(leaks(planted, entered)) == {case.id_number, entered[1], entered[0]}
    v1_form = report.model_dump_json(exclude={"sealed_id_number"})[:-1]
    assert leaks(f'{v1_form},"id_number":"{case.id_number}"}}') == [case.id_number]
    assert leaks(report.model_dump_json()) == []

    found: dict[str, list[str]] = {}
    for service in SERVICES:
        found |= await database_leaks(e2e_stack, service, entered)
    found |= await topic_leaks(e2e_stack, entered)
    shown = {where: sorted(set(hits))[:3] for where, hits in found.items()}
    assert not found, f"in clear: {shown}"
