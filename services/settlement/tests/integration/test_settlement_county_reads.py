"""A county's past reads: its spot-check draws of a year, and one catalogue version by number.

Draws: 青阳县 (341723) in 2037 and 2038, years no other test draws in. Catalogue versions:
九华山风景区 (341791), effective in 2037/2038: 341723 cannot take them, as
test_settlement_payment_followups publishes 341723 versions from 2036 afterwards and a version
may not start before the latest one; no other test publishes in 341791.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from settlement.domain.catalogue import demo_items

pytestmark = pytest.mark.integration

Auth = Callable[..., dict[str, str]]
DRAWS, CATALOGUE = "341723", "341791"


async def test_settlement_a_county_reads_its_draws_of_a_year_newest_first_by_page(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    officer = auth("county_officer", DRAWS, user_id="county-reads-officer")
    for year, seed, rate in ((2037, "first", 30), (2037, "second", 40), (2037, "third", 50)):
        made = await client.post(
            f"/spot-checks/{DRAWS}/{year}/draws",
            json={"seed": seed, "rate_percent": rate},
            headers=officer,
        )
        assert made.status_code == 201, made.text
    other_year = await client.post(
        f"/spot-checks/{DRAWS}/2038/draws", json={"seed": "next-year"}, headers=officer
    )
    assert other_year.status_code == 201, other_year.text

    url = f"/spot-checks/{DRAWS}/2037/draws"
    first = (await client.get(url, params={"size": 2}, headers=officer)).json()
    second = (await client.get(url, params={"size": 2, "page": 2}, headers=officer)).json()
    assert (first["total"], first["page"], first["size"]) == (3, 1, 2)
    assert [d["seed"] for d in first["items"] + second["items"]] == ["third", "second", "first"]
    newest = first["items"][0]
    assert (newest["rate_bp"], newest["population"], newest["drawn"]) == (5000, 0, 0)
    assert (newest["county_code"], newest["year"]) == (DRAWS, 2037)
    assert newest["drawn_by"] == "county-reads-officer" and newest["drawn_at"]
    assert first["items"][0]["drawn_at"] >= first["items"][1]["drawn_at"]
    later = await client.get(f"/spot-checks/{DRAWS}/2038/draws", headers=officer)
    assert [d["draw_id"] for d in later.json()["items"]] == [other_year.json()["draw_id"]]
    auditor = await client.get(url, headers=auth("auditor", DRAWS))
    assert (auditor.status_code, auditor.json()["total"]) == (200, 3)


async def test_settlement_another_county_or_a_township_cannot_read_the_draws(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    url = f"/spot-checks/{DRAWS}/2037/draws"
    elsewhere = await client.get(url, headers=auth("county_officer", "341702"))
    assert elsewhere.status_code == 403, elsewhere.text
    township = await client.get(url, headers=auth("township_officer", "341723100"))
    assert township.status_code == 403
    early = await client.get(f"/spot-checks/{DRAWS}/2022/draws", headers=auth("auditor", DRAWS))
    assert early.status_code == 422


def _items(cl_01: int) -> list[dict[str, Any]]:
    rows = [item.model_dump(mode="json") | {"is_example": False} for item in demo_items()]
    return [row | {"fee_fen": cl_01} if row["item_code"] == "CL-01" else row for row in rows]


async def test_settlement_each_catalogue_version_is_read_by_its_number(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    officer = auth("county_officer", CATALOGUE)
    url = f"/catalogue/{CATALOGUE}/versions"
    numbers = []
    # Two versions on one day: only the later is in force, yet both are read by number.
    for day, fee in (("2037-01-01", 5100), ("2037-01-01", 5200), ("2038-01-01", 5300)):
        made = await client.post(
            url, json={"effective_from": day, "items": _items(fee)}, headers=officer
        )
        assert made.status_code == 201, made.text
        numbers.append(made.json()["version"])
    stranger = auth("township_officer", "341723100")  # a fee standard is public to staff
    for number, day, fee in zip(
        numbers, ("2037-01-01", "2037-01-01", "2038-01-01"), (5100, 5200, 5300), strict=True
    ):
        read = await client.get(f"{url}/{number}", headers=stranger)
        assert read.status_code == 200, read.text
        body = read.json()
        assert (body["version"], body["effective_from"], body["is_example"]) == (number, day, False)
        assert {i["item_code"]: i["fee_fen"] for i in body["items"]}["CL-01"] == fee
    in_force = await client.get(
        f"/catalogue/{CATALOGUE}", params={"on": "2037-06-01"}, headers=officer
    )
    assert in_force.json()["version"] == numbers[1]
    demo = (await client.get(f"{url}/1", headers=officer)).json()
    assert (demo["version"], demo["is_example"], demo["effective_from"]) == (1, True, "2023-04-01")


async def test_settlement_a_missing_catalogue_version_is_404(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    officer = auth("county_officer", CATALOGUE)
    missing = await client.get(f"/catalogue/{CATALOGUE}/versions/999999", headers=officer)
    assert missing.status_code == 404
    problem = missing.json()
    assert problem["code"] == "catalogue_version_not_found"
    assert [e["field"] for e in problem["errors"]] == ["path.version"]
    assert "999999" in problem["title"] and "999999" in problem["errors"][0]["message"]
    nowhere = await client.get("/catalogue/999999/versions/1", headers=officer)
    assert (nowhere.status_code, nowhere.json()["code"]) == (404, "catalogue_version_not_found")
    assert (
        await client.get(f"/catalogue/{CATALOGUE}/versions/0", headers=officer)
    ).status_code == 422
    assert (await client.get(f"/catalogue/{CATALOGUE}/versions/1")).status_code == 401
