"""What dispatch's database itself holds: no address, phone, contact, location or care note in
clear after real orders; each value bound to its row; values stored before sealing re-sealed
by the keeper without changing what the service reads."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from civic.db import make_engine, make_sessionmaker
from civic.sealing.ciphers import SealBroken
from devstack.infra import Infra
from devstack.pytest_plugin import civic_keys, migrate
from dispatch.adapters.sealing import ADDRESS, PHONE, SEALED_COLUMNS, open_text
from dispatch.domain.recipients import RecipientContact
from dispatch.orm import recipient_contact
from dispatch.repository import neighbours, providers, recipients

from .steps import accept, offer, own_keys

pytestmark = pytest.mark.integration

VILLAGE = "341702011201"
CONTACT = {
    "address": "秋浦西路88号2栋301室",
    "phone": "13911112222",
    "emergency_contact": "女儿刘晓梅 13722223333",
    "notes_zh": "二型糖尿病，上门前先电话",
}
PROVIDER_CONTACT = {"name_zh": "宋联络", "phone": "13633334444"}
HELPER = {"name_zh": "邻居甲", "phone": "13544445555", "channel": "sms", "trained_on": "2026-03-01"}
SUMMARY, LOCATION, CARE = "低盐饮食，每周两次测血糖", "30.6615,117.4912", "陪同复诊高血压"
#: Everything the test enters that must not be readable in a copy of the database.
ENTERED = [
    *CONTACT.values(),
    "13722223333",
    *PROVIDER_CONTACT.values(),
    "13800000000",  # the registration's own contact (conftest's Api.register)
    HELPER["phone"],
    SUMMARY,
    LOCATION,
    CARE,
]


async def dump(engine: AsyncEngine) -> str:
    """Every row of every table of the database (the outbox too), as ``select *`` shows it."""
    listed = text("select table_name from information_schema.tables where table_schema = 'public'")
    async with engine.connect() as conn:
        tables = list((await conn.scalars(listed)).all())
        assert {sealed.table for sealed in SEALED_COLUMNS} <= set(tables)
        rows = [row for t in tables for row in (await conn.execute(text(f"select * from {t}")))]
    return " ".join(str(value) for row in rows for value in row)


async def serve_everything(api: Any, bus: Any, make: SimpleNamespace) -> SimpleNamespace:
    """An order through dispatch's consumers and API, with every sensitive field entered."""
    case = await offer(api, bus, make, VILLAGE, "seal")
    code, order, recipient_id = case.codes[0], case.order, case.approved.recipient_id
    staff, provider = api.village(VILLAGE), api.provider(code)
    changed = await api.client.patch(
        f"/providers/{code}", json={"contacts": [PROVIDER_CONTACT]}, headers=api.county()
    )
    assert changed.status_code == 200, changed.text
    put = await api.client.put(f"/recipients/{recipient_id}/contact", json=CONTACT, headers=staff)
    assert put.status_code == 204, put.text
    assert (await accept(api, order)).status_code == 200
    item = {"order_id": str(order.order_id), "item_code": "LC-01"}
    plan = {
        "plan_id": str(uuid.uuid4()),
        "version": 1,
        "items": [item | {"frequency": {"times": 2, "per": "week"}}],
        "starts_on": make.today().isoformat(),
        "summary_zh": SUMMARY,
    }
    assert (await api.client.post("/provider/plans", json=plan, headers=provider)).is_success
    body = make.record(order.order_id, 3, location=LOCATION)
    done = await api.client.post("/provider/records", json=body, headers=provider)
    assert done.json()["accepted"] is True, done.text
    care = await neighbour_care(api, make, recipient_id)
    return SimpleNamespace(code=code, order=order, recipient_id=recipient_id, care=care)


async def neighbour_care(api: Any, make: SimpleNamespace, recipient_id: uuid.UUID) -> uuid.UUID:
    """A trained neighbour registered and their service to the recipient recorded; its id."""
    staff = api.village(VILLAGE)
    helper = {**HELPER, "user_id": f"nb-{make.suffix()}"}
    made = await api.client.post(
        f"/villages/{VILLAGE}/neighbour-helpers", json=helper, headers=staff
    )
    assert made.status_code == 201, made.text
    given = {
        "record_id": str(uuid.uuid4()),
        "helper_id": made.json()["helper_id"],
        "recipient_id": str(recipient_id),
        "service_date": make.today().isoformat(),
        "count": 1,
        "content_zh": CARE,
    }
    url = f"/villages/{VILLAGE}/neighbour-services"
    assert (await api.client.post(url, json=given, headers=staff)).status_code == 201
    return uuid.UUID(given["record_id"])


async def test_dispatch_a_copy_of_the_database_shows_no_contact_detail_in_clear(
    api: Any, bus: Any, make: SimpleNamespace, probe: Any
) -> None:
    case = await serve_everything(api, bus, make)
    dumped = await dump(probe.engine)
    assert [value for value in ENTERED if value in dumped] == []
    row_of = select(recipient_contact).where(recipient_contact.c.recipient_id == case.recipient_id)
    async with probe.engine.connect() as conn:
        stored = (await conn.execute(row_of)).mappings().one()
    assert all(stored[k].startswith("s1.") for k in CONTACT)
    # The service itself still reads every value.
    read = await api.client.get(
        f"/provider/orders/{case.order.order_id}/contact", headers=api.provider(case.code)
    )
    assert {k: read.json()[k] for k in CONTACT} == CONTACT
    registered = await api.client.get(f"/providers/{case.code}", headers=api.county())
    assert registered.json()["contacts"] == [PROVIDER_CONTACT | {"role_zh": None}]
    plans = await api.client.get(
        f"/orders/{case.order.order_id}/plans", headers=api.township(VILLAGE[:9])
    )
    assert [p["summary_zh"] for p in plans.json()] == [SUMMARY]
    async with make_sessionmaker(probe.engine)() as session:  # no route shows a helper's phone
        helpers = await neighbours.helpers(session, VILLAGE)
        service = await neighbours.service(session, case.care)
    assert [h.phone for h in helpers] == [HELPER["phone"]]
    assert service is not None and service.content_zh == CARE


async def test_dispatch_a_value_copied_into_another_row_or_field_does_not_open(
    api: Any, bus: Any, make: SimpleNamespace, probe: Any
) -> None:
    village, staff = "341702011202", api.village("341702011202")
    people = [make.approval(village), make.approval(village)]
    for n, approved in enumerate(people):
        await bus.publish(approved)
        contact = {"address": f"杏花村{n}组", "phone": f"1390000111{n}"}
        url = f"/recipients/{approved.recipient_id}/contact"
        await api.eventually(
            "PUT", url, lambda r: r.status_code == 204, json=contact, headers=staff
        )
    one, other = (approved.recipient_id for approved in people)
    c = recipient_contact.c
    async with make_sessionmaker(probe.engine)() as session:
        phone = await session.scalar(select(c.phone).where(c.recipient_id == one))
        assert open_text(phone, purpose=PHONE, row=one) == "13900001110"
        with pytest.raises(SealBroken):  # another field of the same row
            open_text(phone, purpose=ADDRESS, row=one)
        # Copied into the other person's row, it does not open there (nothing is committed).
        copy = update(recipient_contact).where(c.recipient_id == other).values(phone=phone)
        await session.execute(copy)
        with pytest.raises(SealBroken):
            await recipients.contact(session, other)
        await session.rollback()


LEGACY_ROWS = """
insert into recipient (recipient_id, person_id, household_id, version, display_name, category,
    county_code, township_code, village_code, effective_date)
  values (:recipient, :recipient, :recipient, 1, '刘*', 'tekun', '341702', '341702011',
    '341702011202', :day);
insert into recipient_contact (recipient_id, address, phone, emergency_contact, notes_zh,
    updated_by) values (:recipient, :address, :phone, :emergency_contact, :notes_zh, 'u-1');
insert into provider (provider_id, code, name_zh, provider_type, county_code, status, version,
    capacity, qualification_name, qualification_number, qualified_from, qualified_until, contacts)
  values (:provider, 'old-1', '老机构', 'social_work_org', '341702', 'active', 1, 5, '证书', 'N',
    :day, :day, cast(:contacts as jsonb));
insert into neighbour_helper (helper_id, village_code, user_id, name_zh, phone, channel,
    trained_on) values (:helper, '341702011202', 'nb-old', '邻居乙', :helper_phone, 'sms', :day)
"""


async def _stored_before_sealing(infra: Infra, repo_root: Path, ids: dict[str, Any]) -> str:
    """A database whose rows were written in clear (revision 0005), then migrated to head."""
    url = infra.create_database(f"dispatch_seal_{uuid.uuid4().hex[:8]}")
    await asyncio.to_thread(migrate, repo_root, "dispatch", url, "0005")
    engine = make_engine(url, pool_size=1)
    values = {**ids, **CONTACT, "day": date(2026, 1, 1), "helper_phone": HELPER["phone"]}
    values["contacts"] = json.dumps([PROVIDER_CONTACT], ensure_ascii=False)
    async with engine.begin() as conn:
        for statement in LEGACY_ROWS.split(";"):
            await conn.execute(text(statement), values)
    await engine.dispose()
    await asyncio.to_thread(migrate, repo_root, "dispatch", url, "head")
    return url


async def _read(engine: AsyncEngine, ids: dict[str, Any]) -> tuple[Any, ...]:
    """What the service reads of those rows, through its repositories."""
    async with make_sessionmaker(engine)() as session:
        contact = await recipients.contact(session, ids["recipient"])
        registered = await providers.by_code(session, "old-1")
        helpers = await neighbours.helpers(session, "341702011202")
    assert registered is not None
    return contact, registered.contacts, [helper.phone for helper in helpers]


async def test_dispatch_rows_stored_before_sealing_are_resealed_and_read_the_same(
    infra: Infra, repo_root: Path, service_env: Callable[..., Any], tmp_path: Path
) -> None:
    ids = {"recipient": uuid.uuid4(), "provider": uuid.uuid4(), "helper": uuid.uuid4()}
    url = await _stored_before_sealing(infra, repo_root, ids)
    engine, folder = make_engine(url, pool_size=2), tmp_path / "master-keys"
    try:
        async with own_keys(service_env, engine, url, folder) as keeper:
            before = await _read(engine, ids)
            assert before == (RecipientContact(**CONTACT), [PROVIDER_CONTACT], [HELPER["phone"]])
            assert await keeper.legacy_values() == 6  # 4 contact fields, contacts, helper phone
            assert await keeper.reseal() == 6 and await keeper.legacy_values() == 0
            assert [value for value in ENTERED if value in await dump(engine)] == []
            assert await _read(engine, ids) == before
            env = service_env("dispatch", database_url=url, sealing_master_keys_dir=folder)
            listed = civic_keys("dispatch", "status", env=env)
            assert keeper.engine is engine and "旧格式\t0" in listed
    finally:
        await engine.dispose()
