"""Issue 16's "must show": key rotation under load.

While whole flows (application → survey → approval → contact → service) run, county IT
rotates the data key of each service that seals (intake, survey, dispatch, archive) with
``civic-keys``, as in production. Retiring the old key is refused while a value still uses
it; the services' own background jobs (no manual ``reseal``) move every value to the new
key; then the old key is retired, ``status`` shows no value under it, and every sealed row
of every service still opens: with the ring, which no longer holds the old key, and through
the services' APIs.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from archive.adapters.sealing import SEALED_COLUMNS as ARCHIVE_COLUMNS
from civic import clock
from civic.db import make_engine
from civic.sealing.columns import SealedColumn
from civic.sealing.keyring import KeyRing, key_id_of
from civic.sealing.master import FileMasterKeys
from civic.sealing.store import load_ring
from contracts import resident_id
from devstack.journeys import care
from devstack.journeys.application import Case, catalogue_loaded
from devstack.journeys.db import fetch, wait_until
from devstack.pytest_plugin import civic_keys
from devstack.stack import Stack
from dispatch.adapters.sealing import SEALED_COLUMNS as DISPATCH_COLUMNS
from intake.adapters.sealing import SEALED_COLUMNS as INTAKE_COLUMNS
from survey.adapters.sealing import SEALED_COLUMNS as SURVEY_COLUMNS

pytestmark = pytest.mark.e2e

#: Every service that seals, with the columns it seals.
SEALED: dict[str, tuple[SealedColumn, ...]] = {
    "intake": INTAKE_COLUMNS,
    "survey": SURVEY_COLUMNS,
    "dispatch": DISPATCH_COLUMNS,
    "archive": ARCHIVE_COLUMNS,
}
#: Per service, a sealed table whose rows nothing writes again once a flow is past them:
#: the test holds one such row, as a long write would, so the re-seal cannot finish.
HELD = {"intake": "person", "survey": "survey_findings", "dispatch": "service_record"}
HELD |= {"archive": "file_history"}
#: The ring refresh while this test runs (30 s by default): a new key seals two refreshes
#: after ``rotate``, and the old one may retire two refreshes after that.
REFRESH = {"SEALING_REFRESH_S": "2"}
QUICK = {"CONSUMER_RETRY_BACKOFF_S": "0.05"}  # what the e2e stack starts services with
FLOWS_AT_ONCE = 2


@pytest.fixture
async def keys_refresh_fast(e2e_stack: Stack) -> AsyncIterator[Stack]:
    """The sealing services with a short ring refresh: restarted with it unless they run so."""
    envs = [e2e_stack.service(service).env or {} for service in SEALED]
    if all(env.items() >= REFRESH.items() for env in envs):
        yield e2e_stack
        return
    await _restart_sealing_services(e2e_stack, QUICK | REFRESH)
    try:
        yield e2e_stack
    finally:
        await _restart_sealing_services(e2e_stack, QUICK)


async def _restart_sealing_services(stack: Stack, env: dict[str, str]) -> None:
    await asyncio.to_thread(stack.stop_services, SEALED)
    await asyncio.to_thread(stack.start_services, SEALED, env)


async def operator(stack: Stack, service: str, *command: str) -> str:
    """``civic-keys <service> …`` in the service's own environment, as county IT runs it."""
    env = dict(stack.service(service).env or {})
    return await asyncio.to_thread(civic_keys, service, *command, env=env)


async def status_everywhere(stack: Stack) -> dict[str, dict[str, tuple[bool, int]]]:
    """Per service, each data key ``civic-keys status`` lists: (retired, values it seals)."""
    printed = await asyncio.gather(*(operator(stack, service, "status") for service in SEALED))
    found: dict[str, dict[str, tuple[bool, int]]] = {}
    for service, lines in zip(SEALED, printed, strict=True):
        found[service] = {}
        for line in lines.splitlines():
            key_id, kind, _cipher, _since, state, uses = line.split("\t")
            if kind == "data" and key_id != "legacy":  # legacy: values from before key ids
                found[service][key_id] = (state == "已停用", int(uses))
    return found


async def retire_everywhere(stack: Stack, old: dict[str, str]) -> list[str | None]:
    """``civic-keys <service> retire <old key>`` in each service; what each refusal said."""

    async def retire(service: str) -> str | None:
        try:
            await operator(stack, service, "retire", old[service])
        except RuntimeError as refused:
            return str(refused)
        return None

    return list(await asyncio.gather(*(retire(service) for service in SEALED)))


async def rotate_everywhere(stack: Stack) -> dict[str, str]:
    """County IT rotates every service's data key; the new keys' ids."""
    printed = await asyncio.gather(*(operator(stack, service, "rotate") for service in SEALED))
    new = [re.findall(r"新数据密钥 (\S+) 已加入", said) for said in printed]
    assert all(len(found) == 1 for found in new), printed
    return {service: found[0] for service, found in zip(SEALED, new, strict=True)}


@dataclass(frozen=True)
class Flow:
    """What one whole flow left in the services, to be read back after the rotation."""

    case: Case
    provider: str
    order_id: str
    contact: dict[str, str]


async def whole_flow(stack: Stack) -> Flow:
    """Application → survey → approval → contact → a reported visit."""
    tag = uuid.uuid4().hex[:6]
    case, recipient_id, orders = await care.approved_with_two_providers(stack, tag)
    provider, order = orders[0]
    contact = {
        "address": f"贵池区秋浦街道杏花村路{tag}号",
        "phone": f"139{uuid.uuid4().int % 10**8:08d}",
        "emergency_contact": f"儿子李{tag}",
        "notes_zh": f"腿脚不便，送餐请敲门 {tag}",
    }
    staff = case.token("village_staff", case.village, "e2e-staff")
    path = f"/recipients/{recipient_id}/contact"
    put = await case.api.call("dispatch", "PUT", path, token=staff, json=contact)
    assert put.status_code == 204, put.text
    # A worker of its own: the order may go to another flow's provider (referral rule).
    served = await care.report_service(case.api, provider, order, minutes_ago=30, worker=tag)
    assert served.status_code == 200 and served.json()["accepted"], served.text
    return Flow(case, provider, order["order_id"], contact)


@dataclass
class Load:
    """Whole flows run back to back by a few workers until told to stop."""

    stack: Stack
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    done: list[Flow] = field(default_factory=list)

    async def worker(self) -> None:
        """Starts one flow after another; the one in hand is finished after ``stop``."""
        while not self.stop.is_set():
            self.done.append(await whole_flow(self.stack))


@contextlib.asynccontextmanager
async def one_row_held(stack: Stack, service: str, key_id: str) -> AsyncIterator[int]:
    """Locks a row sealed under ``key_id`` (the re-seal job skips it until the block ends);
    yields how many of its values that key sealed."""
    columns = [sealed for sealed in SEALED[service] if sealed.table == HELD[service]]
    first, names = columns[0], ", ".join(f'"{sealed.column}"' for sealed in columns)
    pick = (
        f'select {names} from "{first.table}" where "{first.column}" like $1'
        f' order by "{first.row_key}" limit 1 for update'
    )
    url = stack.database_url(service).replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(url)
    try:
        async with conn.transaction():
            row = await wait_until(lambda: conn.fetchrow(pick, f"s1.{key_id}.%"), timeout=90)
            yield sum(1 for value in row.values() if value and key_id_of(value) == key_id)
    finally:
        await conn.close()


async def sealed_with(stack: Stack, service: str, key_id: str) -> tuple[datetime, int]:
    """From when the key seals, and how many values it sealed (what ``status`` counts, read
    in SQL: polling with the tool would start four processes a round)."""
    counts = " + ".join(
        f'(select count(*) from "{sealed.table}" where "{sealed.column}" like $1)'
        for sealed in SEALED[service]
    )
    query = f"select active_from, {counts} as uses from sealing_key where key_id = $2"
    row = (await fetch(stack.database_url(service), query, f"s1.{key_id}.%", key_id))[0]
    return row["active_from"], row["uses"]


async def resealed(
    stack: Stack, old: dict[str, str], new: dict[str, str], left: dict[str, int]
) -> None:
    """Waits until every ring has sealed with the new key for two refreshes (so ``retire``
    may judge) and the services' re-seal jobs left only ``left`` values under the old key."""
    lead = timedelta(seconds=2 * float(REFRESH["SEALING_REFRESH_S"]))
    seen: dict[str, int] = {}

    async def done() -> bool:
        since = [(await sealed_with(stack, service, new[service]))[0] for service in SEALED]
        for service in SEALED:
            seen[service] = (await sealed_with(stack, service, old[service]))[1]
        return clock.now() >= max(since) + lead and seen == left

    try:
        await wait_until(done, timeout=60, every=0.5)
    except TimeoutError:
        raise AssertionError(f"values under the old keys: {seen}, want {left}") from None


async def ring_of(stack: Stack, service: str) -> KeyRing:
    """The service's ring as its database and master keys hold it now (retired keys left out)."""
    env = stack.service(service).env or {}
    master = FileMasterKeys(Path(env["SEALING_MASTER_KEYS_DIR"]))
    engine = make_engine(stack.database_url(service), pool_size=1)
    try:
        return await load_ring(engine, master, now=clock.now(), legacy=None)
    finally:
        await engine.dispose()


async def every_value_opens(stack: Stack, service: str, new_key: str) -> int:
    """Opens every sealed value of the service with its ring; returns how many it opened."""
    ring, opened = await ring_of(stack, service), 0
    for sealed in SEALED[service]:
        rows = await fetch(
            stack.database_url(service),
            f'select "{sealed.row_key}"::text as row, "{sealed.column}" as value'
            f' from "{sealed.table}" where "{sealed.column}" is not null',
        )
        for row in rows:
            where = f"{service}.{sealed.table}.{sealed.column} of {row['row']}"
            assert key_id_of(row["value"]) == new_key, where
            opener = ring.open_bytes if sealed.binary else ring.open
            opener(row["value"], purpose=sealed.purpose, row=row["row"])
            opened += 1
    return opened


async def read_back(flow: Flow) -> None:
    """Each sealing service shows, through its API, what the flow gave it."""
    case, api = flow.case, flow.case.api
    officer = case.token("township_officer", case.township, "e2e-officer")
    path = f"/applications/{case.application_id}"
    applicant = (await api.call("intake", "GET", path, token=officer)).json()["applicant"]
    assert applicant["id_number_masked"] == resident_id.mask(case.id_number), applicant
    staff = case.token("village_staff", case.village, "e2e-staff")
    task = await api.call("survey", "GET", f"/survey-tasks/{case.survey_id}", token=staff)
    assert task.json()["findings"]["household_members"][0]["name"] == case.name, task.text
    provider = api.token(roles=["provider"], provider_code=flow.provider, user_id="e2e-provider")
    path = f"/provider/orders/{flow.order_id}/contact"
    contact = (await api.call("dispatch", "GET", path, token=provider)).json()
    assert {key: contact[key] for key in flow.contact} == flow.contact, contact
    files = await fetch(
        case.stack.database_url("archive"),
        "select file_id::text as id from archive_file where person_id = $1::uuid",
        case.person_id,
    )
    path = f"/files/{files[0]['id']}/history?size=100"
    history = (await api.call("archive", "GET", path, token=officer)).json()["items"]
    assert history and all(item["summary"] for item in history), history


async def the_one_key_of_each(stack: Stack) -> dict[str, str]:
    """Each service's data key in use before the rotation (the only one not retired)."""
    query = "select key_id from sealing_key where kind = 'data' and retired_at is null"
    live = {service: await fetch(stack.database_url(service), query) for service in SEALED}
    assert all(len(keys) == 1 for keys in live.values()), live
    return {service: keys[0]["key_id"] for service, keys in live.items()}


async def rotate_with_rows_held(stack: Stack, old: dict[str, str]) -> dict[str, str]:
    """Rotates everywhere; retiring is refused while a held row keeps a value under the old
    key; returns the new keys once the services' jobs have re-sealed the held rows too."""
    async with contextlib.AsyncExitStack() as holding:
        held = {  # once the flows have sealed such a row under the old key
            service: await holding.enter_async_context(one_row_held(stack, service, key))
            for service, key in old.items()
        }
        new = await rotate_everywhere(stack)
        await resealed(stack, old, new, left=held)
        refusals = await retire_everywhere(stack, old)
        for service, refusal in zip(SEALED, refusals, strict=True):
            assert refusal and f"仍有 {held[service]} 个值使用密钥" in refusal, refusal
    # Released, the held rows go the way of the others, by the services' own jobs.
    await resealed(stack, old, new, left=dict.fromkeys(SEALED, 0))
    return new


async def test_keys_rotate_while_flows_run_and_every_row_still_reads(
    keys_refresh_fast: Stack,
) -> None:
    stack = keys_refresh_fast
    await catalogue_loaded(stack, "intake")
    await catalogue_loaded(stack, "review")
    old, load = await the_one_key_of_each(stack), Load(stack)
    async with asyncio.TaskGroup() as flows:
        for _ in range(FLOWS_AT_ONCE):
            flows.create_task(load.worker())
        new = await rotate_with_rows_held(stack, old)
        load.stop.set()
    # Every flow finished, and flows ran throughout: a worker is always inside one.
    assert len(load.done) >= FLOWS_AT_ONCE + 1

    assert await retire_everywhere(stack, old) == [None] * len(SEALED)
    for service, keys in (await status_everywhere(stack)).items():
        assert keys[old[service]] == (True, 0) and not keys[new[service]][0], keys
        assert await every_value_opens(stack, service, new[service]) > 0, service
    for flow in load.done:
        await read_back(flow)
