"""archive's use cases on in-memory fakes: a recipient's stop, file opening, documents."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date

import pytest

from archive.context import ArchiveContext
from archive.handlers import documents as document_handlers
from archive.handlers import events as event_handlers
from archive.settings import Settings
from civic.asyncapi import DOCS_ENV
from civic.errors import Forbidden, NotFound, Unprocessable
from civic.security import Principal
from contracts.archive import DocumentAttached, FileOpened, FileStatusRecorded
from contracts.enums import Role
from contracts.kinds import DocumentKind
from contracts.review import RecipientApproved, RecipientStatusChanged
from contracts.samples import sample

from .fakes import (
    NO_KEYS_LOADED,
    FakeArchive,
    FakeNumbers,
    FakeUnitOfWork,
    use_fake_repositories,
)

pytestmark = pytest.mark.unit

VILLAGE = "341702100201"
PDF = b"%PDF-1.7\n" + b"0" * 100


@pytest.fixture
def archive(monkeypatch: pytest.MonkeyPatch) -> FakeArchive:
    use_fake_repositories(monkeypatch)
    return FakeArchive()


@pytest.fixture
def ctx() -> ArchiveContext:
    # Boards are left out here: they are composed from SQL views tested in integration.
    settings = Settings.model_validate({**DOCS_ENV, **NO_KEYS_LOADED})
    return ArchiveContext(settings=settings, numbers=FakeNumbers(), refresh_boards=False)


def approval() -> RecipientApproved:
    return sample(
        RecipientApproved,
        effective_date=date(2026, 3, 1),
        county_code=VILLAGE[:6],
        township_code=VILLAGE[:9],
        village_code=VILLAGE,
    )


def stop(approved: RecipientApproved) -> RecipientStatusChanged:
    return sample(
        RecipientStatusChanged,
        person_id=approved.person_id,
        recipient_id=approved.recipient_id,
        status="stopped",
        previous_status="active",
        version=2,
        effective_date=date(2026, 5, 1),
    )


async def opened(archive: FakeArchive, ctx: ArchiveContext) -> RecipientApproved:
    approved = approval()
    await event_handlers.open_file(approved, uow=FakeUnitOfWork(archive), ctx=ctx)
    return approved


def officer(division: str = VILLAGE[:9]) -> Principal:
    return Principal("officer-1", frozenset({Role.TOWNSHIP_OFFICER}), division=division)


async def test_archive_an_approval_opens_one_file_with_the_county_s_next_number(
    archive: FakeArchive, ctx: ArchiveContext
) -> None:
    uow = FakeUnitOfWork(archive)
    approved = approval()
    await event_handlers.open_file(approved, uow=uow, ctx=ctx)
    await event_handlers.open_file(approved, uow=FakeUnitOfWork(archive), ctx=ctx)
    (file,) = archive.files.values()
    assert file.status == "active"
    assert file.service_number.endswith("0001")
    assert [type(e) for e in uow.events] == [FileOpened]
    assert uow.committed


async def test_archive_a_stop_enters_the_file_and_is_announced(
    archive: FakeArchive, ctx: ArchiveContext
) -> None:
    approved = await opened(archive, ctx)
    change = stop(approved)
    uow = FakeUnitOfWork(archive)
    await event_handlers.record_status_change(change, uow=uow, ctx=ctx)
    file = archive.files[approved.person_id]
    assert (file.status, file.status_version) == ("stopped", 2)
    (recorded,) = uow.events
    assert isinstance(recorded, FileStatusRecorded)
    assert (recorded.status, recorded.source_event_id) == ("stopped", change.event_id)
    assert change.event_id in archive.history
    assert uow.committed


async def test_archive_a_repeated_stop_changes_nothing_more(
    archive: FakeArchive, ctx: ArchiveContext
) -> None:
    approved = await opened(archive, ctx)
    await event_handlers.record_status_change(stop(approved), uow=FakeUnitOfWork(archive), ctx=ctx)
    again = FakeUnitOfWork(archive)
    await event_handlers.record_status_change(stop(approved), uow=again, ctx=ctx)
    assert again.events == []
    assert again.committed  # the history line of the repeat is still kept


async def test_archive_a_stop_that_overtakes_the_approval_is_folded_in_when_it_arrives(
    archive: FakeArchive, ctx: ArchiveContext
) -> None:
    approved = approval()
    early = FakeUnitOfWork(archive)
    await event_handlers.record_status_change(stop(approved), uow=early, ctx=ctx)
    assert early.events == [] and archive.files == {}
    await event_handlers.open_file(approved, uow=FakeUnitOfWork(archive), ctx=ctx)
    assert archive.files[approved.person_id].status == "stopped"


async def test_archive_an_upload_with_a_wrong_checksum_stores_nothing(
    archive: FakeArchive, ctx: ArchiveContext
) -> None:
    approved = await opened(archive, ctx)
    file_id = archive.files[approved.person_id].file_id
    upload = document_handlers.Upload(
        DocumentKind.ID_CARD_COPY, "id.pdf", "application/pdf", PDF, claimed_sha256="0" * 64
    )
    uow = FakeUnitOfWork(archive)
    with pytest.raises(Unprocessable) as refused:
        await document_handlers.upload_document(
            file_id, upload, uow=uow, principal=officer(), ctx=ctx
        )
    assert refused.value.code == "checksum_mismatch"
    assert (archive.documents, uow.events, uow.committed) == ([], [], False)


async def test_archive_an_upload_outside_the_jurisdiction_is_forbidden(
    archive: FakeArchive, ctx: ArchiveContext
) -> None:
    approved = await opened(archive, ctx)
    file_id = archive.files[approved.person_id].file_id
    upload = document_handlers.Upload(DocumentKind.ID_CARD_COPY, "id.pdf", "application/pdf", PDF)
    with pytest.raises(Forbidden):
        await document_handlers.upload_document(
            file_id, upload, uow=FakeUnitOfWork(archive), principal=officer("341721100"), ctx=ctx
        )
    assert archive.documents == []


async def test_archive_an_upload_is_stored_audited_announced_and_downloadable(
    archive: FakeArchive, ctx: ArchiveContext
) -> None:
    approved = await opened(archive, ctx)
    file_id = archive.files[approved.person_id].file_id
    digest = hashlib.sha256(PDF).hexdigest()
    upload = document_handlers.Upload(
        DocumentKind.ID_CARD_COPY, "id.pdf", "application/pdf", PDF, digest
    )
    uow = FakeUnitOfWork(archive)
    stored = await document_handlers.upload_document(
        file_id, upload, uow=uow, principal=officer(), ctx=ctx
    )
    (attached,) = uow.events
    assert isinstance(attached, DocumentAttached) and attached.sha256 == digest
    got = await document_handlers.download_document(
        file_id, stored.document_id, uow=FakeUnitOfWork(archive), principal=officer()
    )
    assert got.content == PDF
    assert [line["action"] for line in archive.access_log] == [
        "upload_document",
        "download_document",
    ]
    with pytest.raises(NotFound):
        await document_handlers.download_document(
            file_id, uuid.uuid4(), uow=FakeUnitOfWork(archive), principal=officer()
        )
