"""Issue 16: every archive route that answers with a person's data (files, their history,
receipt, documents and document log, village ledgers) leaves a line naming who read whose
data; the public boards are published on purpose and are not audited."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from archive.adapters.numbering import CounterNumbers
from archive.context import ArchiveContext
from archive.domain.files import file_id_for
from archive.handlers.dashboards import observe
from archive.handlers.events import open_file
from archive.main import create_app
from archive.settings import Settings
from civic.db import make_engine, make_sessionmaker
from civic.uow import UnitOfWork
from contracts import intake
from contracts.review import RecipientStatusChanged
from contracts.samples import sample
from devstack.pytest_plugin import running_app
from devstack.read_audit import AuditedCall, check_reads

pytestmark = pytest.mark.integration

VILLAGE = "341723104201"  # 青阳县, a village no other test uses: its lists hold one file
PDF = b"%PDF-1.4\n% read audit\n" + b"0" * 100

Mint = Callable[..., str]


@pytest.fixture(scope="module")
async def client(archive_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with running_app(create_app(archive_settings)) as running:
        yield running


def _as(mint_token: Mint, role: str, division: str) -> tuple[str, dict[str, str]]:
    user_id = f"reader-{uuid.uuid4().hex[:8]}"
    token = mint_token(roles=[role], division=division, user_id=user_id)
    return user_id, {"Authorization": f"Bearer {token}"}


async def _opened(settings: Settings, approval: Any) -> uuid.UUID:
    """The person's file, opened as the approval on Kafka would open it."""
    engine = make_engine(settings.database_url, pool_size=1)
    try:
        ctx = ArchiveContext(settings=settings, numbers=CounterNumbers(), refresh_boards=False)
        await open_file(approval, uow=UnitOfWork(make_sessionmaker(engine)), ctx=ctx)
        for event in _dashboard_facts(approval):  # the chain and a stop, for /dashboards
            await observe(event, uow=UnitOfWork(make_sessionmaker(engine)))
    finally:
        await engine.dispose()
    return file_id_for(approval.person_id)


def _dashboard_facts(approval: Any) -> list[Any]:
    """The person's application and a stop on the approval day, as the read model keeps them."""
    mine = {"person_id": approval.person_id, "subject_key": str(approval.person_id)}
    where = {k: getattr(approval, k) for k in ("county_code", "township_code", "village_code")}
    applied = sample(
        intake.ApplicationSubmitted, **mine, **where, application_id=approval.application_id,
        version=1, occurred_at=approval.occurred_at,
    )  # fmt: skip
    stop = sample(
        RecipientStatusChanged, **mine, recipient_id=approval.recipient_id, status="stopped",
        previous_status="active", version=2, effective_date=approval.effective_date,
        reason_code="assistance_stopped", source="review_officer", occurred_at=approval.occurred_at,
    )  # fmt: skip
    return [applied, stop]


def _upload(client: httpx.AsyncClient, file_id: uuid.UUID, headers: dict[str, str]) -> Any:
    return client.post(
        f"/files/{file_id}/documents",
        data={"kind": "id_card_copy"},
        files={"file": ("身份证.pdf", PDF, "application/pdf")},
        headers=headers,
    )


@dataclass(frozen=True)
class Opened:
    """A person's file with one document in it."""

    person_id: uuid.UUID
    file_id: uuid.UUID
    document_id: str


def _get(
    client: httpx.AsyncClient, path: str, reader: tuple[str, dict[str, str]], whom: uuid.UUID
) -> AuditedCall:
    return AuditedCall(lambda: client.get(path, headers=reader[1]), reader[0], whom)


def _calls(client: httpx.AsyncClient, mint_token: Mint, opened: Opened) -> dict[str, AuditedCall]:
    township = _as(mint_token, "township_officer", VILLAGE[:9])
    county = _as(mint_token, "county_officer", VILLAGE[:6])
    village = _as(mint_token, "village_staff", VILLAGE)
    file, ledger = f"/files/{opened.file_id}", f"/villages/{VILLAGE}/ledger"
    reads = {
        "GET /files": ("/files", township),
        "GET /files/{file_id}": (file, township),
        "GET /files/{file_id}/history": (f"{file}/history", township),
        "GET /files/{file_id}/service-receipt": (f"{file}/service-receipt", township),
        "GET /files/{file_id}/access-log": (f"{file}/access-log", county),
        "GET /files/{file_id}/documents": (f"{file}/documents", county),
        "GET /files/{file_id}/documents/{document_id}": (
            f"{file}/documents/{opened.document_id}",
            county,
        ),
        "GET /villages/{village_code}/ledger": (ledger, village),
        "GET /villages/{village_code}/ledger.csv": (f"{ledger}.csv", village),
    }
    month = "2026-11"  # the conftest approval's month (approved_on 2026-11-03)
    dash = f"?division_code={VILLAGE[:9]}&month={month}"
    reads["GET /dashboards/chain-timing"] = (f"/dashboards/chain-timing{dash}", township)
    reads["GET /dashboards/stops"] = (f"/dashboards/stops{dash}", township)
    calls = {key: _get(client, path, who, opened.person_id) for key, (path, who) in reads.items()}
    calls["POST /files/{file_id}/documents"] = AuditedCall(
        lambda: _upload(client, opened.file_id, village[1]), village[0], opened.person_id
    )
    return calls


def _auditor(mint_token: Mint) -> tuple[str, dict[str, str]]:
    user_id = f"auditor-{uuid.uuid4().hex[:8]}"
    token = mint_token(roles=["auditor"], division="341700", user_id=user_id)
    return user_id, {"Authorization": f"Bearer {token}"}


async def test_archive_every_route_that_reads_personal_data_leaves_a_line(
    client: httpx.AsyncClient,
    archive_settings: Settings,
    person: Callable[..., Any],
    mint_token: Mint,
) -> None:
    approval = person(VILLAGE, display_name="慕容*复").approval()
    file_id = await _opened(archive_settings, approval)
    # A document to download; its upload is also a read for the auditor's question to find
    # (the calls run in route order, /audit/reads first).
    _, township = _as(mint_token, "township_officer", VILLAGE[:9])
    uploaded = await _upload(client, file_id, township)
    assert uploaded.status_code == 201, uploaded.text
    whom = approval.person_id
    calls = _calls(client, mint_token, Opened(whom, file_id, uploaded.json()["document_id"]))
    auditor = _auditor(mint_token)
    calls["GET /audit/reads"] = AuditedCall(
        lambda: client.get("/audit/reads", params={"person_id": str(whom)}, headers=auditor[1]),
        auditor[0],
        whom,
    )
    assert await check_reads(client, calls, auditor=auditor[1]) == []


async def test_archive_a_stranger_cannot_ask_the_auditors_questions(
    client: httpx.AsyncClient, mint_token: Mint
) -> None:
    _, county = _as(mint_token, "county_officer", VILLAGE[:6])
    asked = await client.get("/audit/reads", params={"user_id": "anyone"}, headers=county)
    assert asked.status_code == 403


async def test_archive_the_public_board_is_not_audited(
    client: httpx.AsyncClient,
    archive_settings: Settings,
    person: Callable[..., Any],
    mint_token: Mint,
) -> None:
    village = "341723104202"
    await _opened(archive_settings, person(village, display_name="东方*白").approval())
    _, township = _as(mint_token, "township_officer", village[:9])
    refreshed = await client.post(f"/boards/{village}/refresh", headers=township)
    assert refreshed.status_code == 200, refreshed.text
    for path in (f"/boards/{village}", f"/boards/{village}/versions"):
        assert (await client.get(path)).status_code == 200  # anonymous, as the public reads
    _, auditor = _auditor(mint_token)
    asked = await client.get("/audit/reads", params={"user_id": "anonymous"}, headers=auditor)
    assert asked.status_code == 200 and asked.json()["items"] == []
