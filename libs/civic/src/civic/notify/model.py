"""What the message tables hold, as the rest of the code sees it (addresses opened)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from civic.notify.rules import ChannelKind, QuietHours, check_params, mask_address


@dataclass(frozen=True)
class Preference:
    """How one person (a login or a contact) wants to be reached, and when not."""

    user_id: str
    division_code: str
    kind: ChannelKind
    address: str = field(repr=False)
    quiet: QuietHours | None = None

    @property
    def masked(self) -> str:
        """The address as logs and lists show it."""
        return mask_address(self.address)


@dataclass(frozen=True)
class Outgoing:
    """A message to enqueue: to whom, why, where, and the template's few params.

    ``dedupe_key`` names the cause (say ``alert:<id>:<user>``), so enqueuing twice for the
    same cause (a redelivered event, a retried request) sends one message."""

    dedupe_key: str
    user_id: str
    county_code: str
    township_code: str
    purpose: str
    params: Mapping[str, str]

    def __post_init__(self) -> None:
        check_params(self.params)


@dataclass(frozen=True)
class Message:
    """A message as stored: its state, attempts and receipt."""

    message_id: uuid.UUID
    user_id: str
    county_code: str
    township_code: str
    purpose: str
    params: Mapping[str, str]
    state: str
    kind: str | None
    attempts: int
    due_at: datetime
    last_error: str | None
    gateway_ref: str | None
    sent_at: datetime | None
    failed_at: datetime | None
    receipt_at: datetime | None
    created_at: datetime
