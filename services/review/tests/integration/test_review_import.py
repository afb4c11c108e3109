"""Go-live import: review approves each imported recipient once (route import), repeats absorbed."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from civic.messaging_tables import outbox_message, processed_event
from contracts.intake import RecipientImported
from contracts.review import ApprovalRoute, RecipientApproved
from contracts.samples import sample_catalogue
from contracts.values import ApprovedItem
from review.orm import catalogue_version, recipient, review_case

pytestmark = pytest.mark.integration

VILLAGE = "341702100201"


def imported(import_id: uuid.UUID, **overrides: Any) -> RecipientImported:
    """An existing tekun recipient on the roll, with home care four times a month."""
    item = ApprovedItem.model_validate(
        {
            "item_code": "LC-01",
            "service_category": "life_care",
            "mode": "government_purchase",
            "frequency": {"times": 4, "per": "month"},
            "funding_source": "tekun_care",
        }
    )
    values: dict[str, Any] = {
        "person_id": uuid.uuid4(),
        "application_id": uuid.uuid4(),
        "household_id": uuid.uuid4(),
        "import_id": import_id,
        "category": "tekun",
        "special_conditions": ("disabled_elder",),
        "self_care_level": "severe",
        "approved_items": (item,),
        "effective_date": date(2024, 6, 1),
        "county_code": VILLAGE[:6],
        "township_code": VILLAGE[:9],
        "village_code": VILLAGE,
        "household_size": 1,
        "display_name": "张**",
        "imported_by": "county-it-7",
    }
    return RecipientImported(**{**values, **overrides})


async def count(review: Any, stmt: Any) -> int:
    async with review.engine.connect() as conn:
        return int((await conn.execute(stmt)).scalar_one())


async def test_each_imported_person_is_approved_once_and_repeats_change_nothing(
    review: Any,
) -> None:
    await review.publish(sample_catalogue("341702"))
    cv = catalogue_version.c
    held = select(func.count()).select_from(catalogue_version).where(cv.county_code == "341702")
    await review.until(lambda: count(review, held))

    run = uuid.uuid4()
    people = [imported(run), imported(run, self_care_level=None), imported(run)]
    # The same event delivered twice, and the same row sent again under a new event id.
    again = people[0].model_copy(update={"event_id": uuid.uuid4()})
    await review.publish(*people, people[0], again)

    for one in people:
        event = await review.decision_event(one.application_id)
        assert isinstance(event, RecipientApproved)
        assert event.route is ApprovalRoute.IMPORT and event.approved_by == "county-it-7"
        assert event.person_id == one.person_id and event.effective_date == date(2024, 6, 1)
        assert [i.item_code for i in event.approved_items] == ["LC-01"]
        assert event.display_name == "张**" and event.category.value == "tekun"
    assert (await review.decision_event(people[1].application_id)).self_care_level is None

    # Wait until the repeat under a new id has been applied, then count effects.
    claimed = (
        select(func.count())
        .select_from(processed_event)
        .where(processed_event.c.event_id == again.event_id)
    )
    await review.until(lambda: count(review, claimed))
    ids = [p.person_id for p in people]
    per_person = select(recipient.c.person_id, func.count()).where(recipient.c.person_id.in_(ids))
    async with review.engine.connect() as conn:
        rows = (await conn.execute(per_person.group_by(recipient.c.person_id))).all()
    assert sorted(n for _, n in rows) == [1, 1, 1]
    approvals = (
        select(func.count())
        .select_from(outbox_message)
        .where(
            outbox_message.c.event_type == "review.RecipientApproved",
            outbox_message.c.key.in_([str(i) for i in ids]),
        )
    )
    assert await count(review, approvals) == 3
    decided = (
        select(func.count())
        .select_from(review_case)
        .where(review_case.c.application_id.in_([p.application_id for p in people]))
    )
    assert await count(review, decided) == 3
