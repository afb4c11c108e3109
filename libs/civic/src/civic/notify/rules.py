"""The pure rules of sending a message: quiet hours in Chizhou time, retry and backoff,
what a gateway's answer means, and how an address is masked."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from contracts.calendar import CHIZHOU
from contracts.privacy import find_id_numbers, find_phones


class ChannelKind(enum.StrEnum):
    """How a county reaches people's phones."""

    SMS = "sms"
    WECHAT = "wechat"


class Purpose(enum.StrEnum):
    """Why a message is sent (each county maps a purpose to one of its templates)."""

    DOORBELL_ALERT = "doorbell_alert"
    ALERT_ESCALATION = "alert_escalation"
    ORDER_ESCALATION = "order_escalation"
    UNACKNOWLEDGED_CHANGE = "unacknowledged_change"
    DECISION = "decision"


#: Sent whatever the hour: someone pressed a doorbell for help.
URGENT = frozenset({Purpose.DOORBELL_ALERT, Purpose.ALERT_ESCALATION})


class MessageState(enum.StrEnum):
    """Where a message is: waiting, handed to the gateway, closed by a receipt, or failed."""

    PENDING = "pending"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERABLE = "undeliverable"
    FAILED = "failed"


class Verdict(enum.StrEnum):
    """What one attempt's outcome means for the message."""

    SENT = "sent"
    RETRY = "retry"
    FAIL = "fail"


@dataclass(frozen=True)
class QuietHours:
    """A daily window (Chizhou time) in which only urgent messages are sent; it may span
    midnight (22:00-07:00). Equal ends mean no quiet hours."""

    start: time
    end: time

    def holds(self, instant: datetime) -> bool:
        """True if ``instant`` falls inside the window."""
        local = instant.astimezone(CHIZHOU).time().replace(tzinfo=None)
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def ends_after(self, instant: datetime) -> datetime:
        """The first instant at or after ``instant`` outside the window."""
        if not self.holds(instant):
            return instant
        local = instant.astimezone(CHIZHOU)
        end = datetime.combine(local.date(), self.end, tzinfo=CHIZHOU)
        if end <= local:  # the evening part of a window across midnight: it ends tomorrow
            end += timedelta(days=1)
        return end


def send_at(now: datetime, purpose: str, quiet: QuietHours | None) -> datetime:
    """When a message of ``purpose`` may go, given the recipient's quiet hours."""
    if quiet is None or purpose in URGENT:
        return now
    return quiet.ends_after(now)


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded attempts with exponential backoff (base, doubled each time, capped)."""

    max_attempts: int = 5
    base_s: float = 30.0
    cap_s: float = 3600.0

    def backoff(self, attempts: int) -> timedelta:
        """The wait after the ``attempts``-th failed attempt (1-based)."""
        return timedelta(seconds=min(self.cap_s, self.base_s * 2 ** max(0, attempts - 1)))

    def after_failure(self, attempts: int, now: datetime) -> datetime | None:
        """When to try again after ``attempts`` attempts, or None if that was the last."""
        if attempts >= self.max_attempts:
            return None
        return now + self.backoff(attempts)


def verdict_of_status(status_code: int) -> Verdict:
    """2xx sent; 5xx and 429 may pass later; any other answer will never pass."""
    if 200 <= status_code < 300:
        return Verdict.SENT
    if status_code >= 500 or status_code in (408, 429):
        return Verdict.RETRY
    return Verdict.FAIL


def mask_address(address: str) -> str:
    """A phone or openid as logs and staff lists may show it."""
    if len(address) == 11 and address.isdigit():
        return f"{address[:3]}****{address[-4:]}"
    return f"{address[:4]}***" if len(address) > 4 else "***"


def check_params(params: Mapping[str, str]) -> None:
    """Refuses params that carry an ID number or a phone: a message needs neither."""
    for key, value in params.items():
        if len(value) > 40:
            raise ValueError(f"message param {key} is too long for a template")
        if find_id_numbers(value) or find_phones(value):
            raise ValueError(f"message param {key} carries personal data")
