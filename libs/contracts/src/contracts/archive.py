"""Events archive publishes on ``archive.files.v1``: one person, one file (step 7), and the
village publicity boards (step 10).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar, Literal, Self

from pydantic import Field, model_validator

from contracts import topics
from contracts.enums import RecipientStatus
from contracts.envelope import KeyedEvent, PersonEvent
from contracts.fields import (
    CountyCode,
    TownshipCode,
    Version,
    VillageCode,
    check_division_chain,
)
from contracts.kinds import DocumentKind


class FileEvent(PersonEvent):
    """Base of the events about a person's file."""

    TOPIC: ClassVar[str] = topics.ARCHIVE_FILES

    producer: Literal["archive"] = Field(default="archive", description="Always archive.")
    file_id: uuid.UUID = Field(description="The person's file (一人一档).")


class FileOpened(FileEvent):
    """A file was opened for a new recipient and given its service number (服务号)."""

    event_type: Literal["archive.FileOpened"] = Field(
        default="archive.FileOpened", description="Event name."
    )
    recipient_id: uuid.UUID = Field(description="The recipient.")
    service_number: str = Field(
        min_length=1, max_length=32, description="Service number; files are ordered by it."
    )
    county_code: CountyCode = Field(description="County-level division of the recipient.")
    township_code: TownshipCode = Field(description="Township/street of the recipient.")
    village_code: VillageCode = Field(description="Village/community of the recipient.")

    @model_validator(mode="after")
    def _divisions_nest(self) -> Self:
        check_division_chain(self.county_code, self.township_code, self.village_code)
        return self


class DocumentAttached(FileEvent):
    """A document was added to a person's file; its content stays in archive."""

    event_type: Literal["archive.DocumentAttached"] = Field(
        default="archive.DocumentAttached", description="Event name."
    )
    document_id: uuid.UUID = Field(description="The document.")
    kind: DocumentKind = Field(description="Kind of document.")
    content_type: str = Field(
        min_length=1, max_length=100, description="Media type, e.g. application/pdf."
    )
    size_bytes: int = Field(ge=0, description="Size of the content in bytes.")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the content, hex.")


class FileStatusRecorded(FileEvent):
    """A recipient's status change was entered in the file's history."""

    event_type: Literal["archive.FileStatusRecorded"] = Field(
        default="archive.FileStatusRecorded", description="Event name."
    )
    recipient_id: uuid.UUID = Field(description="The recipient.")
    status: RecipientStatus = Field(description="Status recorded.")
    status_version: Version = Field(description="The recipient's status version recorded.")
    effective_date: date = Field(description="Day the status applies from.")
    source_event_id: uuid.UUID = Field(description="event_id of the RecipientStatusChanged.")


class BoardRefreshed(KeyedEvent):
    """A village's long-term publicity board (长期公示) was regenerated."""

    TOPIC: ClassVar[str] = topics.ARCHIVE_FILES
    KEY_FIELD: ClassVar[str] = "village_code"

    event_type: Literal["archive.BoardRefreshed"] = Field(
        default="archive.BoardRefreshed", description="Event name."
    )
    producer: Literal["archive"] = Field(default="archive", description="Always archive.")
    village_code: VillageCode = Field(description="The village/community; also the Kafka key.")
    township_code: TownshipCode = Field(description="Township/street that publishes the board.")
    board_version: Version = Field(description="Version of this village's board.")
    entry_count: int = Field(ge=0, description="Recipients listed on the board.")
    cause_event_id: uuid.UUID | None = Field(
        default=None, description="event_id that triggered the refresh, if any."
    )

    @model_validator(mode="after")
    def _village_in_township(self) -> Self:
        if not self.village_code.startswith(self.township_code):
            raise ValueError("village_code is not in township_code")
        return self


EVENTS = (FileOpened, DocumentAttached, FileStatusRecorded, BoardRefreshed)
