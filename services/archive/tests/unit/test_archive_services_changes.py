"""A change of a recipient's services in the file, on in-memory fakes: the history names the
items, the file's items follow from the effective day, repeats and overtaking are folded."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from archive.api.views import file_summary
from archive.context import ArchiveContext
from archive.domain.items import ItemsChange, fold_items, initial_items
from archive.handlers import events as event_handlers
from archive.handlers.services_changes import record_services_change
from archive.repository import services as services_repo
from contracts.review import RecipientApproved, RecipientServicesChanged
from contracts.samples import sample
from contracts.values import ApprovedItem

from .fakes import FakeArchive, FakeUnitOfWork
from .test_archive_handlers import approval, archive, ctx  # noqa: F401 - fixtures

pytestmark = pytest.mark.unit

NAMES = {"LC-01": "居家照料", "CL-01": "清洁卫生"}


@pytest.fixture(autouse=True)
def catalogue_names(monkeypatch: pytest.MonkeyPatch) -> None:
    async def item_names(session: Any, *county_codes: str) -> dict[str, str]:
        return dict(NAMES)

    monkeypatch.setattr(services_repo, "item_names", item_names)


def _item(code: str) -> ApprovedItem:
    return sample(ApprovedItem).model_copy(update={"item_code": code})


def change(
    approved: RecipientApproved, version: int = 2, effective: date = date(2026, 6, 1), **kw: Any
) -> RecipientServicesChanged:
    values: dict[str, Any] = {
        "person_id": approved.person_id,
        "recipient_id": approved.recipient_id,
        "services_version": version,
        "effective_date": effective,
        "approved_items": (_item("CL-01"),),
        "added_item_codes": ("CL-01",),
        "removed_item_codes": ("LC-01",),
        "changed_item_codes": (),
        "reason_code": "needs_changed",
        "reason_zh": "行动不便，改为上门清洁",
        "decided_by": "officer-1",
    }
    return sample(RecipientServicesChanged, **(values | kw))


async def test_archive_a_change_of_services_is_a_named_step_and_the_items_follow(
    archive: FakeArchive,  # noqa: F811 - fixture
    ctx: ArchiveContext,  # noqa: F811 - fixture
) -> None:
    approved = approval()
    await event_handlers.open_file(approved, uow=FakeUnitOfWork(archive), ctx=ctx)
    event = change(approved)
    uow = FakeUnitOfWork(archive)
    await record_services_change(event, uow=uow, ctx=ctx)
    assert uow.committed
    assert archive.summaries[event.event_id] == (
        "服务内容调整（第 2 版，自 2026-06-01 起）：增加 清洁卫生（CL-01）；取消 居家照料（LC-01）；"
        "原因：服务需求变化：行动不便，改为上门清洁；提出：村(社区)工作人员；审核确认：officer-1"
    )
    file = archive.files[approved.person_id]
    assert (file.services_version, file.item_codes) == (2, ["CL-01"])
    assert file.item_codes_on(date(2026, 5, 31)) == ["LC-01"]  # not yet in effect
    assert file.item_codes_on(date(2026, 6, 1)) == ["CL-01"]
    # The same version again, or an older one, changes nothing.
    before = archive.files[approved.person_id]
    await record_services_change(change(approved), uow=FakeUnitOfWork(archive), ctx=ctx)
    await record_services_change(
        change(
            approved, approved_items=(_item("LC-01"),), added_item_codes=(), removed_item_codes=()
        ),
        uow=FakeUnitOfWork(archive),
        ctx=ctx,
    )
    assert archive.files[approved.person_id] == before


async def test_archive_a_change_that_overtakes_the_approval_is_folded_in_at_opening(
    archive: FakeArchive,  # noqa: F811 - fixture
    ctx: ArchiveContext,  # noqa: F811 - fixture
) -> None:
    approved = approval()
    await record_services_change(change(approved), uow=FakeUnitOfWork(archive), ctx=ctx)
    assert archive.files == {}  # kept in the history until the file opens
    await event_handlers.open_file(approved, uow=FakeUnitOfWork(archive), ctx=ctx)
    file = archive.files[approved.person_id]
    assert (file.services_version, file.item_codes_on(date(2026, 7, 1))) == (2, ["CL-01"])


async def test_archive_an_emergency_shows_its_route_until_it_is_confirmed(
    archive: FakeArchive,  # noqa: F811 - fixture
    ctx: ArchiveContext,  # noqa: F811 - fixture
) -> None:
    values = approval().model_dump(exclude={"event_id", "event_type", "producer"})
    emergency = {"route": "emergency", "temporary_until": date(2026, 3, 31)}
    approved = sample(RecipientApproved, **(values | emergency))
    await event_handlers.open_file(approved, uow=FakeUnitOfWork(archive), ctx=ctx)
    summary = file_summary(archive.files[approved.person_id])
    assert (summary.route, summary.route_zh) == (
        "emergency",
        "救急难临时救助，临时救助至 2026-03-31",
    )
    confirmed = change(approved, ends_temporary_care=True, reason_code="emergency_confirmed")
    await record_services_change(confirmed, uow=FakeUnitOfWork(archive), ctx=ctx)
    assert archive.summaries[confirmed.event_id].endswith("临时救助经审核确认，不再限期")
    summary = file_summary(archive.files[approved.person_id])
    assert (summary.temporary_until, summary.route_zh) == (None, "救急难临时救助")


def test_archive_items_fold_the_same_in_any_arrival_order() -> None:
    approved = approval()
    second = ItemsChange(2, date(2026, 6, 1), [{"item_code": "CL-01"}])
    third = ItemsChange(3, date(2026, 7, 1), [{"item_code": "LC-01"}], ends_temporary_care=True)
    start = initial_items(approved)
    assert fold_items(start, [third, second]) == fold_items(start, [second, third])
    folded = fold_items(start, [third, second])
    assert [i["item_code"] for i in folded.items_on(date(2026, 6, 15))] == ["CL-01"]
    assert [i["item_code"] for i in folded.items_on(date(2026, 7, 1))] == ["LC-01"]
