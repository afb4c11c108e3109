"""A file rebuilt from the event log (``archive.replay``) equals the live file."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from datetime import date
from typing import Any

import pytest

from archive.api.views import file_read
from archive.handlers.files import file_contents
from archive.main import create_app
from archive.replay import ReplayError, replay
from archive.repository import files as files_repo
from archive.settings import Settings
from civic.db import make_engine, make_sessionmaker
from civic.uow import UnitOfWork
from contracts import dispatch, settlement, supervision, topics
from contracts.archive import FileOpened
from contracts.samples import sample
from devstack.infra import Infra
from devstack.pytest_plugin import running_app

pytestmark = pytest.mark.integration


async def snapshot(database_url: str, people: list[uuid.UUID]) -> dict[uuid.UUID, Any]:
    """Each person's whole file and history, as the API would show them."""
    engine = make_engine(database_url, pool_size=2)
    out: dict[uuid.UUID, Any] = {}
    try:
        async with UnitOfWork(make_sessionmaker(engine)) as uow:
            for person_id in people:
                # Read without locking: the live consumers are still writing these files.
                row = await files_repo.file_of_person(uow.session, person_id, lock=False)
                assert row is not None, f"no file for {person_id}"
                history = await files_repo.history_of(uow.session, person_id)
                out[person_id] = (
                    file_read(await file_contents(uow, row)).model_dump(mode="json"),
                    [asdict(line) for line in history],
                )
    finally:
        await engine.dispose()
    return out


def differences(got: Any, want: Any, path: str = "") -> list[str]:
    """Where two JSON-like values differ, as readable paths."""
    if isinstance(want, dict) and isinstance(got, dict):
        keys = sorted(set(want) | set(got), key=str)
        return [d for k in keys for d in differences(got.get(k), want.get(k), f"{path}.{k}")]
    if isinstance(want, list | tuple) and isinstance(got, list | tuple) and len(want) == len(got):
        return [
            d
            for i, (g, w) in enumerate(zip(got, want, strict=True))
            for d in differences(g, w, f"{path}[{i}]")
        ]
    return [] if got == want else [f"{path}: rebuilt {got!r} != live {want!r}"]


def story(p: Any, org: Any, *, ending: Any) -> list[Any]:
    """Application, survey, approval, an order, services, settlement, and a status change."""
    order = p.order(org.provider_id, org.provider_code)
    accepted = sample(
        dispatch.ServiceOrderAccepted,
        person_id=p.person_id,
        subject_key=str(p.person_id),
        order_id=order.order_id,
        provider_id=org.provider_id,
        provider_code=org.provider_code,
        version=2,
    )
    first, second = p.delivered(order, date(2026, 11, 5)), p.delivered(order, date(2026, 11, 12))
    check = sample(
        settlement.SpotCheckRecorded,
        person_id=p.person_id,
        subject_key=str(p.person_id),
        record_id=first.record_id,
        outcome="confirmed",
    )
    return [
        *p.application(),
        p.approval(),
        order,
        accepted,
        first,
        second,
        p.ledger_line(first),
        check,
        *supervised(p, order, second),
        ending,
    ]


def supervised(p: Any, order: Any, record: Any) -> list[Any]:
    """A complaint about a record (opened, then resolved) and a township's visit to the home."""
    about = {
        "person_id": p.person_id,
        "subject_key": str(p.person_id),
        "order_id": order.order_id,
        "record_id": record.record_id,
    }
    complaint = sample(supervision.ComplaintOpened, **about, version=1)
    resolved = sample(
        supervision.ComplaintResolved,
        **about,
        complaint_id=complaint.complaint_id,
        version=2,
        outcome="substantiated",
    )
    visit = sample(
        supervision.InspectionRecorded,
        person_id=p.person_id,
        record_id=record.record_id,
        outcome="not_delivered",
    )
    return [complaint, resolved, visit]


async def test_archive_a_rebuild_from_the_event_log_equals_the_live_files(
    archive_settings: Settings,
    infra: Infra,
    fresh_archive_database: Callable[[], str],
    publish: Callable[..., Awaitable[None]],
    watch: Callable[[str], Awaitable[Any]],
    wait_until: Callable[..., Awaitable[Any]],
    person: Callable[..., Any],
    provider: Callable[..., Any],
    county_catalogue: Callable[..., Any],
    keys_of: Any,
) -> None:
    files_topic = await watch(topics.ARCHIVE_FILES)
    org = provider("贵池区康乐养老服务中心", f"kl-{uuid.uuid4().hex[:6]}", "341702")
    moving, changing, stopping = (
        person("341702101201", display_name="钟离*春"),
        person("341702101202", display_name="赫连*雪", category="dibao"),
        person("341721102201", display_name="慕容*复"),
    )
    events = [county_catalogue("341702"), county_catalogue("341721"), org]
    events += story(
        moving,
        org,
        ending=moving.status(
            "transferred",
            date(2026, 11, 25),
            new_county_code="341721",
            new_township_code="341721102",
            new_village_code="341721102202",
            reason_code="moved",
        ),
    )
    events += story(
        changing,
        org,
        ending=changing.status("category_changed", date(2026, 11, 26), new_category="tekun"),
    )
    stop = stopping.status("stopped", date(2026, 11, 27))
    events += [stop, *story(stopping, org, ending=stopping.status("suspended", date(2026, 11, 28)))]
    people = [moving.person_id, changing.person_id, stopping.person_id]

    async with running_app(create_app(archive_settings)) as client:
        assert (await client.get("/healthz")).status_code == 200
        await publish(*events)
        for p in people:
            await files_topic.find(lambda e, p=p: isinstance(e, FileOpened) and e.person_id == p)
        expected_history = {
            p: sum(1 for e in events if getattr(e, "person_id", None) == p) for p in people
        }

        async def all_recorded() -> dict[uuid.UUID, Any] | None:
            live = await snapshot(archive_settings.database_url, people)
            recorded = all(len(live[p][1]) == expected_history[p] for p in people)
            # Names come from the catalogue and the provider registry, read on other topics
            # (an order may not be in yet: its topic is read by another consumer).
            named = all(
                live[p][0]["needs_assessment"]["approved_items"][0]["item_zh"] == "居家照料"
                and [o["provider_zh"] for o in live[p][0]["orders"]][:1]
                == ["贵池区康乐养老服务中心"]
                for p in people
            )
            return live if recorded and named else None

        live = await wait_until(all_recorded)

    rebuilt_url = fresh_archive_database()
    rebuilt_settings = archive_settings.model_copy(update={"database_url": rebuilt_url})
    # The rebuilt database has data keys of its own, held by replay's task only.
    report = await replay(settings=rebuilt_settings)
    assert report.applied >= len(events) and report.numbers_on_record >= 3
    keys_engine = make_engine(rebuilt_url, pool_size=1)
    try:
        async with keys_of(rebuilt_settings, keys_engine):  # read with the rebuilt keys
            rebuilt = await snapshot(rebuilt_url, people)
    finally:
        await keys_engine.dispose()
    for p in people:
        assert differences(rebuilt[p], live[p]) == []  # the same file: number, status, history…
    moved = live[moving.person_id][0]["file"]
    assert moved["village_code"] == "341721102202" and moved["status"] == "transferred"
    assert live[changing.person_id][0]["file"]["category"] == "tekun"
    # The stop overtaken by the approval still counts; the later suspension is newer still.
    assert [s["status"] for s in live[stopping.person_id][0]["status_changes"]] == [
        "stopped",
        "suspended",
    ]
    assert live[changing.person_id][0]["services"]["delivered"] == 2
    steps = [line["event_type"] for line in live[changing.person_id][0]["supervision"]]
    assert steps == [
        "dispatch.ComplaintOpened",
        "dispatch.ComplaintResolved",
        "settlement.InspectionRecorded",
    ]

    with pytest.raises(ReplayError):
        await replay(settings=rebuilt_settings)
