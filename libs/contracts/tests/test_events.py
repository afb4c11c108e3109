"""Every event: round trip, conventions that make it a good contract, and its documentation."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from contracts import topics
from contracts.envelope import Event, KeyedEvent, PersonEvent
from contracts.registry import EVENTS_BY_TOPIC, all_events
from contracts.review import RecipientApproved, RecipientStatusChanged
from contracts.samples import sample

pytestmark = pytest.mark.unit

EVENTS = all_events()
SERVICES = {"intake", "survey", "review", "dispatch", "settlement", "archive"}


def ids(cls: type[Event]) -> str:
    return cls.__name__


@pytest.mark.parametrize("full", [False, True], ids=["required", "full"])
@pytest.mark.parametrize("cls", EVENTS, ids=ids)
def test_event_round_trips_through_json(cls: type[Event], full: bool) -> None:
    event = sample(cls, full=full)
    assert cls.model_validate_json(event.model_dump_json()) == event


@pytest.mark.parametrize("cls", EVENTS, ids=ids)
def test_event_names_its_type_producer_and_topic(cls: type[Event]) -> None:
    event_type = cls.model_fields["event_type"].default
    producer = cls.model_fields["producer"]
    service, _, name = event_type.partition(".")
    assert name == cls.__name__
    if producer.is_required():  # every service writes the mirror and the audit of reads
        assert cls.TOPIC in (topics.BIGDATA_EVENTS, topics.AUDIT_READS)
    else:
        assert producer.default == service
    assert cls.TOPIC in topics.PLATFORM_TOPICS or cls.TOPIC in (
        topics.PROVIDER_ORDERS_FAMILY,
        topics.PROVIDER_REPLIES_FAMILY,
    )


@pytest.mark.parametrize("cls", EVENTS, ids=ids)
def test_event_has_a_one_line_docstring(cls: type[Event]) -> None:
    assert cls.__doc__
    assert "\n" not in cls.__doc__.strip()


def _properties(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = list(schema.get("properties", {}).items())
    for definition in schema.get("$defs", {}).values():
        found += [
            (f"{definition['title']}.{k}", v) for k, v in definition.get("properties", {}).items()
        ]
    return found


@pytest.mark.parametrize("cls", EVENTS, ids=ids)
def test_every_field_is_described_for_the_docs(cls: type[Event]) -> None:
    undocumented = [n for n, p in _properties(cls.model_json_schema()) if not p.get("description")]
    assert undocumented == []


@pytest.mark.parametrize("cls", EVENTS, ids=ids)
def test_money_is_integer_fen(cls: type[Event]) -> None:
    for name, prop in _properties(cls.model_json_schema()):
        if name.endswith("_fen"):
            assert "integer" in str(prop), name
        assert "number" not in str(prop.get("type")), f"{name}: no floats in contracts"


@pytest.mark.parametrize("cls", [c for c in EVENTS if issubclass(c, PersonEvent)], ids=ids)
def test_person_events_are_keyed_by_person(cls: type[Event]) -> None:
    person = uuid.uuid4()
    event = sample(cls, person_id=person)
    assert event.subject_key == str(person)
    with pytest.raises(ValueError, match="subject_key"):
        sample(cls, person_id=person, subject_key=str(uuid.uuid4()))


@pytest.mark.parametrize("cls", [c for c in EVENTS if issubclass(c, KeyedEvent)], ids=ids)
def test_keyed_events_fill_their_key(cls: type[KeyedEvent]) -> None:
    event = sample(cls)
    assert event.subject_key == str(getattr(event, cls.KEY_FIELD))


def test_event_types_are_unique() -> None:
    types = [cls.model_fields["event_type"].default for cls in EVENTS]
    assert len(types) == len(set(types))


def test_every_platform_topic_carries_events() -> None:
    assert set(topics.PLATFORM_TOPICS) <= set(EVENTS_BY_TOPIC)


def test_events_are_frozen() -> None:
    event = sample(RecipientStatusChanged)
    with pytest.raises(ValueError, match="frozen"):
        event.version = 9  # type: ignore[misc]


def test_unknown_fields_are_ignored_for_tolerant_readers() -> None:
    data = sample(RecipientStatusChanged).model_dump(mode="json") | {"added_later": 1}
    assert RecipientStatusChanged.model_validate(data).version == 2


def test_approval_carries_a_masked_name_only() -> None:
    with pytest.raises(ValueError, match="display_name"):
        sample(RecipientApproved, display_name="张三丰")
    assert sample(RecipientApproved, display_name="张*丰").display_name == "张*丰"


def test_status_change_needs_the_details_of_its_kind() -> None:
    with pytest.raises(ValueError, match="transfer"):
        sample(RecipientStatusChanged, status="transferred")
    with pytest.raises(ValueError, match="new_category"):
        sample(RecipientStatusChanged, status="category_changed")
    moved = sample(
        RecipientStatusChanged,
        status="transferred",
        new_county_code="341721",
        new_township_code="341721100",
        new_village_code="341721100201",
    )
    assert moved.new_village_code == "341721100201"
    with pytest.raises(ValueError, match="version"):
        sample(RecipientStatusChanged, version=1)


def test_division_codes_must_nest() -> None:
    with pytest.raises(ValueError, match="not in county"):
        sample(RecipientApproved, township_code="341721100", village_code="341721100201")


def test_the_version_in_force_is_the_latest_started_then_the_highest() -> None:
    from dataclasses import dataclass
    from datetime import date

    from contracts.settlement import version_in_force

    @dataclass(frozen=True)
    class Head:
        version: int
        effective_from: date

    versions = [Head(1, date(2026, 1, 1)), Head(2, date(2026, 7, 1)), Head(3, date(2026, 7, 1))]
    assert version_in_force(versions, date(2025, 12, 31)) is None
    assert version_in_force(versions, date(2026, 6, 30)) == versions[0]
    assert version_in_force(versions, date(2026, 7, 1)) == versions[2]
    assert version_in_force(reversed(versions), date(2027, 1, 1)) == versions[2]
