"""The envelope every event on the platform carries.

Trace context is not part of the envelope: it travels in the Kafka headers as W3C
``traceparent``/``tracestate``, so that any Kafka client can follow a trace without
parsing the payload.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator


def _now() -> datetime:
    return datetime.now(UTC)


class Event(BaseModel):
    """Base of every event: a frozen, tolerant-to-extra-fields pydantic model.

    Subclasses pin ``event_type`` with a ``Literal`` and set ``TOPIC`` to the topic
    they are published on. ``subject_key`` is the Kafka key: the ``person_id`` for
    events about a person (so one person's story stays in order on every topic), or
    the id of the subject otherwise (a provider, a statement).
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    TOPIC: ClassVar[str] = ""

    event_id: uuid.UUID = Field(
        default_factory=uuid.uuid4, description="Unique id; consumers deduplicate on it."
    )
    event_type: str = Field(description="Dotted event name, e.g. intake.ApplicationSubmitted.")
    schema_version: int = Field(
        default=1, ge=1, description="Major version of this event's schema."
    )
    occurred_at: AwareDatetime = Field(default_factory=_now, description="When it happened (UTC).")
    producer: str = Field(description="The service that produced the event.")
    subject_key: str = Field(description="Kafka key: the person id, or the subject's own id.")
    correlation_id: str | None = Field(
        default=None, description="Id of the request or event that caused this one, for support."
    )

    def to_json_bytes(self) -> bytes:
        """Serialises the event for the wire."""
        return self.model_dump_json().encode()

    @classmethod
    def example_fields(cls) -> dict[str, Any]:
        """Envelope fields that a producer must supply (used by tests and tools)."""
        return {"producer": "example", "subject_key": str(uuid.uuid4())}


def _key_text(value: Any) -> str:
    if isinstance(value, str):
        try:
            return str(uuid.UUID(value))
        except ValueError:
            return value
    return str(value)


class KeyedEvent(Event):
    """An event whose Kafka key is one of its own fields (``KEY_FIELD``), filled in when omitted."""

    KEY_FIELD: ClassVar[str] = ""

    subject_key: str = Field(
        default="", description="Kafka key: the value of the subject field, filled in when omitted."
    )

    @model_validator(mode="before")
    @classmethod
    def _fill_subject_key(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("subject_key") and data.get(cls.KEY_FIELD):
            return {**data, "subject_key": _key_text(data[cls.KEY_FIELD])}
        return data

    @model_validator(mode="after")
    def _check_subject_key(self) -> Self:
        expected = str(getattr(self, self.KEY_FIELD))
        if self.subject_key != expected:
            raise ValueError(f"subject_key must equal {self.KEY_FIELD} ({expected})")
        return self


class PersonEvent(KeyedEvent):
    """An event about a person: keyed by ``person_id`` so one person's story stays in order."""

    KEY_FIELD: ClassVar[str] = "person_id"

    person_id: uuid.UUID = Field(
        description="Stable id of the person (intake assigns it; never the ID number)."
    )
