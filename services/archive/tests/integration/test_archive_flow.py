"""archive in-process against real Kafka and PostgreSQL: files, boards, history, documents,
ledgers and the big-data mirror, driven by the events the other services publish."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from archive.adapters.numbering import CounterNumbers
from archive.context import ArchiveContext
from archive.main import create_app
from archive.orm import board_version
from archive.settings import Settings
from civic import clock
from civic import clock as civic_clock
from civic.db import make_engine, make_sessionmaker
from contracts import topics
from contracts.archive import BoardRefreshed, DocumentAttached, FileOpened, FileStatusRecorded
from contracts.bigdata import EventMirrored
from contracts.privacy import find_id_numbers, find_phones
from devstack.pytest_plugin import running_app

pytestmark = pytest.mark.integration

VILLAGE = "341723101201"  # 青阳县, a township no other suite uses
TOWNSHIP = VILLAGE[:9]
PDF = b"%PDF-1.4\n% test scan\n" + b"0" * 200


class Clock:
    """A clock the test moves, so board versions fall on known days."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 3, 3, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Running:
    client: httpx.AsyncClient
    clock: Clock
    settings: Settings


@pytest.fixture(scope="module")
async def app(archive_settings: Settings) -> AsyncIterator[Running]:
    settings = archive_settings.model_copy(update={"document_max_bytes": 4096})
    moving = Clock()
    ctx = ArchiveContext(settings=settings, numbers=CounterNumbers())
    app = create_app(settings, ctx)
    with clock.using(civic_clock.Clock(moving)):
        async with running_app(app) as client:
            yield Running(client, moving, settings)


async def board_text(client: httpx.AsyncClient, village: str, **params: str) -> str:
    response = await client.get(f"/boards/{village}", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def current_section(html: str) -> str:
    return html.split('id="current"')[1].split('id="additions"')[0]


def removals_section(html: str) -> str:
    return html.split('id="removals"')[1]


async def test_archive_an_approval_opens_a_file_and_a_stop_drops_the_person_from_the_board(
    app: Running,
    publish: Callable[..., Awaitable[None]],
    watch: Callable[[str], Awaitable[Any]],
    wait_until: Callable[..., Awaitable[Any]],
    person: Callable[..., Any],
    bearer: Callable[[str, str], dict[str, str]],
) -> None:
    files_topic, bigdata = await watch(topics.ARCHIVE_FILES), await watch(topics.BIGDATA_EVENTS)
    zhuge = person(VILLAGE, display_name="诸葛*亮")
    approved = zhuge.approval()
    await publish(approved)

    opened = (
        await files_topic.find(
            lambda e: isinstance(e, FileOpened) and e.person_id == zhuge.person_id
        )
    )[0]
    assert opened.service_number.startswith("341723-2026-") and opened.village_code == VILLAGE
    refreshed = await files_topic.find(
        lambda e: isinstance(e, BoardRefreshed) and e.cause_event_id == approved.event_id
    )
    assert refreshed[0].village_code == VILLAGE and refreshed[0].entry_count >= 1
    pseudonym = app.settings.bigdata_pseudonyms()  # the big-data platform's key
    mirror = (
        await bigdata.find(
            lambda e: (
                isinstance(e, EventMirrored)
                and e.source_event_id == pseudonym(str(opened.event_id))
            )
        )
    )[0]
    assert mirror.person_id == pseudonym(str(zhuge.person_id)) != zhuge.person_id
    assert mirror.source_event_type == "archive.FileOpened"
    text = mirror.model_dump_json()  # pseudonymised ids and codes only
    assert "诸葛" not in text and str(zhuge.person_id) not in text

    html = await board_text(app.client, VILLAGE)
    assert (
        "诸葛**" in current_section(html) and "诸葛*亮" not in html
    )  # surname + masked given name
    assert "2026年11月新纳入" in html and "特困人员" in html and "池州市青阳县" in html

    officer = bearer("township_officer", TOWNSHIP)
    listed = (await app.client.get("/files", headers=officer)).json()
    numbers = [f["service_number"] for f in listed["items"]]
    assert opened.service_number in numbers and numbers == sorted(numbers)

    app.clock.now = datetime(2026, 11, 20, 3, tzinfo=UTC)
    stop = zhuge.status("stopped", date(2026, 11, 20))
    await publish(stop)
    recorded = await files_topic.find(
        lambda e: isinstance(e, FileStatusRecorded) and e.source_event_id == stop.event_id
    )
    assert recorded[0].status == "stopped" and recorded[0].file_id == opened.file_id

    async def dropped() -> str | None:
        text = await board_text(app.client, VILLAGE)
        return text if "诸葛**" not in current_section(text) else None

    html = await wait_until(dropped)
    assert "诸葛**" in removals_section(html) and "停止服务" in removals_section(html)

    # The board's history answers "what did it show on day X" (end of day, Asia/Shanghai).
    assert "诸葛**" in current_section(await board_text(app.client, VILLAGE, as_of="2026-11-10"))
    assert "诸葛**" not in current_section(
        await board_text(app.client, VILLAGE, as_of="2026-11-20")
    )
    before = await app.client.get(f"/boards/{VILLAGE}", params={"as_of": "2026-11-01"})
    assert before.status_code == 404 and before.json()["code"] == "board_not_published"
    versions = (await app.client.get(f"/boards/{VILLAGE}/versions")).json()
    assert [v["version"] for v in versions] == sorted(
        (v["version"] for v in versions), reverse=True
    )
    # A year on, that history is no longer public; the board shown since is all it lists.
    app.clock.now = datetime(2027, 11, 21, 3, tzinfo=UTC)
    old = await app.client.get(f"/boards/{VILLAGE}", params={"as_of": "2026-11-10"})
    assert old.status_code == 404 and old.json()["code"] == "outside_publicity_period"
    public = (await app.client.get(f"/boards/{VILLAGE}/versions")).json()
    assert (
        [v["version"] for v in public]
        == [versions[0]["version"]]
        != [v["version"] for v in versions]
    )
    app.clock.now = datetime(2026, 11, 20, 3, tzinfo=UTC)

    file = (await app.client.get(f"/files/{opened.file_id}", headers=officer)).json()
    assert file["file"]["status"] == "stopped" and file["file"]["status_zh"] == "停止"
    assert [(s["status"], s["effective_date"], s["reason_zh"]) for s in file["status_changes"]] == [
        ("stopped", "2026-11-20", "社会救助终止")
    ]
    history = (await app.client.get(f"/files/{opened.file_id}/history", headers=officer)).json()
    assert [h["event_type"] for h in history["items"]] == [
        "review.RecipientApproved",
        "review.RecipientStatusChanged",
    ]
    assert (
        history["items"][1]["summary"]
        == "救助状态变更：在册 → 停止（社会救助终止，自 2026-11-20 起）"
    )
    village_staff = bearer("village_staff", VILLAGE)
    assert (
        await app.client.get(f"/files/{opened.file_id}", headers=village_staff)
    ).status_code == 403
    elsewhere = bearer("township_officer", "341723100")
    assert (await app.client.get(f"/files/{opened.file_id}", headers=elsewhere)).status_code == 403

    # An officer may render the board again; nothing changed, so no new version is stored.
    again = await app.client.post(f"/boards/{VILLAGE}/refresh", headers=officer)
    assert again.status_code == 200 and again.json()[0]["version"] == versions[0]["version"]
    refused = await app.client.post(f"/boards/{VILLAGE}/refresh", headers=village_staff)
    assert refused.status_code == 403


async def test_archive_status_changes_that_overtake_the_approval_are_folded_in(
    app: Running,
    publish: Callable[..., Awaitable[None]],
    wait_until: Callable[..., Awaitable[Any]],
    watch: Callable[[str], Awaitable[Any]],
    person: Callable[..., Any],
    bearer: Callable[[str, str], dict[str, str]],
) -> None:
    files_topic = await watch(topics.ARCHIVE_FILES)
    sima = person(VILLAGE, display_name="司马*光")
    approval = sima.approval()
    changed = sima.status("category_changed", date(2026, 11, 6), new_category="dibao")
    await publish(changed)
    await publish(approval)  # another topic: processed after the change it precedes
    officer = bearer("county_officer", "341723")

    async def file() -> Any:
        listed = (
            await app.client.get(
                "/files", params={"division": TOWNSHIP, "size": 100}, headers=officer
            )
        ).json()
        return next((f for f in listed["items"] if f["display_name"] == "司马*光"), None)

    found = await wait_until(file)
    assert (found["category"], found["status"]) == ("dibao", "category_changed")
    # Subscribers still see the change recorded once, after the file opened.
    await files_topic.find(
        lambda e: isinstance(e, FileStatusRecorded) and e.person_id == sima.person_id
    )
    mine = [e for e in files_topic.events if getattr(e, "person_id", None) == sima.person_id]
    assert [type(e) for e in mine] == [FileOpened, FileStatusRecorded]
    assert (mine[1].status_version, mine[1].source_event_id) == (changed.version, changed.event_id)


async def test_archive_documents_are_checked_stored_and_every_download_is_audited(
    app: Running,
    publish: Callable[..., Awaitable[None]],
    watch: Callable[[str], Awaitable[Any]],
    person: Callable[..., Any],
    bearer: Callable[[str, str], dict[str, str]],
) -> None:
    files_topic = await watch(topics.ARCHIVE_FILES)
    ouyang = person("341723101202", display_name="欧阳*修")
    await publish(ouyang.approval())
    opened = (
        await files_topic.find(
            lambda e: isinstance(e, FileOpened) and e.person_id == ouyang.person_id
        )
    )[0]
    url = f"/files/{opened.file_id}/documents"
    township, county = bearer("township_officer", "341723101"), bearer("county_officer", "341723")

    file = (await app.client.get(f"/files/{opened.file_id}", headers=township)).json()
    states = {c["kind"]: c["state"] for c in file["checklist"]}
    assert states["id_card_copy"] == "missing" and states["illness_proof"] == "missing"
    assert states["disability_certificate"] == "not_applicable" and not file["checklist_complete"]

    digest = hashlib.sha256(PDF).hexdigest()
    form = {"kind": "id_card_copy", "sha256": digest}
    created = await app.client.post(
        url, data=form, files={"file": ("身份证.pdf", PDF, "application/pdf")}, headers=township
    )
    assert created.status_code == 201, created.text
    document = created.json()
    assert (document["sha256"], document["size_bytes"], document["kind_zh"]) == (
        digest,
        len(PDF),
        "身份证复印件",
    )
    attached = await files_topic.find(
        lambda e: (
            isinstance(e, DocumentAttached) and e.document_id == uuid.UUID(document["document_id"])
        )
    )
    assert attached[0].sha256 == digest

    refused = {
        "content_type_not_allowed": {"file": ("a.html", b"<html>", "text/html")},
        "content_mismatch": {"file": ("a.pdf", b"MZ\x90\x00", "application/pdf")},
        "file_too_large": {"file": ("a.pdf", PDF + b"0" * 5000, "application/pdf")},
    }
    for code, files in refused.items():
        answer = await app.client.post(
            url, data={"kind": "household_register_copy"}, files=files, headers=township
        )
        assert (answer.status_code, answer.json()["code"]) == (422, code)
    wrong_sum = await app.client.post(
        url,
        data={"kind": "household_register_copy", "sha256": "0" * 64},
        files={"file": ("a.pdf", PDF, "application/pdf")},
        headers=township,
    )
    assert wrong_sum.json()["code"] == "checksum_mismatch"

    doc_url = f"{url}/{document['document_id']}"
    for who in (county, bearer("auditor", "341700")):
        got = await app.client.get(doc_url, headers=who)
        assert (
            got.status_code == 200
            and got.content == PDF
            and got.headers["x-content-sha256"] == digest
        )
    for who in (bearer("village_staff", "341723101202"), bearer("township_officer", "341723100")):
        assert (await app.client.get(doc_url, headers=who)).status_code == 403
    assert (await app.client.get(doc_url)).status_code == 401

    log = (await app.client.get(f"/files/{opened.file_id}/access-log", headers=county)).json()
    actions = [(e["action"], e["user_id"]) for e in log]
    assert ("download_document", "auditor-341700") in actions
    assert ("download_document", "county_officer-341723") in actions
    assert ("upload_document", "township_officer-341723101") in actions
    # Reading the whole file is in the read audit only (test_archive_read_audit.py).
    assert "view_file" not in {action for action, _ in actions}
    assert all(
        e["action"] != "download_document" or e["user_id"] != "village_staff-341723101202"
        for e in log
    )
    after = (await app.client.get(f"/files/{opened.file_id}", headers=township)).json()
    assert {c["kind"]: c["state"] for c in after["checklist"]}["id_card_copy"] == "complete"


async def test_archive_the_village_ledger_counts_this_months_services_and_exports_csv(
    app: Running,
    publish: Callable[..., Awaitable[None]],
    wait_until: Callable[..., Awaitable[Any]],
    person: Callable[..., Any],
    provider: Callable[..., Any],
    county_catalogue: Callable[..., Any],
    bearer: Callable[[str, str], dict[str, str]],
) -> None:
    village = "341723102201"
    shangguan = person(village, display_name="上官*儿")
    org = provider("青阳县阳光社工服务中心", f"qy-{uuid.uuid4().hex[:6]}", "341723")
    order = shangguan.order(org.provider_id, org.provider_code)
    records = [shangguan.delivered(order, date(2026, 11, d)) for d in (5, 12)]
    old = shangguan.delivered(order, date(2026, 10, 28))
    await publish(county_catalogue("341723"), org, shangguan.approval(), order, *records, old)
    staff = bearer("village_staff", village)

    async def ledger() -> Any:
        answer = (
            await app.client.get(
                f"/villages/{village}/ledger", params={"month": "2026-11"}, headers=staff
            )
        ).json()
        rows = [r for r in answer["rows"] if r["display_name"] == "上官*儿"]
        return (
            rows[0]
            if rows and rows[0]["services_this_month"] == 2 and rows[0]["providers"]
            else None
        )

    row = await wait_until(ledger)
    assert row["items"] == ["居家照料"] and row["providers"] == ["青阳县阳光社工服务中心"]
    assert row["quantities_zh"] == "居家照料 4小时" and row["category_zh"] == "特困人员"
    csv_answer = await app.client.get(
        f"/villages/{village}/ledger.csv", params={"month": "2026-11"}, headers=staff
    )
    assert csv_answer.text.startswith("\ufeff服务号,姓名,救助类别") and "上官*儿" in csv_answer.text
    other = bearer("village_staff", "341723102202")
    assert (await app.client.get(f"/villages/{village}/ledger", headers=other)).status_code == 403

    officer = bearer("township_officer", village[:9])
    listed = (await app.client.get("/files", params={"division": village}, headers=officer)).json()
    file_id = next(f["file_id"] for f in listed["items"] if f["display_name"] == "上官*儿")

    async def receipt_with_all_three() -> str | None:
        # The October record is published last and may land after the ledger shows November.
        answer = await app.client.get(f"/files/{file_id}/service-receipt", headers=officer)
        return answer.text if answer.text.count("居家照料") >= 3 else None

    assert "接受救助服务情况表" in await wait_until(receipt_with_all_three)
    receipt_csv = await app.client.get(
        f"/files/{file_id}/service-receipt", params={"format": "csv"}, headers=officer
    )
    assert receipt_csv.text.count("\r\n") == 4  # header and three records

    async def named_on_board() -> bool:
        return "青阳县阳光社工服务中心" in current_section(await board_text(app.client, village))

    assert await wait_until(named_on_board)


async def test_archive_no_stored_or_served_board_holds_an_id_or_phone_number(
    app: Running,
    publish: Callable[..., Awaitable[None]],
    watch: Callable[[str], Awaitable[Any]],
    person: Callable[..., Any],
    provider: Callable[..., Any],
) -> None:
    files_topic = await watch(topics.ARCHIVE_FILES)
    village = "341723103201"
    # A provider and a person whose given names carry numbers: the board must show neither.
    org = provider("爱心家政13912345678", f"aj-{uuid.uuid4().hex[:6]}", "341723")
    leaky = person(village, display_name="王*13912345678")
    await publish(org, leaky.approval(), leaky.order(org.provider_id, org.provider_code))
    await files_topic.find(lambda e: isinstance(e, FileOpened) and e.person_id == leaky.person_id)

    engine = make_engine(app.settings.database_url, pool_size=2)
    try:
        async with make_sessionmaker(engine)() as session:
            stored = (
                await session.execute(select(board_version.c.village_code, board_version.c.html))
            ).all()
    finally:
        await engine.dispose()
    assert stored
    for village_code, html in stored:
        assert find_id_numbers(html) == [] and find_phones(html) == [], village_code
    for village_code in sorted({v for v, _ in stored}):
        served = await board_text(app.client, village_code)
        assert find_id_numbers(served) == [] and find_phones(served) == [], village_code
