"""Reading topics from the wire with the registry."""

from __future__ import annotations

import json

import pytest

from contracts import topics
from contracts.envelope import Event
from contracts.intake import ApplicationSubmitted
from contracts.provider import ServiceRecordReported
from contracts.registry import ContractError, all_events, event_class, events_on, parse
from contracts.samples import sample

pytestmark = pytest.mark.unit


def concrete_topic(cls: type[Event]) -> str:
    if cls.TOPIC == topics.PROVIDER_ORDERS_FAMILY:
        return topics.provider_orders("demo-care")
    if cls.TOPIC == topics.PROVIDER_REPLIES_FAMILY:
        return topics.provider_replies("demo-care")
    return cls.TOPIC


@pytest.mark.parametrize("cls", all_events(), ids=lambda c: c.__name__)
def test_registry_parses_every_event_from_its_topic(cls: type[Event]) -> None:
    event = sample(cls, full=True)
    parsed = parse(concrete_topic(cls), event.to_json_bytes())
    assert type(parsed) is cls
    assert parsed == event


@pytest.mark.parametrize("cls", all_events(), ids=lambda c: c.__name__)
def test_event_class_finds_every_type(cls: type[Event]) -> None:
    assert event_class(cls.model_fields["event_type"].default) is cls


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"\x00\xff not json", "not valid JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b'"text"', "not a JSON object"),
        (b"{}", "no event_type"),
        (b'{"event_type": "intake.Nonsense"}', "unknown event type 'intake.Nonsense'"),
        (b'{"event_type": "review.RecipientApproved"}', "unknown event type"),
        (b'{"event_type": "intake.ApplicationSubmitted"}', "invalid payload at"),
    ],
)
def test_registry_rejects_garbage_with_a_short_reason(payload: bytes, reason: str) -> None:
    with pytest.raises(ContractError, match=reason) as caught:
        parse(topics.INTAKE_APPLICATIONS, payload)
    assert caught.value.topic == topics.INTAKE_APPLICATIONS
    assert len(caught.value.reason) < 120


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"{}", "no event_type"),
        (b'{"event_type": "x.Y"}', "unknown event type 'x.Y'"),
        (b"[]", "not a JSON object"),
    ],
)
def test_single_event_topics_reject_garbage_too(payload: bytes, reason: str) -> None:
    with pytest.raises(ContractError, match=reason):
        parse(topics.ASSISTANCE_STATUS_INBOUND, payload)


def test_an_event_on_the_wrong_topic_is_rejected() -> None:
    event = sample(ApplicationSubmitted)
    with pytest.raises(ContractError, match="unknown event type"):
        parse(topics.REVIEW_DECISIONS, event.to_json_bytes())


def test_unknown_topics_and_types_are_contract_errors() -> None:
    with pytest.raises(ContractError, match="unknown topic"):
        parse("nobody.nothing.v1", b"{}")
    with pytest.raises(ContractError, match="unknown topic"):
        events_on(topics.dlq(topics.INTAKE_APPLICATIONS))
    with pytest.raises(ContractError, match="unknown event type"):
        event_class("intake.Nonsense")


def test_reasons_never_echo_payload_values() -> None:
    event = sample(ApplicationSubmitted).model_dump(mode="json")
    event["village_code"] = "341702199003070014"  # an ID number typed in the wrong box
    with pytest.raises(ContractError) as caught:
        parse(topics.INTAKE_APPLICATIONS, json.dumps(event).encode())
    assert "341702199003070014" not in str(caught.value)


def test_provider_topics_map_to_their_family() -> None:
    assert topics.family_of("provider.acme.replies.v1") == topics.PROVIDER_REPLIES_FAMILY
    assert topics.family_of("dispatch.provider.acme.v1") == topics.PROVIDER_ORDERS_FAMILY
    assert topics.family_of(topics.DISPATCH_ORDERS) == topics.DISPATCH_ORDERS
    assert ServiceRecordReported in events_on("provider.acme.replies.v1")
