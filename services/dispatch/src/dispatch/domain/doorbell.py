"""The love doorbell (爱心门铃): who is alerted, and when an unanswered alert goes up a level."""

from __future__ import annotations

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
