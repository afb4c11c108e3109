"""What archive's database itself holds: no document, filename, condition or history in clear,
each value bound to its row under a data key, and values stored before sealing re-sealed
without losing a byte."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import Row, text

from archive.adapters.numbering import CounterNumbers
from archive.adapters.sealing import FILENAME, open_content, open_text
from archive.context import ArchiveContext
from archive.domain.files import file_id_for
from archive.handlers.events import open_file
from archive.main import create_app
from archive.repository import documents as documents_repo
from archive.repository import files as files_repo
from archive.settings import Settings
from civic import sealing
from civic.db import make_engine, make_sessionmaker
from civic.sealing.ciphers import SealBroken
from civic.sealing.keyring import SEALED_VALUE, key_id_of
from civic.uow import UnitOfWork
from contracts.enums import SelfCareLevel, SpecialCondition
from contracts.privacy import find_id_numbers
from contracts.review import RecipientApproved
from contracts.samples import sample
from devstack.infra import Infra
from devstack.pytest_plugin import civic_keys, migrate, running_app

pytestmark = pytest.mark.integration

VILLAGE = "341722101201"  # a village no other archive suite uses
ID_NUMBER = "341702195001011234"
#: A scan whose bytes span every value (so base64 of it has lines to join) with a marker.
SCAN = (
    b"%PDF-1.4\n% \xe5\xbc\xa0\xe6\xa1\x82\xe8\x8b\xb1 "
    + ID_NUMBER.encode()
    + bytes(range(256)) * 4
)


def scan(marker: str) -> bytes:
    """A PDF whose text names the person, their ID number and a marker of this test."""
    return SCAN + f"\n% ILLNESS-CERTIFICATE {marker}\n%%EOF\n".encode()


def flat(rows: Sequence[Row[Any]]) -> str:
    """Every value of the rows as text (bytes as they read, so clear content shows)."""
    parts = [
        v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for r in rows for v in r
    ]
    return " ".join(parts)


@pytest.fixture(scope="module")
async def client(archive_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with running_app(create_app(archive_settings)) as running:
        yield running


async def opened_file(settings: Settings) -> RecipientApproved:
    """A file opened in the session's database, as an approval opens it."""
    person = uuid.uuid4()
    approval = sample(
        RecipientApproved,
        person_id=person,
        subject_key=str(person),
        county_code=VILLAGE[:6],
        township_code=VILLAGE[:9],
        village_code=VILLAGE,
        special_conditions=("seriously_ill", "severely_disabled"),
        self_care_level="severe",
        effective_date=date(2026, 11, 3),
        occurred_at=datetime(2026, 11, 3, 2, tzinfo=UTC),
    )
    engine = make_engine(settings.database_url, pool_size=1)
    try:
        ctx = ArchiveContext(settings=settings, numbers=CounterNumbers(), refresh_boards=False)
        await open_file(approval, uow=UnitOfWork(make_sessionmaker(engine)), ctx=ctx)
    finally:
        await engine.dispose()
    return approval


async def upload(
    client: httpx.AsyncClient, file_id: uuid.UUID, headers: dict[str, str], content: bytes
) -> str:
    name = f"张桂英_身份证_{ID_NUMBER}.pdf"
    got = await client.post(
        f"/files/{file_id}/documents",
        data={"kind": "illness_proof", "sha256": hashlib.sha256(content).hexdigest()},
        files={"file": (name, content, "application/pdf")},
        headers=headers,
    )
    assert got.status_code == 201, got.text
    assert got.json()["filename"] == name and got.json()["size_bytes"] == len(content)
    return str(got.json()["document_id"])


async def raw(settings: Settings, sql: str, **params: Any) -> Sequence[Row[Any]]:
    """Rows as a pg_dump would show them (no ring involved)."""
    engine = make_engine(settings.database_url, pool_size=1)
    try:
        async with engine.connect() as conn:
            return (await conn.execute(text(sql), params)).all()
    finally:
        await engine.dispose()


async def test_archive_a_pg_dump_shows_no_document_name_or_condition_in_clear(
    client: httpx.AsyncClient,
    archive_settings: Settings,
    bearer: Callable[[str, str], dict[str, str]],
) -> None:
    approval = await opened_file(archive_settings)
    file_id, marker = file_id_for(approval.person_id), uuid.uuid4().hex
    township, content = bearer("township_officer", VILLAGE[:9]), scan(marker)
    document_id = await upload(client, file_id, township, content)

    got = await client.get(f"/files/{file_id}/documents/{document_id}", headers=township)
    assert got.status_code == 200 and got.content == content  # the exact bytes, opened
    assert got.headers["x-content-sha256"] == hashlib.sha256(content).hexdigest()
    assessed = (await client.get(f"/files/{file_id}", headers=township)).json()["needs_assessment"]
    assert assessed["special_conditions_zh"] == [
        SpecialCondition(c).label_zh for c in approval.special_conditions
    ]
    assert assessed["self_care_level_zh"] == SelfCareLevel.SEVERE.label_zh

    documents = await raw(
        archive_settings, "select * from file_document where file_id = :f", f=file_id
    )
    files = await raw(archive_settings, "select * from archive_file where file_id = :f", f=file_id)
    history = await raw(
        archive_settings, "select * from file_history where person_id = :p", p=approval.person_id
    )
    dumped = flat([*documents, *files, *history])
    clear = SEALED_VALUE.sub(" ", dumped)  # ciphertext's random digits are no data
    assert marker not in dumped and ID_NUMBER not in dumped and find_id_numbers(clear) == []
    assert "张桂英" not in dumped and "seriously_ill" not in dumped and "disabled" not in dumped
    assert SelfCareLevel.SEVERE.label_zh not in dumped  # nor in a history line
    (stored,), (file,) = documents, files
    assert file.self_care_level.startswith("s1.") and file.special_conditions.startswith("s1.")
    assert key_id_of(stored.content) == sealing.ring().active.key_id
    assert stored.size_bytes == len(content)  # size and checksum are of the plain bytes
    assert stored.sha256 == hashlib.sha256(content).hexdigest()


async def test_archive_a_value_copied_into_another_row_does_not_open(
    client: httpx.AsyncClient,
    archive_settings: Settings,
    bearer: Callable[[str, str], dict[str, str]],
) -> None:
    approval = await opened_file(archive_settings)
    file_id = file_id_for(approval.person_id)
    township = bearer("township_officer", VILLAGE[:9])
    first = await upload(client, file_id, township, scan("first"))
    second = await upload(client, file_id, township, scan("second"))
    (one,), (other,) = [
        await raw(
            archive_settings,
            "select document_id, filename, content from file_document where document_id = :d",
            d=uuid.UUID(document),
        )
        for document in (first, second)
    ]
    assert open_content(one.content, document_id=one.document_id) == scan("first")
    with pytest.raises(SealBroken):
        open_content(one.content, document_id=other.document_id)
    with pytest.raises(SealBroken):
        open_text(one.filename, purpose=FILENAME, row=other.document_id)


#: A file as archive stored it before sealing (migration 0004): jsonb, bytea, in clear.
_FILE_SQL = """
insert into archive_file (file_id, person_id, recipient_id, application_id, household_id,
  service_number, issue_county_code, issue_year, sequence, county_code, township_code,
  village_code, display_name, category, special_conditions, self_care_level, need_categories,
  approved_items, approved_on, opened_at, status, status_version, status_effective_date,
  served_since)
values ($1, $2, $2, $2, $2, '341722-2026-900001', '341722', 2026, 900001, '341722',
  '341722101', '341722101201', '张*英', 'tekun', '["seriously_ill"]', 'severe', '[]', '[]',
  '2026-11-03', now(), 'active', 1, '2026-11-03', '2026-11-03')
"""
_DOCUMENT_SQL = """
insert into file_document (document_id, file_id, kind, filename, content_type, size_bytes,
  sha256, content, uploaded_by)
values ($1, $2, 'illness_proof', '张桂英.pdf', 'application/pdf', $3, $4, $5, 'village_staff')
"""
_HISTORY_SQL = """
insert into file_history (event_id, person_id, topic, event_type, occurred_at, summary, data)
values ($1, $2, 'survey.surveys.v1', 'survey.SurveyCompleted', now(), '自理能力：重度', $3)
"""


async def _legacy_database(infra: Infra, repo_root: Path, content: bytes) -> dict[str, Any]:
    """A database with one file, document and history line stored in clear, then migrated."""
    url = infra.create_database(f"archive_seal_{uuid.uuid4().hex[:8]}")
    migrate(repo_root, "archive", url, "0004")
    ids = {"file_id": uuid.uuid4(), "document_id": uuid.uuid4(), "event_id": uuid.uuid4()}
    digest = hashlib.sha256(content).hexdigest()
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute(_FILE_SQL, ids["file_id"], uuid.uuid4())
        await conn.execute(
            _DOCUMENT_SQL, ids["document_id"], ids["file_id"], len(content), digest, content
        )
        person = await conn.fetchval("select person_id from archive_file")
        data = json.dumps({"self_care_level": "severe"})
        await conn.execute(_HISTORY_SQL, ids["event_id"], person, data)
    finally:
        await conn.close()
    migrate(repo_root, "archive", url, "head")
    return {"url": url, "person_id": person, **ids}


async def _read_back(engine: Any, stored: dict[str, Any]) -> tuple[Any, ...]:
    """The document, the file and the history as the service reads them."""
    async with UnitOfWork(make_sessionmaker(engine)) as uow:
        session = uow.session
        document = await documents_repo.document(session, stored["file_id"], stored["document_id"])
        file = await files_repo.file_by_id(session, stored["file_id"])
        history = await files_repo.history_of(session, stored["person_id"])
    assert document is not None and file is not None
    return document.content, document.filename, file.special_conditions, history[0].data


async def test_archive_values_stored_before_sealing_are_resealed_and_read_the_same(
    infra: Infra, repo_root: Path, archive_settings: Settings, keys_of: Any, service_env: Any
) -> None:
    content = scan("legacy") * 40  # long enough for base64 to break lines (migration 0005)
    stored = await _legacy_database(infra, repo_root, content)
    engine = make_engine(stored["url"], pool_size=2)
    own = archive_settings.model_copy(update={"database_url": stored["url"]})
    expected = (content, "张桂英.pdf", ["seriously_ill"], {"self_care_level": "severe"})
    try:
        async with keys_of(own, engine) as keeper:
            # content, filename, conditions, self-care level, history data and line
            assert await keeper.legacy_values() == 6
            assert await _read_back(engine, stored) == expected
            assert await keeper.reseal() == 6 and await keeper.legacy_values() == 0
            assert await _read_back(engine, stored) == expected
            env = service_env("archive", database_url=stored["url"])
            listed = civic_keys("archive", "status", env=env)
            assert sealing.ring().active.key_id in listed and "旧格式\t0" in listed
        dumped = flat(await raw(own, "select * from file_document"))
        dumped += flat(await raw(own, "select * from file_history"))
        assert "legacy" not in dumped and "张桂英" not in dumped and "重度" not in dumped
    finally:
        await engine.dispose()
