"""A change of a recipient's services and an emergency approval against real Kafka and
PostgreSQL: the file's history names the change, the board shows the new items, the route
is in the file, and a rebuild from the event log (``archive.replay``) gives the same files."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import pytest

from archive.main import create_app
from archive.replay import replay
from archive.settings import Settings
from civic.db import make_engine
from contracts import settlement, topics
from contracts.archive import BoardRefreshed, FileOpened
from contracts.review import RecipientServicesChanged
from contracts.samples import sample
from contracts.values import ApprovedItem
from devstack.pytest_plugin import running_app

from .test_archive_replay import differences, snapshot

pytestmark = pytest.mark.integration

CHANGED, EMERGENCY = "341722100202", "341722100201"  # villages no other archive suite uses


def names_catalogue() -> Any:
    """石台县's catalogue naming the two items (a version above any other suite's)."""
    items = [
        {"item_code": code, "name_zh": name, "service_category": category, "unit": unit}
        | {"fee_fen": 2500, "is_example": True}
        for code, name, category, unit in (
            ("LC-01", "居家照料", "life_care", "hour"),
            ("CL-01", "清洁卫生", "cleaning", "visit"),
        )
    ]
    version = 1000 + uuid.uuid4().int % 1000
    return sample(
        settlement.CatalogueVersionPublished, county_code="341722", version=version, items=items
    )


def services_change(p: Any, **extra: Any) -> RecipientServicesChanged:
    cleaning = sample(ApprovedItem).model_copy(update={"item_code": "CL-01"})
    values = {
        "recipient_id": p.recipient_id,
        "services_version": 2,
        "effective_date": date(2026, 12, 1),
        "approved_items": (cleaning,),
        "added_item_codes": ("CL-01",),
        "removed_item_codes": ("LC-01",),
        "changed_item_codes": (),
        "reason_code": "needs_changed",
        "decided_by": "township-officer-1",
    }
    return sample(
        RecipientServicesChanged,
        person_id=p.person_id,
        subject_key=str(p.person_id),
        **(values | extra),
    )


def current_section(html: str) -> str:
    return html.split('id="current"')[1].split('id="additions"')[0]


async def test_archive_a_change_of_services_enters_the_file_and_the_board_and_replays(
    archive_settings: Settings,
    fresh_archive_database: Callable[[], str],
    publish: Callable[..., Awaitable[None]],
    watch: Callable[[str], Awaitable[Any]],
    wait_until: Callable[..., Awaitable[Any]],
    person: Callable[..., Any],
    bearer: Callable[[str, str], dict[str, str]],
    keys_of: Any,
) -> None:
    files_topic = await watch(topics.ARCHIVE_FILES)
    changing = person(CHANGED, display_name="欧阳*锋")
    urgent = person(EMERGENCY, display_name="上官*燕")
    emergency = urgent.approval(route="emergency", temporary_until=date(2026, 12, 31))
    people = [changing.person_id, urgent.person_id]
    async with running_app(create_app(archive_settings)) as client:
        await publish(names_catalogue(), changing.approval(), emergency)
        opened = {
            p: (
                await files_topic.find(
                    lambda e, p=p: isinstance(e, FileOpened) and e.person_id == p
                )
            )[0]
            for p in people
        }
        officer = bearer("township_officer", CHANGED[:9])

        async def named() -> Any:
            answer = await client.get(
                f"/files/{opened[changing.person_id].file_id}", headers=officer
            )
            items = answer.json()["needs_assessment"]["approved_items"]
            return answer if items and items[0]["item_zh"] == "居家照料" else None

        await wait_until(named)  # the catalogue is in: the change is named by it
        change = services_change(changing)
        confirmed = services_change(
            urgent,
            approved_items=emergency.approved_items,
            added_item_codes=(),
            removed_item_codes=(),
            changed_item_codes=(),
            reason_code="emergency_confirmed",
            source="review",
            ends_temporary_care=True,
        )
        await publish(change, confirmed)
        await files_topic.find(
            lambda e: isinstance(e, BoardRefreshed) and e.cause_event_id == change.event_id
        )
        board = (await client.get(f"/boards/{CHANGED}")).text
        assert "清洁卫生" in current_section(board) and "居家照料" not in current_section(board)
        file_id = opened[changing.person_id].file_id
        history = (await client.get(f"/files/{file_id}/history", headers=officer)).json()
        [step] = [h for h in history["items"] if h["event_type"] == change.event_type]
        assert step["summary"].startswith(
            "服务内容调整（第 2 版，自 2026-12-01 起）：增加 清洁卫生（CL-01）；取消 居家照料（LC-01）"
        )
        assert "原因：服务需求变化" in step["summary"] and "township-officer-1" in step["summary"]

        urgent_officer = bearer("township_officer", EMERGENCY[:9])
        urgent_file = f"/files/{opened[urgent.person_id].file_id}"

        async def confirmed_in_file() -> Any:
            body = (await client.get(urgent_file, headers=urgent_officer)).json()
            return body if body["file"]["temporary_until"] is None else None

        body = await wait_until(confirmed_in_file)
        assert (body["file"]["route"], body["file"]["route_zh"]) == ("emergency", "救急难临时救助")
        urgent_history = (
            await client.get(f"{urgent_file}/history", headers=urgent_officer)
        ).json()["items"]
        lines = [h["summary"] for h in urgent_history]
        assert any("救急难临时救助，临时救助至 2026-12-31" in line for line in lines)
        assert any(line.endswith("临时救助经审核确认，不再限期") for line in lines)
        live = await snapshot(archive_settings.database_url, people)

    rebuilt_url = fresh_archive_database()
    rebuilt_settings = archive_settings.model_copy(update={"database_url": rebuilt_url})
    await replay(settings=rebuilt_settings)
    keys_engine = make_engine(rebuilt_url, pool_size=1)
    try:
        async with keys_of(rebuilt_settings, keys_engine):
            rebuilt = await snapshot(rebuilt_url, people)
    finally:
        await keys_engine.dispose()
    for p in people:
        assert differences(rebuilt[p], live[p]) == []
    assert live[changing.person_id][0]["file"]["services_version"] == 2
