"""The table of least privilege matches what each service really does on the bus, and the
page in docs/ is that table (``civic-bus grants > docs/...`` keeps it so)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from civic.bus.grants import (
    CITY_SYSTEM,
    OPERATIONS,
    REDRIVE_GROUP,
    SERVICES,
    Grant,
    Kind,
    Op,
    markdown_table,
    platform_grants,
    provider_grants,
    retired_grants,
    service_grants,
)
from contracts import topics

pytestmark = pytest.mark.unit
DOC = Path(__file__).resolve().parents[1] / "docs" / "kafka-security.md"


def consumed_and_produced(service: str) -> tuple[set[str], set[str], set[str]]:
    """The topics the service's consumers read, their groups, and what it declares it writes."""
    bootstrap = importlib.import_module(f"{service}.bootstrap")
    consumers = importlib.import_module(f"{service}.consumers")
    built = consumers.build_consumers(**_consumer_args(service))
    reads = {c.topic for c in built if "*" not in c.topic}
    groups = {c.group for c in built}
    return reads, groups, set(bootstrap.PRODUCES) - {topics.PROVIDER_ORDERS_FAMILY}


def _consumer_args(service: str) -> dict[str, object]:
    if service == "survey":
        return {"due_days": 7}
    if service == "intake":  # the admission check does not change what is subscribed
        return {"admit_city_report": lambda delivery: None, "open_id_number": lambda report: ""}
    if service == "dispatch":
        from civic.asyncapi import DOCS_ENV
        from dispatch.bootstrap import timing_of
        from dispatch.settings import Settings

        return {"timing": timing_of(Settings.model_validate(DOCS_ENV))}
    if service == "archive":
        from archive.bootstrap import build_context
        from archive.settings import Settings as ArchiveSettings
        from civic.asyncapi import DOCS_ENV

        return {"ctx": build_context(ArchiveSettings.model_validate(DOCS_ENV))}
    return {}


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_each_service_may_do_exactly_what_its_code_does(service: str) -> None:
    reads, groups, writes = consumed_and_produced(service)
    assert set(SERVICES[service].reads) == reads
    assert set(SERVICES[service].writes) == writes
    assert groups == {service}
    granted = service_grants(service)
    may_read = {g.name for g in granted if g.operation is Op.READ and g.kind is Kind.TOPIC}
    may_write = {g.name for g in granted if g.operation is Op.WRITE and g.kind is Kind.TOPIC}
    assert reads <= may_read and writes <= may_write
    assert {topics.dlq(t) for t in reads} <= may_write  # its consumers' dead letters
    assert not any(g.operation in (Op.DELETE, Op.ALTER, Op.CREATE) for g in granted)


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_each_service_may_see_how_far_its_dead_letters_were_redriven(service: str) -> None:
    granted = service_grants(service)
    groups = {(g.operation, g.name) for g in granted if g.kind is Kind.GROUP}
    # DESCRIBE reads the group's committed offsets (civic_dlq_depth); READ would move them.
    assert (Op.DESCRIBE, REDRIVE_GROUP) in groups
    assert (Op.READ, REDRIVE_GROUP) not in groups


def test_operations_reads_and_writes_back_each_original_topic_of_a_dlq() -> None:
    rows = set(platform_grants() + provider_grants("p"))
    originals = [*topics.PLATFORM_TOPICS, topics.provider_replies("p")]
    for original in originals:
        for op in (Op.READ, Op.WRITE):
            assert Grant(OPERATIONS, Kind.TOPIC, original, op) in rows
        assert Grant(OPERATIONS, Kind.TOPIC, topics.dlq(original), Op.READ) in rows
    assert REDRIVE_GROUP.startswith("civic-dlq")  # inside operations' group prefix


def test_a_provider_may_read_its_orders_and_write_its_replies_and_nothing_else() -> None:
    own = [g for g in provider_grants("p1") if g.principal == "provider-p1"]
    assert {(g.operation, g.kind, g.name, g.prefixed) for g in own} == {
        (Op.READ, Kind.TOPIC, "dispatch.provider.p1.v1", False),
        (Op.READ, Kind.GROUP, "provider.p1.", True),
        (Op.WRITE, Kind.TOPIC, "provider.p1.replies.v1", False),
    }


def test_nobody_may_use_the_retired_city_topic_and_provisioning_revokes_its_rows() -> None:
    # assistance.status.v1 carried the resident ID number in clear (issue 16).
    old = topics.RETIRED_ASSISTANCE_STATUS_V1
    rows = platform_grants() + provider_grants("p")
    assert [g for g in rows if g.name in (old, topics.dlq(old))] == []
    revoked = set(retired_grants())
    assert Grant(CITY_SYSTEM, Kind.TOPIC, old, Op.WRITE) in revoked
    assert Grant("intake", Kind.TOPIC, old, Op.READ) in revoked
    assert {g.name for g in revoked} == {old, topics.dlq(old)}
    city = {(g.operation, g.name) for g in rows if g.principal == CITY_SYSTEM}
    assert city == {(Op.WRITE, topics.ASSISTANCE_STATUS_INBOUND)}
    assert old != topics.ASSISTANCE_STATUS_INBOUND and old not in topics.PLATFORM_TOPICS


def test_the_page_in_docs_is_the_table_in_the_code() -> None:
    assert markdown_table() in DOC.read_text(), "run: civic-bus grants, and paste into the doc"
