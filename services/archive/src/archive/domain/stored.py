"""What archive keeps beside the file itself, as its repositories read it back.

Orders and service records (copied from dispatch's events), providers' names, the file's
history lines, its documents and its access log, and the board versions: frozen records,
so use cases and routes read fields, never rows.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from archive.domain.boards import provider_label


@dataclass(frozen=True)
class FileOrder:
    """A service order of the person, in the newest state dispatch announced."""

    order_id: uuid.UUID
    person_id: uuid.UUID
    recipient_id: uuid.UUID | None
    provider_id: uuid.UUID | None
    provider_code: str | None
    item_code: str | None
    service_category: str | None
    mode: str | None
    funding_source: str | None
    unit: str | None
    frequency_times: int | None
    frequency_per: str | None
    start_date: date | None
    end_date: date | None
    state: str
    state_since: date | None
    version: int


@dataclass(frozen=True)
class ServiceRecord:
    """A service record of the person, validated (delivered) or refused."""

    record_id: uuid.UUID
    person_id: uuid.UUID
    order_id: uuid.UUID
    provider_id: uuid.UUID
    provider_code: str
    outcome: str
    item_code: str | None
    service_category: str | None
    mode: str | None
    unit: str | None
    quantity: int | None
    service_date: date | None
    village_code: str | None
    reason_code: str | None


@dataclass(frozen=True)
class Provider:
    """A provider's newest name and type."""

    provider_id: uuid.UUID
    provider_code: str
    name_zh: str
    provider_type: str
    version: int

    @property
    def label(self) -> str:
        """How boards, ledgers and receipts name the provider."""
        return provider_label(self.name_zh, self.provider_type)


@dataclass(frozen=True)
class MonthCount:
    """Validated services of one person and item in a month: how many, and their quantity."""

    person_id: uuid.UUID
    item_code: str
    unit: str
    count: int
    qty: int | None


@dataclass(frozen=True)
class HistoryLine:
    """One event in a file's history; ``data`` (the event itself) only when asked for."""

    event_id: uuid.UUID
    topic: str
    event_type: str
    occurred_at: datetime
    summary: str
    data: dict[str, Any] | None = None


@dataclass(frozen=True)
class DocumentInfo:
    """A document of a file, without its content."""

    document_id: uuid.UUID
    file_id: uuid.UUID
    kind: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime


@dataclass(frozen=True)
class DocumentContent:
    """A document's bytes and what a download names them."""

    filename: str
    content_type: str
    sha256: str
    content: bytes


@dataclass(frozen=True)
class AccessLine:
    """One line of a file's access log."""

    at: datetime
    user_id: str
    roles: str
    action: str
    document_id: uuid.UUID | None
    trace_id: str | None


@dataclass(frozen=True)
class BoardVersion:
    """A published version of a village board, without its content."""

    version: int
    valid_from: datetime
    entry_count: int
    content_sha256: str


@dataclass(frozen=True)
class PublishedBoard:
    """A published board page as stored: its HTML and when it became valid."""

    html: str
    valid_from: datetime
