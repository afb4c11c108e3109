"""The big-data mirror carries codes and keyed pseudonyms of ids only, never an id in clear."""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from typing import Any

import pytest

from contracts import topics
from contracts.bigdata import (
    EventMirrored,
    Pseudonymiser,
    as_pseudonym,
    canonical_id,
    mirror_event_id,
)
from contracts.bigdata import mirror_of as mirror_under
from contracts.envelope import Event
from contracts.inbound import AssistanceStatusReported
from contracts.intake import ApplicationRegistered
from contracts.registry import all_events
from contracts.review import RecipientApproved, RecipientStatusChanged
from contracts.samples import sample

pytestmark = pytest.mark.unit

PLATFORM_EVENTS = [
    c for c in all_events() if c.model_fields["producer"].default not in ("assistance", "provider")
]
PLATFORM_EVENTS = [c for c in PLATFORM_EVENTS if c is not EventMirrored]
UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def keyed(key: bytes) -> Pseudonymiser:
    """A keyed pseudonymiser made as civic's is (HMAC-SHA256); the contract holds no key."""
    return lambda text: as_pseudonym(hmac.new(key, text.encode(), hashlib.sha256).digest())


PSEUDONYM = keyed(b"platform-key-for-contract-tests!")


def mirror_of(event: Event, **options: Any) -> EventMirrored:
    return mirror_under(event, pseudonym=PSEUDONYM, **options)


def ids_in(event: Event) -> set[str]:
    """Every UUID an event's JSON carries (its ids, its key, its event_id)."""
    return set(UUID_TEXT.findall(event.model_dump_json()))


@pytest.mark.parametrize("cls", PLATFORM_EVENTS, ids=lambda c: c.__name__)
def test_every_platform_event_can_be_mirrored(cls: type[Event]) -> None:
    source = sample(cls, full=True)
    mirror = mirror_of(source)
    assert mirror.source_event_id == PSEUDONYM(str(source.event_id))
    assert mirror.subject_key == str(PSEUDONYM(canonical_id(source.subject_key)))
    assert mirror.producer == source.producer
    assert EventMirrored.model_validate_json(mirror.model_dump_json()) == mirror
    assert not ids_in(source) & ids_in(mirror), "an id of the source is on the mirror in clear"


def test_mirror_has_no_names_or_health_details() -> None:
    source = sample(RecipientApproved, full=True, display_name="张*三")
    text = mirror_of(source).model_dump_json()
    assert "张" not in text
    for field in ("display_name", "special_conditions", "self_care_level", "approved_by"):
        assert field not in text
    assert mirror_of(source).item_codes == ("LC-01",)
    assert mirror_of(source).category == "dibao"


def test_mirror_keeps_the_status_change_codes() -> None:
    change = sample(RecipientStatusChanged, status="stopped", reason_code="deceased")
    mirror = mirror_of(change)
    assert (mirror.status, mirror.previous_status, mirror.reason_code) == (
        "stopped",
        "active",
        "deceased",
    )
    assert mirror.version == 2
    assert mirror.source_topic == topics.REVIEW_RECIPIENT_STATUS


def test_mirror_schema_has_no_free_text_fields() -> None:
    schema = EventMirrored.model_json_schema()
    text_fields = [
        name
        for name, prop in schema["properties"].items()
        if "string" in str(prop)
        and not any(k in str(prop) for k in ("pattern", "format", "const"))
        and "enum" not in prop
    ]
    assert sorted(text_fields) == ["correlation_id", "subject_key"]


def test_inbound_events_are_not_mirrored_by_default() -> None:
    with pytest.raises(ValueError, match="assistance"):
        mirror_of(sample(AssistanceStatusReported))


def test_a_mirror_key_that_looks_like_an_id_number_is_refused() -> None:
    with pytest.raises(ValueError, match="ID or phone"):
        sample(EventMirrored, subject_key="341702199003070014")


def test_registration_mirror_drops_the_masked_name() -> None:
    mirror = mirror_of(sample(ApplicationRegistered))
    assert "display_name" not in mirror.model_dump()


def test_every_id_on_the_mirror_is_a_pseudonym_of_the_source_id() -> None:
    source = sample(RecipientApproved, full=True, correlation_id=str(uuid.uuid4()))
    mirror = mirror_of(source, mirrored_by="review")
    assert mirror.person_id == PSEUDONYM(str(source.person_id)) != source.person_id
    assert mirror.recipient_id == PSEUDONYM(str(source.recipient_id))
    assert mirror.correlation_id == str(PSEUDONYM(str(source.correlation_id)))
    shown = ids_in(mirror) - {str(mirror.event_id)}
    assert shown and all(uuid.UUID(text).version == 8 for text in shown)


def test_one_person_has_one_pseudonym_on_every_step() -> None:
    person = uuid.uuid4()
    steps = [
        sample(ApplicationRegistered, person_id=person, subject_key=str(person)),
        sample(RecipientApproved, person_id=person, subject_key=str(person)),
        sample(RecipientStatusChanged, person_id=person, subject_key=str(person)),
    ]
    mirrors = [mirror_of(step) for step in steps]
    assert len({m.person_id for m in mirrors}) == 1 and mirrors[0].person_id != person
    assert {m.subject_key for m in mirrors} == {str(mirrors[0].person_id)}  # one partition


def test_two_platforms_keys_give_unrelated_pseudonyms() -> None:
    source = sample(RecipientApproved, full=True)
    ours = mirror_of(source)
    theirs = mirror_under(source, pseudonym=keyed(b"another-platform-key-0123456789!"))
    assert ours.person_id != theirs.person_id and ours.subject_key != theirs.subject_key
    assert ours.source_event_id != theirs.source_event_id


def test_a_step_links_to_its_cause_through_pseudonyms_only() -> None:
    cause = sample(RecipientApproved, full=True)
    effect = sample(RecipientStatusChanged, correlation_id=str(cause.event_id))
    assert mirror_of(effect).correlation_id == str(mirror_of(cause).source_event_id)


def test_the_mirror_id_cannot_be_computed_from_the_source_id() -> None:
    source = sample(RecipientApproved, full=True)
    mirror = mirror_of(source, mirrored_by="archive")
    assert mirror.event_id == mirror_event_id(mirror.source_event_id, "archive")
    assert mirror.event_id != mirror_event_id(source.event_id, "archive")
    assert mirror_of(source, mirrored_by="archive").event_id == mirror.event_id  # stable


def test_a_pseudonymiser_that_hands_back_the_real_id_is_refused() -> None:
    with pytest.raises(ValueError, match="version-8"):
        mirror_under(sample(RecipientApproved, full=True), pseudonym=uuid.UUID)


def test_pseudonyms_are_version_8_uuids_of_the_canonical_id() -> None:
    made = as_pseudonym(bytes(range(32)))
    assert (made.version, made.variant) == (8, uuid.RFC_4122)
    person = uuid.uuid4()
    assert canonical_id(person.hex.upper()) == canonical_id(str(person)) == str(person)
    assert canonical_id("341702") == "341702"  # a key that is no UUID stays as it is
    with pytest.raises(ValueError, match="16 bytes"):
        as_pseudonym(b"short")
