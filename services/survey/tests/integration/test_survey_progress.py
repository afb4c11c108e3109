"""A township's survey progress: its tasks counted by status and overdue, and the overdue ones
listed on their own (the staff console's 入户调查 screen reads these)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from .conftest import OTHER_VILLAGE, TOWNSHIP

pytestmark = pytest.mark.integration


async def progress(survey: Any, **params: Any) -> dict[str, Any]:
    """The township officer's first page of the village's tasks (with the counts)."""
    headers = survey.auth("township_officer", "u-township", TOWNSHIP)
    got = await survey.client.get(
        "/survey-tasks",
        params={"village_code": OTHER_VILLAGE, "size": 100, **params},
        headers=headers,
    )
    assert got.status_code == 200, got.text
    return dict(got.json())


async def test_the_township_sees_its_progress_and_its_overdue_visits(survey: Any) -> None:
    before = await progress(survey)
    long_ago = datetime(2024, 3, 1, 2, 0, tzinfo=UTC)
    _, late = await survey.register(village_code=OTHER_VILLAGE, occurred_at=long_ago)
    _, fresh = await survey.register(village_code=OTHER_VILLAGE)

    after = await progress(survey, status="team_assigned")  # the counts ignore the filters
    assert after["by_status"]["open"] == before["by_status"]["open"] + 2
    assert after["overdue_total"] == before["overdue_total"] + 1
    assert sum(after["by_status"].values()) == sum(before["by_status"].values()) + 2

    overdue = await progress(survey, overdue="true")
    listed = {t["survey_id"] for t in overdue["items"]}
    assert late["survey_id"] in listed and fresh["survey_id"] not in listed
    assert all(t["overdue"] for t in overdue["items"])
    assert overdue["total"] == after["overdue_total"]
