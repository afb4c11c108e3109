"""Refusals of survey's rules: each carries what a problem document needs, and no HTTP.

``create_service_app(refusals=REFUSALS)`` answers them: ``kind`` picks the status
(invalid 422, conflict 409, forbidden 403), ``code`` and ``message_zh`` go to the caller.
"""

from __future__ import annotations

from typing import ClassVar


class Refusal(Exception):
    """A rule refused a command; ``code`` and the Chinese message go to the caller."""

    kind: ClassVar[str] = "invalid"

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.field = code, message, field

    @property
    def message_zh(self) -> str:
        """The Chinese message (the name civic's problem mapping reads)."""
        return self.message


class Invalid(Refusal):
    """The command itself is wrong (422)."""


class Conflicting(Refusal):
    """The command does not fit the task's current state (409)."""

    kind = "conflict"


class NotAllowed(Refusal):
    """The caller may not do this (403)."""

    kind = "forbidden"


#: The refusals the app answers as problem documents (subclasses are caught with their base).
REFUSALS: tuple[type[Exception], ...] = (Refusal,)
