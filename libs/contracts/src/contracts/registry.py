"""Which events travel on which topic, and how to read one from the wire."""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, Union

from pydantic import BeforeValidator, Field, TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError

from contracts import (
    archive,
    audit,
    bigdata,
    dispatch,
    inbound,
    intake,
    provider,
    review,
    settlement,
    supervision,
    survey,
    topics,
)
from contracts.envelope import Event

_ALL: tuple[type[Event], ...] = (
    *intake.EVENTS,
    *survey.EVENTS,
    *review.EVENTS,
    *inbound.EVENTS,
    *dispatch.EVENTS,
    *provider.EVENTS,
    *settlement.EVENTS,
    *supervision.EVENTS,
    *archive.EVENTS,
    *bigdata.EVENTS,
    *audit.EVENTS,
)


def _group_by_topic(classes: tuple[type[Event], ...]) -> dict[str, tuple[type[Event], ...]]:
    grouped: dict[str, list[type[Event]]] = {}
    for cls in classes:
        grouped.setdefault(cls.TOPIC, []).append(cls)
    return {topic: tuple(group) for topic, group in grouped.items()}


#: Topic (or per-provider topic family, see ``topics.family_of``) → the events on it.
EVENTS_BY_TOPIC: dict[str, tuple[type[Event], ...]] = _group_by_topic(_ALL)

_BY_TYPE: dict[str, type[Event]] = {cls.model_fields["event_type"].default: cls for cls in _ALL}


class ContractError(ValueError):
    """A message that does not match the contract of its topic; ``reason`` says why, briefly."""

    def __init__(self, reason: str, *, topic: str | None = None) -> None:
        super().__init__(f"{topic}: {reason}" if topic else reason)
        self.reason = reason
        self.topic = topic


def all_events() -> tuple[type[Event], ...]:
    """Every event class of the platform."""
    return _ALL


def event_class(event_type: str) -> type[Event]:
    """The class of a dotted event type, e.g. ``review.RecipientStatusChanged``."""
    try:
        return _BY_TYPE[event_type]
    except KeyError:
        raise ContractError(f"unknown event type {event_type!r}") from None


def events_on(topic: str) -> tuple[type[Event], ...]:
    """The events a concrete topic may carry (per-provider topics map to their family)."""
    try:
        return EVENTS_BY_TOPIC[topics.family_of(topic)]
    except KeyError:
        raise ContractError("unknown topic", topic=topic) from None


def _require_event_type(data: Any) -> Any:
    # Events default their event_type, so a lone class would accept a payload without one.
    if isinstance(data, dict) and "event_type" not in data:
        raise PydanticCustomError("missing_event_type", "payload has no event_type")
    return data


@cache
def _adapter(family: str) -> TypeAdapter[Any]:
    classes = EVENTS_BY_TOPIC[family]
    shape: Any
    if len(classes) == 1:
        shape = Annotated[classes[0], BeforeValidator(_require_event_type)]
    else:
        shape = Annotated[Union[classes], Field(discriminator="event_type")]  # noqa: UP007
    return TypeAdapter(shape)


def _reason(exc: ValidationError) -> str:
    # Inputs stay out of reasons: they end up in logs and DLQ headers and may be personal.
    errors = exc.errors(include_url=False, include_input=False)
    first = errors[0]
    kind, loc = first["type"], first["loc"]
    if kind == "json_invalid":
        return "payload is not valid JSON"
    if kind in ("model_type", "dict_type") and not loc:
        return "payload is not a JSON object"
    if kind in ("union_tag_not_found", "missing_event_type"):
        return "payload has no event_type"
    if kind == "union_tag_invalid":
        return f"unknown event type {first.get('ctx', {}).get('tag')!r}"
    if kind == "literal_error" and loc == ("event_type",):
        return f"unknown event type {exc.errors()[0]['input']!r}"
    if loc and str(loc[0]) in _BY_TYPE:  # the discriminated union puts the tag first
        loc = loc[1:]
    where = ".".join(str(part) for part in loc) or "root"
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"invalid payload at {where}: {first['msg']}{more}"


def parse(topic: str, data: bytes | str) -> Event:
    """Reads one message of ``topic``; raises ContractError for unknown types or bad payloads."""
    events_on(topic)
    adapter = _adapter(topics.family_of(topic))
    try:
        event: Event = adapter.validate_json(data)
    except ValidationError as exc:
        raise ContractError(_reason(exc), topic=topic) from None
    return event
