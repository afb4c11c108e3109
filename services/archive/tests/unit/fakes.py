"""In-memory stand-ins for archive's repositories and unit of work (no PostgreSQL, no Kafka).

Handlers reach SQL only through the repository modules, called as ``repo.x(uow.session, ...)``.
The fake unit of work (civic's shared one) carries a ``FakeArchive`` (the tables as lists and
dicts) as its ``session``, and ``use_fake_repositories`` points the repository functions the
handlers use at it.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import pytest

from archive.domain.files import ArchiveFile
from archive.domain.stored import DocumentContent, DocumentInfo
from archive.repository import documents as documents_repo
from archive.repository import files as files_repo
from civic.testing import FakeUnitOfWork as SharedFakeUnitOfWork
from contracts.envelope import Event
from contracts.review import RecipientServicesChanged, RecipientStatusChanged

#: Settings of an archive that never starts its keeper here (no lifespan, fake repositories):
#: the master-keys folder is required but never read.
NO_KEYS_LOADED = {"sealing_master_keys_dir": "."}


@dataclass
class FakeArchive:
    """archive's tables, in memory: files by person, history, documents, access log."""

    files: dict[uuid.UUID, ArchiveFile] = field(default_factory=dict)
    history: dict[uuid.UUID, Event] = field(default_factory=dict)
    summaries: dict[uuid.UUID, str] = field(default_factory=dict)
    documents: list[dict[str, Any]] = field(default_factory=list)
    access_log: list[dict[str, Any]] = field(default_factory=list)
    locked_people: list[uuid.UUID] = field(default_factory=list)

    def file_by_id(self, file_id: uuid.UUID) -> ArchiveFile | None:
        """The file with this id, or None."""
        return next((file for file in self.files.values() if file.file_id == file_id), None)


class FakeUnitOfWork(SharedFakeUnitOfWork):
    """The shared fake unit of work with a FakeArchive standing where the session would."""

    def __init__(self, archive: FakeArchive) -> None:
        super().__init__(session=archive)
        self.archive = archive


class FakeNumbers:
    """Service-number sequences per county and year, counting from 1."""

    def __init__(self) -> None:
        self.issued: dict[tuple[str, int], int] = {}

    async def issue(self, session: Any, *, county_code: str, year: int, person: str) -> int:
        """The next sequence of the county and year."""
        key = (county_code, year)
        self.issued[key] = self.issued.get(key, 0) + 1
        return self.issued[key]


async def _lock_person(archive: FakeArchive, person_id: uuid.UUID) -> None:
    archive.locked_people.append(person_id)


async def _add_history(
    archive: FakeArchive, event: Event, *, person_id: uuid.UUID, topic: str, summary: str
) -> None:
    archive.history.setdefault(event.event_id, event)  # once per event id
    archive.summaries.setdefault(event.event_id, summary)


async def _file_of_person(
    archive: FakeArchive, person_id: uuid.UUID, *, lock: bool = True
) -> ArchiveFile | None:
    return archive.files.get(person_id)


async def _file_by_id(archive: FakeArchive, file_id: uuid.UUID) -> ArchiveFile | None:
    return archive.file_by_id(file_id)


async def _insert_file(archive: FakeArchive, values: dict[str, Any]) -> None:
    archive.files[values["person_id"]] = ArchiveFile(**values)


async def _update_file(archive: FakeArchive, file_id: uuid.UUID, values: dict[str, Any]) -> None:
    found = archive.file_by_id(file_id)
    assert found is not None, "update of a file that does not exist"
    archive.files[found.person_id] = replace(found, **values)


async def _status_changes_of(
    archive: FakeArchive, person_id: uuid.UUID, recipient_id: uuid.UUID
) -> list[RecipientStatusChanged]:
    return [
        e
        for e in archive.history.values()
        if isinstance(e, RecipientStatusChanged)
        and e.person_id == person_id
        and e.recipient_id == recipient_id
    ]


async def _services_changes_of(
    archive: FakeArchive, person_id: uuid.UUID, recipient_id: uuid.UUID
) -> list[RecipientServicesChanged]:
    return [
        e
        for e in archive.history.values()
        if isinstance(e, RecipientServicesChanged)
        and e.person_id == person_id
        and e.recipient_id == recipient_id
    ]


async def _add_document(archive: FakeArchive, document: DocumentInfo, content: bytes) -> None:
    archive.documents.append(asdict(document) | {"content": content})


async def _document(
    archive: FakeArchive, file_id: uuid.UUID, document_id: uuid.UUID
) -> DocumentContent | None:
    wanted = (file_id, document_id)
    for stored in archive.documents:
        if (stored["file_id"], stored["document_id"]) == wanted:
            fields = ("filename", "content_type", "sha256", "content")
            return DocumentContent(**{name: stored[name] for name in fields})
    return None


async def _log_access(archive: FakeArchive, values: dict[str, Any]) -> None:
    archive.access_log.append(dict(values))


def use_fake_repositories(monkeypatch: pytest.MonkeyPatch) -> None:
    """Points the repository functions the handlers call at the in-memory tables."""
    for name, fake in {
        "lock_person": _lock_person,
        "add_history": _add_history,
        "file_of_person": _file_of_person,
        "file_by_id": _file_by_id,
        "insert_file": _insert_file,
        "update_file": _update_file,
        "status_changes_of": _status_changes_of,
        "services_changes_of": _services_changes_of,
    }.items():
        monkeypatch.setattr(files_repo, name, fake)
    for name, fake in {
        "add_document": _add_document,
        "document": _document,
        "log_access": _log_access,
    }.items():
        monkeypatch.setattr(documents_repo, name, fake)
