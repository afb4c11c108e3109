"""The big-data mirror carries ids and codes only."""

from __future__ import annotations

import pytest

from contracts import topics
from contracts.bigdata import EventMirrored, mirror_of
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


@pytest.mark.parametrize("cls", PLATFORM_EVENTS, ids=lambda c: c.__name__)
def test_every_platform_event_can_be_mirrored(cls: type[Event]) -> None:
    source = sample(cls, full=True)
    mirror = mirror_of(source)
    assert mirror.source_event_id == source.event_id
    assert mirror.subject_key == source.subject_key
    assert mirror.producer == source.producer
    assert EventMirrored.model_validate_json(mirror.model_dump_json()) == mirror


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
