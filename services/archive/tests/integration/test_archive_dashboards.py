"""Issue 22: the dashboards' read model, fed from Kafka for a handful of people with known
dates, gives exact medians, 90th percentiles and slowest cases; replays change nothing; the
stops show which providers acknowledged in time; another township's officer sees nothing."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from archive.handlers.dashboards import observe
from archive.main import create_app
from archive.rebuild_dashboards import rebuild
from archive.settings import Settings
from civic.db import make_engine, make_sessionmaker
from civic.uow import UnitOfWork
from contracts import dispatch, intake, survey
from contracts.review import ApplicationRejected, RecipientApproved, RecipientStatusChanged
from contracts.samples import sample
from devstack.pytest_plugin import running_app

pytestmark = pytest.mark.integration

TOWNSHIP, OTHER = "341722104", "341722105"  # townships no other archive test uses
OCT, NOV = "2026-10", "2026-11"
D = date  # short: every step below is a day of 2026


@dataclass
class Person:
    """One person's ids and residence (as conftest's Person, which a module fixture cannot
    take), and the events the other services would publish about them."""

    village_code: str
    display_name: str = "张*三"
    person_id: uuid.UUID = field(default_factory=uuid.uuid4)
    recipient_id: uuid.UUID = field(default_factory=uuid.uuid4)
    application_id: uuid.UUID = field(default_factory=uuid.uuid4)
    survey_id: uuid.UUID = field(default_factory=uuid.uuid4)

    def where(self) -> dict[str, str]:
        v = self.village_code
        return {"county_code": v[:6], "township_code": v[:9], "village_code": v}

    def event(self, cls: type[Any], day: date | datetime, **values: Any) -> Any:
        when = day if isinstance(day, datetime) else at(day)
        return sample(
            cls, person_id=self.person_id, subject_key=str(self.person_id), occurred_at=when,
            **values,
        )  # fmt: skip


def at(day: date, hour: int = 2) -> datetime:
    """An instant on a day (10:00 in Chizhou by default), as conftest's ``at``."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _mine(p: Person, cls: type[Any], day: date | datetime, **values: Any) -> Any:
    return p.event(cls, day, **values)


def _front(p: Person, submitted: date, registered: date, surveyed: date | None) -> list[Any]:
    app = {"application_id": p.application_id, **p.where()}
    events = [
        _mine(p, intake.ApplicationSubmitted, submitted, **app, version=1),
        _mine(p, intake.ApplicationRegistered, registered, **app, version=2),
    ]
    if surveyed is not None:
        found = {"visited_on": surveyed, "self_care_level": "moderate", "lives_alone": True}
        events.append(
            _mine(
                p, survey.SurveyCompleted, surveyed, survey_id=p.survey_id,
                application_id=p.application_id, version=2, has_caregiver=False, **found,
            )
        )  # fmt: skip
    return events


def _served(p: Person, decided: date, accepted: date, delivered: date, org: Any) -> list[Any]:
    approval = p.event(
        RecipientApproved, decided, recipient_id=p.recipient_id, application_id=p.application_id,
        display_name=p.display_name, category="tekun", effective_date=decided, **p.where(),
    )  # fmt: skip
    order = p.event(
        dispatch.ServiceOrderCreated, decided, recipient_id=p.recipient_id, version=1,
        provider_id=org.provider_id, provider_code=org.provider_code, start_date=decided,
        item_code="LC-01", **p.where(),
    )  # fmt: skip
    taken = p.event(
        dispatch.ServiceOrderAccepted, accepted, order_id=order.order_id,
        provider_id=org.provider_id, provider_code=org.provider_code, version=2,
    )  # fmt: skip
    record = p.event(
        dispatch.ServiceDelivered, delivered, order_id=order.order_id,
        provider_id=org.provider_id, provider_code=org.provider_code, item_code="LC-01",
        recipient_id=p.recipient_id, quantity=2, unit="hour", service_date=delivered, **p.where(),
    )  # fmt: skip
    return [approval, order, taken, record]


class Story:
    """Five people of one township and one of another, with the days of every step."""

    def __init__(self, org: Any, make: type[Person] = Person) -> None:
        self.org = org
        village, other = f"{TOWNSHIP}201", f"{TOWNSHIP}202"
        self.p1, self.p2, self.p3 = make(village), make(village), make(village)
        self.p4, self.p5, self.p6 = make(other, "欧阳*锋"), make(village), make(f"{OTHER}201")

    def events(self) -> list[Any]:
        p1, p2, p3, p4, p5, p6, org = self.p1, self.p2, self.p3, self.p4, self.p5, self.p6, self.org
        rejected = _mine(p3, ApplicationRejected, D(2026, 10, 16), application_id=p3.application_id)
        return [
            *_front(p1, D(2026, 10, 1), D(2026, 10, 3), D(2026, 10, 8)),
            *_served(p1, D(2026, 10, 10), D(2026, 10, 11), D(2026, 10, 15), org),
            *_front(p2, D(2026, 10, 2), D(2026, 10, 2), D(2026, 10, 12)),
            *_served(p2, D(2026, 10, 20), D(2026, 10, 21), D(2026, 10, 25), org),
            *_front(p3, D(2026, 10, 5), D(2026, 10, 6), D(2026, 10, 9)),
            rejected,
            *_front(p4, D(2026, 9, 20), D(2026, 9, 25), D(2026, 10, 1)),
            *_served(p4, D(2026, 10, 5), D(2026, 10, 7), D(2026, 11, 3), org),
            *_front(p5, D(2026, 10, 20), D(2026, 10, 22), None),
            *_front(p6, D(2026, 10, 1), D(2026, 10, 30), None),
        ]

    def stops(self, orders: dict[uuid.UUID, Any]) -> list[Any]:
        """p1 stopped on 10-28 (acknowledged in time), p2 on 10-29 (escalated: late)."""
        out = []
        for p, day in ((self.p1, D(2026, 10, 28)), (self.p2, D(2026, 10, 29))):
            stop = p.event(
                RecipientStatusChanged, day, recipient_id=p.recipient_id, status="stopped",
                previous_status="active", version=2, effective_date=day, source="review_officer",
                reason_code="assistance_stopped",
            )  # fmt: skip
            ended = _mine(
                p, dispatch.ServiceOrderCancelled, day, order_id=orders[p.person_id].order_id,
                version=3, effective_date=day, reason_code="recipient_stopped",
                cause_event_id=stop.event_id,
            )  # fmt: skip
            out += [stop, ended]
        late = _mine(
            self.p2, dispatch.ServiceOrderEscalated, D(2026, 10, 29) + timedelta(hours=2),
            order_id=orders[self.p2.person_id].order_id, version=4, kind="change_not_acknowledged",
            escalated_to="township_officer", respond_by=at(D(2026, 10, 29)) + timedelta(hours=1),
            provider_id=self.org.provider_id, provider_code=self.org.provider_code,
        )  # fmt: skip
        return [*out, late]


@pytest.fixture(scope="module")
async def client(archive_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with running_app(create_app(archive_settings)) as running:
        yield running


@pytest.fixture(scope="module")
def story() -> Story:
    org = sample(
        dispatch.ProviderRegistered, provider_id=uuid.uuid4(), provider_code="dash-test-01",
        name_zh="看板测试服务中心", provider_type="social_work_org", county_code="341722",
        township_codes=(TOWNSHIP, OTHER), version=1,
    )  # fmt: skip
    return Story(org)


def _spans(body: dict[str, Any], township: str) -> dict[str, tuple[int, Any, Any]]:
    (found,) = [t for t in body["townships"] if t["township_code"] == township]
    return {s["span"]: (s["count"], s["median_days"], s["p90_days"]) for s in found["spans"]}


#: October in the township: the days each span took, by the month the span ended in.
OCTOBER = {
    "registration": (4, 1.5, 2.0),  # 2, 0, 1, 2
    "survey": (4, 5.5, 8.8),  # 5, 10, 3, 6
    "decision": (4, 5.5, 7.7),  # 2, 8, 7, 4
    "first_order": (3, 1.0, 1.8),  # 1, 1, 2
    "first_service": (2, 4.0, 4.0),  # 4, 4 (p4's falls in November)
    "whole": (2, 18.5, 22.1),  # 14, 23
}


@pytest.fixture(scope="module")
async def fed(
    client: httpx.AsyncClient,
    story: Story,
    publish: Callable[..., Awaitable[None]],
    wait_until: Callable[..., Awaitable[Any]],
    bearer: Callable[[str, str], dict[str, str]],
) -> Callable[..., Awaitable[httpx.Response]]:
    """The story published on Kafka and consumed by the running archive; ``get`` reads."""

    async def get(
        path: str, division: str, month: str | None = None, role: str = "", caller: str = ""
    ) -> Any:
        who = role or ("county_officer" if len(division) == 6 else "township_officer")
        params = {"division_code": division} | ({"month": month} if month else {})
        return await client.get(path, params=params, headers=bearer(who, caller or division))

    events = story.events()
    await publish(story.org, *events)
    orders = {e.person_id: e for e in events if isinstance(e, dispatch.ServiceOrderCreated)}
    await publish(*story.stops(orders))

    async def arrived() -> bool:
        timing = (await get("/dashboards/chain-timing", TOWNSHIP, OCT)).json()
        stops = (await get("/dashboards/stops", TOWNSHIP, OCT)).json()["stops"]
        acks = sorted(o["acknowledgement"] for s in stops for o in s["orders_ended"])
        return (
            bool(timing["townships"])
            and _spans(timing, TOWNSHIP) == OCTOBER
            and acks
            == [
                "in_time",
                "late",
            ]
        )

    await wait_until(arrived, 90)
    return get


async def test_dashboards_chain_timing_has_exact_medians_p90s_and_slowest_cases(
    fed: Callable[..., Awaitable[httpx.Response]], story: Story
) -> None:
    answer = await fed("/dashboards/chain-timing", TOWNSHIP, OCT)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["as_of"] == "2026-10-31"
    assert [t["township_code"] for t in body["townships"]] == [TOWNSHIP]
    assert _spans(body, TOWNSHIP) == OCTOBER
    slowest = body["townships"][0]["slowest"]
    # p4 is open on 10-31 (41 days), then p2 23, p1 14, and p3 (rejected) and p5 (open) 11.
    assert [c["elapsed_days"] for c in slowest] == [41, 23, 14, 11, 11]
    assert [c["outcome"] for c in slowest[:3]] == ["open", "served", "served"]
    assert {c["outcome"] for c in slowest[3:]} == {"rejected", "open"}
    first = slowest[0]
    assert first["display_name"] == "欧阳**"  # masked again, as the board shows it
    assert first["service_number"].startswith("341722-2026-")
    assert first["steps"]["submitted"] == "2026-09-20"
    assert first["steps"]["first_accepted"] == "2026-10-07"
    assert first["steps"]["first_delivered"] == "2026-11-03"
    november = _spans((await fed("/dashboards/chain-timing", TOWNSHIP, NOV)).json(), TOWNSHIP)
    assert november["first_service"] == (1, 27.0, 27.0)  # p4: 10-07 → 11-03
    assert november["whole"] == (1, 44.0, 44.0)  # p4: 09-20 → 11-03


async def test_dashboards_stops_show_who_acknowledged_in_time(
    fed: Callable[..., Awaitable[httpx.Response]], story: Story
) -> None:
    body = (await fed("/dashboards/stops", TOWNSHIP, OCT)).json()
    stops = {s["effective_date"]: s for s in body["stops"]}
    assert sorted(stops) == ["2026-10-28", "2026-10-29"]
    first, second = stops["2026-10-28"], stops["2026-10-29"]
    assert [o["acknowledgement"] for o in first["orders_ended"]] == ["in_time"]
    assert [o["acknowledgement_zh"] for o in second["orders_ended"]] == ["逾期未确认（已升级）"]
    assert first["orders_still_open"] == 0 and first["status_zh"]
    assert body["providers"] == [
        {"provider_code": story.org.provider_code, "in_time": 1, "late": 1, "pending": 0}
    ]


async def test_dashboards_caseload_and_coverage(
    fed: Callable[..., Awaitable[httpx.Response]],
) -> None:
    caseload = (await fed("/dashboards/caseload", TOWNSHIP)).json()
    rows = [(r["village_code"], r["category"], r["served"]) for r in caseload["rows"]]
    assert rows == [(f"{TOWNSHIP}202", "tekun", 1)]  # p1 and p2 stopped; p4 is served
    october = (await fed("/dashboards/coverage", TOWNSHIP, OCT)).json()
    november = (await fed("/dashboards/coverage", TOWNSHIP, NOV)).json()
    assert (october["approved_items"], october["served_items"]) == (1, 0)
    assert (november["approved_items"], november["served_items"], november["ratio"]) == (1, 1, 1.0)


async def test_dashboards_a_replayed_event_changes_nothing(
    fed: Callable[..., Awaitable[httpx.Response]],
    story: Story,
    archive_settings: Settings,
    publish: Callable[..., Awaitable[None]],
) -> None:
    before = (await fed("/dashboards/chain-timing", TOWNSHIP, OCT)).json()
    events = story.events()
    # Straight into the read model, twice, in reverse order (the fold is order-free) ...
    engine = make_engine(archive_settings.database_url, pool_size=1)
    try:
        for event in [*reversed(events), *events]:
            await observe(event, uow=UnitOfWork(make_sessionmaker(engine)))
    finally:
        await engine.dispose()
    # ... and a redelivery through Kafka (the inbox drops it).
    await publish(events[0])
    after = (await fed("/dashboards/chain-timing", TOWNSHIP, OCT)).json()
    assert after == before


async def test_dashboards_another_townships_officer_sees_nothing(
    fed: Callable[..., Awaitable[httpx.Response]],
) -> None:
    for path in ("chain-timing", "caseload", "coverage", "stops"):
        own = await fed(f"/dashboards/{path}", OTHER, OCT)
        assert own.status_code == 200, own.text
        assert TOWNSHIP not in own.text  # none of the first township's people or places
        asked = await fed(f"/dashboards/{path}", TOWNSHIP, OCT, caller=OTHER)
        assert asked.status_code == 403
        assert asked.json()["code"] == "outside_jurisdiction"
        village = await fed(f"/dashboards/{path}", TOWNSHIP, OCT, role="village_staff")
        assert village.status_code == 403  # staff of the township and county only
    county = (await fed("/dashboards/chain-timing", "341722", OCT)).json()
    assert {TOWNSHIP, OTHER} <= {t["township_code"] for t in county["townships"]}


async def test_dashboards_rebuild_from_the_topics_equals_the_live_model(
    fed: Callable[..., Awaitable[httpx.Response]],
    archive_settings: Settings,
    fresh_archive_database: Callable[[], str],
) -> None:
    from archive.repository import dashboards as repo

    rebuilt_settings = archive_settings.model_copy(
        update={"database_url": fresh_archive_database()}
    )
    report = await rebuild(settings=rebuilt_settings)
    assert report.applied > 0

    async def chains(url: str) -> list[Any]:
        engine = make_engine(url, pool_size=1)
        try:
            async with UnitOfWork(make_sessionmaker(engine)) as uow:
                found = await repo.chains_alive(uow.session, TOWNSHIP, at(D(2026, 9, 1)))
        finally:
            await engine.dispose()
        # The rebuilt database has no files: compare all but the service number.
        return sorted((c.person_id, c.times, c.decision, c.village_code) for c in found)

    live = await chains(archive_settings.database_url)
    assert len(live) == 5
    assert await chains(rebuilt_settings.database_url) == live
