"""The love doorbell (爱心门铃): who is alerted, and when an unanswered alert goes up a level."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from contracts.kinds import AlertChannel


@dataclass(frozen=True)
class Contact:
    """Someone to alert, and how."""

    user_id: str
    channel: AlertChannel


def alert_targets(helpers: Iterable[Contact], coordinator: Contact | None) -> list[Contact]:
    """The household's neighbour helpers, then the village coordinator, each once."""
    seen: dict[str, Contact] = {}
    for contact in [*helpers, *([coordinator] if coordinator else [])]:
        seen.setdefault(contact.user_id, contact)
    return list(seen.values())


def answer_deadline(received_at: datetime, within_s: float) -> datetime:
    """When an alert nobody answered is escalated to the township's duty list."""
    return received_at + timedelta(seconds=within_s)


def seconds_between(start: datetime, end: datetime) -> int:
    """Whole seconds from ``start`` to ``end`` (never negative: device clocks drift)."""
    return max(0, int((end - start).total_seconds()))


@dataclass(frozen=True)
class Doorbell:
    """A doorbell registered in a recipient's home, and whom it alerts."""

    device_id: str
    recipient_id: uuid.UUID
    person_id: uuid.UUID
    village_code: str
    helper_ids: list[uuid.UUID]
    coordinator_user_id: str
    coordinator_channel: AlertChannel
    registered_by: str
    active: bool
    created_at: datetime

    @property
    def coordinator(self) -> Contact:
        """The village coordinator, alerted by every press."""
        return Contact(self.coordinator_user_id, self.coordinator_channel)


@dataclass(frozen=True)
class Alert:
    """The alert one press raised: when it must be answered, and whether it was."""

    alert_id: uuid.UUID
    press_id: str
    device_id: str
    person_id: uuid.UUID
    village_code: str
    pressed_at: datetime
    received_at: datetime
    answer_by: datetime
    acknowledged_at: datetime | None
    escalated_at: datetime | None
    escalation_level: int


@dataclass(frozen=True)
class AlertNotice:
    """Someone an alert was sent to, how, and why (``alert`` or ``escalation``)."""

    user_id: str
    channel: AlertChannel
    purpose: str


@dataclass(frozen=True)
class AlertAnswer:
    """Someone who answered an alert, and how many seconds after the press."""

    user_id: str
    acknowledged_at: datetime
    seconds_to_acknowledge: int


class AlertState(enum.StrEnum):
    """Whether anyone has answered an alert yet."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"


@dataclass(frozen=True)
class ListedAlert:
    """An alert as a township's list shows it: the alert and the masked name of its household."""

    alert: Alert
    display_name: str | None  # the recipient's masked name (None if the doorbell is gone)
