"""archive's routes read what its repositories return: history lines, orders and records."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from archive.api import file_sections
from archive.domain.stored import FileOrder, HistoryLine, Provider, ServiceRecord
from contracts.enums import ProviderType, RecipientStatus
from contracts.review import RecipientStatusChanged
from contracts.samples import sample

pytestmark = pytest.mark.unit

AT = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def line_of(event: RecipientStatusChanged) -> HistoryLine:
    """The history line archive keeps for an event."""
    data = event.model_dump(mode="json")
    return HistoryLine(event.event_id, event.TOPIC, event.event_type, AT, "状态变更", data)


def record(outcome: str, day: date | None) -> ServiceRecord:
    """A service record of one person at one provider."""
    person, order, provider = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    return ServiceRecord(
        uuid.uuid4(),
        person,
        order,
        provider,
        "p001",
        outcome,
        "LC-03",
        None,
        None,
        None,
        1,
        day,
        None,
        None,
    )


def test_archive_status_entries_are_the_recipients_changes_in_version_order() -> None:
    recipient = uuid.uuid4()
    later = sample(
        RecipientStatusChanged, recipient_id=recipient, version=3, status=RecipientStatus.STOPPED
    )
    earlier = sample(RecipientStatusChanged, recipient_id=recipient, version=2)
    someone_else = sample(RecipientStatusChanged, version=4)
    history = [line_of(later), line_of(someone_else), line_of(earlier)]
    entries = file_sections.status_entries(history, recipient)
    assert [(entry.version, entry.status) for entry in entries] == [
        (2, earlier.status.value),
        (3, "stopped"),
    ]


def test_archive_service_totals_count_delivered_and_refused_records() -> None:
    records = [
        record("delivered", date(2026, 10, 3)),
        record("refused", None),
        record("delivered", date(2026, 10, 9)),
    ]
    totals = file_sections.service_totals(records)
    assert (totals.delivered, totals.refused) == (2, 1)
    assert totals.last_service_date == date(2026, 10, 9)


def test_archive_an_order_is_named_by_its_provider_and_item() -> None:
    provider = Provider(uuid.uuid4(), "p001", "幸福家政", ProviderType.CHARITY.value, 1)
    order = FileOrder(
        uuid.uuid4(),
        uuid.uuid4(),
        None,
        provider.provider_id,
        "p001",
        "LC-03",
        None,
        None,
        None,
        None,
        3,
        "week",
        date(2026, 10, 1),
        None,
        "accepted",
        date(2026, 10, 2),
        2,
    )
    (view,) = file_sections.order_views(
        [order], {"LC-03": "助餐"}, {provider.provider_id: provider}
    )
    assert (view.item_zh, view.provider_zh, view.state_zh) == ("助餐", "幸福家政", "服务中")
    assert view.frequency_zh == "每周3次"
