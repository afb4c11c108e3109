"""Go-live import through intake's API: 10,000 rows, bad rows, and a whole file sent twice."""

from __future__ import annotations

import random
import time
import uuid
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from civic.messaging_tables import outbox_message
from contracts import divisions, resident_id, topics
from contracts.intake import RecipientImported
from intake.orm import application, import_row, imported_person, person

pytestmark = pytest.mark.integration

COUNTY = "341702"
VILLAGES = [v.code for t in divisions.children(COUNTY) for v in divisions.children(t.code)]
ITEMS = (
    "LC-01:政府购买服务:4/月:特困人员照料护理经费",
    "HC-02:government_purchase:1/month:charity",
)
IMPORTED = "intake.RecipientImported"


def id_numbers(count: int, seed: int) -> list[str]:
    """``count`` distinct valid ID numbers of people born 1940-1960 in 贵池区."""
    rng, found = random.Random(seed), set[str]()
    while len(found) < count:
        born = date(rng.randint(1940, 1960), rng.randint(1, 12), rng.randint(1, 28))
        body = f"{COUNTY}{born:%Y%m%d}{rng.randint(0, 999):03d}"
        found.add(body + resident_id.check_char(body))
    return sorted(found)


def row(number: int, id_number: str, **cells: Any) -> dict[str, Any]:
    village = VILLAGES[number % len(VILLAGES)]
    return {
        "row_number": number,
        "name": "张三丰" if number % 2 else "欧阳春花",
        "id_number": id_number,
        "county_code": COUNTY,
        "township_code": village[:9],
        "village_code": village,
        "category": "特困人员" if number % 3 else "dibao",
        "special_conditions": "失能老年人" if number % 5 == 0 else "",
        "self_care_level": "severe" if number % 2 else None,
        "household_size": "1",
        "items": ITEMS[number % 2],
        "effective_date": "2026-12-01",
        **cells,
    }


async def start(intake: Any, headers: dict[str, str]) -> str:
    response = await intake.client.post(
        "/imports", json={"file_name": "roll.xlsx"}, headers=headers
    )
    assert response.status_code == 201, response.text
    return str(response.json()["import_id"])


async def send(
    intake: Any, import_id: str, rows: list[dict[str, Any]], headers: dict[str, str]
) -> dict[str, Any]:
    totals: dict[str, Any] = {"created": 0, "unchanged": 0, "failed": 0, "errors": []}
    for start_at in range(0, len(rows), 1000):
        chunk = rows[start_at : start_at + 1000]
        response = await intake.client.post(
            f"/imports/{import_id}/rows", json={"rows": chunk}, headers=headers
        )
        assert response.status_code == 200, response.text
        for key, value in response.json().items():
            totals[key] += value
    return totals


async def imported_events(intake: Any) -> int:
    """RecipientImported rows written to intake's outbox (each emitted event is one)."""
    return await intake.count(outbox_message, outbox_message.c.event_type == IMPORTED)


@pytest.fixture
def admin(intake: Any) -> dict[str, str]:
    return intake.auth(["admin"], division=COUNTY, user_id="county-it-1")


async def test_ten_thousand_rows_then_the_same_file_again_changes_nothing(
    intake: Any, admin: dict[str, str]
) -> None:
    numbers = id_numbers(10_000, seed=20)
    rows = [row(n, number) for n, number in enumerate(numbers, start=2)]
    persons_before, events_before = await intake.count(person), await imported_events(intake)

    began = time.monotonic()
    first = await start(intake, admin)
    totals = await send(intake, first, rows, admin)
    elapsed = time.monotonic() - began

    assert (totals["created"], totals["unchanged"], totals["failed"]) == (10_000, 0, 0)
    assert await intake.count(person) - persons_before == 10_000
    assert (
        await intake.count(imported_person, imported_person.c.import_id == uuid.UUID(first))
        == 10_000
    )
    assert await imported_events(intake) - events_before == 10_000
    assert elapsed < 120, f"10,000 rows took {elapsed:.1f}s"
    summary = (await intake.client.get(f"/imports/{first}", headers=admin)).json()
    assert (summary["rows"], summary["created"], summary["failed"]) == (10_000, 10_000, 0)

    # Every event reaches the topic: ids, codes and a masked name, never a number or name.
    found = await intake.read(
        topics.INTAKE_APPLICATIONS,
        lambda e: isinstance(e, RecipientImported) and str(e.import_id) == first,
        count=10_000,
        timeout=120,
    )
    event, record = found[0]
    assert isinstance(event, RecipientImported)
    assert event.display_name in ("张**", "欧阳**") and event.imported_by == "county-it-1"
    assert not any(number.encode() in record.value for number in numbers[:50])
    assert b"\\u5f20\\u4e09\\u4e30" not in record.value and "张三丰".encode() not in record.value

    # The whole file again, as a new run: every row unchanged, nothing emitted or added.
    again = await start(intake, admin)
    totals = await send(intake, again, rows, admin)
    assert (totals["created"], totals["unchanged"], totals["failed"]) == (0, 10_000, 0)
    assert await imported_events(intake) - events_before == 10_000
    assert await intake.count(person) - persons_before == 10_000
    kinds = (
        select(func.count())
        .select_from(application)
        .where(application.c.submitted_by == "county-it-1")
    )
    async with intake.db() as s:
        assert (await s.execute(kinds)).scalar_one() >= 10_000


async def test_bad_rows_are_reported_and_the_others_imported(
    intake: Any, admin: dict[str, str]
) -> None:
    good, bad_check, repeated, marginal, dated = id_numbers(5, seed=21)
    wrong_check = bad_check[:-1] + ("0" if bad_check[-1] != "0" else "1")
    rows = [
        row(2, good),
        row(3, wrong_check),
        row(4, repeated),
        row(5, repeated),
        row(6, marginal, category="低保边缘家庭", special_conditions=""),
        row(7, dated, effective_date="2026/12/01", items="XX-99:政府购买服务:1/月:charity"),
        row(8, id_numbers(1, seed=22)[0], village_code="341721100201", township_code="341721100"),
        row(9, id_numbers(1, seed=23)[0], township_code="341702101"),
    ]
    events_before = await imported_events(intake)
    import_id = await start(intake, admin)
    totals = await send(intake, import_id, rows, admin)

    assert (totals["created"], totals["failed"]) == (2, 6)
    assert await imported_events(intake) - events_before == 2
    codes = {(e["row_number"], e["field"], e["code"]) for e in totals["errors"]}
    assert (3, "id_number", "bad_check_char") in codes
    assert (5, "id_number", "duplicate_in_file") in codes
    assert (6, "special_conditions", "special_condition_required") in codes
    assert (7, "effective_date", "bad_date") in codes
    assert {n for n, _, _ in codes} == {3, 5, 6, 7, 8, 9}  # 8: a village of another county
    assert (9, "village_code", "division_chain") in codes
    assert all(e["message"] and e["column_zh"] for e in totals["errors"])

    report = await intake.client.get(f"/imports/{import_id}/errors", headers=admin)
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/csv")
    text = report.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "行号,列,错误代码,错误说明"
    assert "身份证号码校验位错误" in text and wrong_check not in text
    outcomes = await intake.count(import_row, import_row.c.import_id == uuid.UUID(import_id))
    assert outcomes == 8

    # A chunk sent again (a retry) adds no event, no row and no second report line.
    assert (await send(intake, import_id, rows, admin))["created"] == 0
    assert await imported_events(intake) - events_before == 2
    again = await intake.client.get(f"/imports/{import_id}/errors", headers=admin)
    assert again.content == report.content


async def test_only_the_admin_role_imports_and_templates_are_chinese(intake: Any) -> None:
    officer = intake.auth(["township_officer"], division="341702100")
    assert (await intake.client.post("/imports", json={}, headers=officer)).status_code == 403
    admin = intake.auth(["admin"], division=COUNTY)
    missing = await intake.client.get(f"/imports/{uuid.uuid4()}", headers=admin)
    assert missing.status_code == 404 and missing.json()["code"] == "import_not_found"
    csv_template = await intake.client.get("/imports/template.csv", headers=admin)
    assert csv_template.content.decode("utf-8-sig").startswith("姓名,身份证号码,区县代码")
    workbook = await intake.client.get("/imports/template.xlsx", headers=admin)
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"
    too_many = {"rows": [row(n, "x") for n in range(2, 1003)]}
    import_id = await start(intake, admin)
    refused = await intake.client.post(f"/imports/{import_id}/rows", json=too_many, headers=admin)
    assert refused.status_code == 422
