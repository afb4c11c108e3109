"""Issue 22 in Chromium: the dashboard draws archive's figures with ECharts after real activity,
its tables equal archive's answer; a person's file and the county's provider onboarding."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Browser, Page

from civic import clock
from devstack.browser import shot, signed_in
from devstack.journeys.api import Api
from devstack.journeys.application import (
    COUNTY,
    TOWNSHIP,
    Case,
    approved,
    catalogue_loaded,
    register,
    submit,
)
from devstack.journeys.care import register_provider
from devstack.journeys.db import wait_until
from devstack.stack import Stack

# Three people through the whole chain, then two browser sessions: more than the default 300 s
# on two busy cores.
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]


async def table(page: Page, key: str) -> list[list[str]]:
    """The body cells of a chart's table, as text."""
    rows: list[list[str]] = await page.eval_on_selector_all(
        f"#{key}-table tbody tr",
        "rows => rows.map(r => Array.from(r.children).map(c => c.textContent.trim()))",
    )
    return rows


async def archive(api: Api, token: str, what: str, month: str) -> Any:
    path = f"/dashboards/{what}?division_code={TOWNSHIP}&month={month}"
    answer = await api.call("archive", "GET", path, token=token)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_the_dashboard_draws_archives_figures_and_files_and_providers_open(
    e2e_stack: Stack, console_url: str, browser: Browser
) -> None:
    await catalogue_loaded(e2e_stack, "intake")
    await catalogue_loaded(e2e_stack, "review")
    api, month = Api(e2e_stack), clock.month()
    people = [Case(e2e_stack), Case(e2e_stack)]
    provider = f"s3-{people[0].trace_id[:8]}"
    await register_provider(api, provider, ["LC-03"], TOWNSHIP)
    for case in people:
        await approved(case)
    waiting = Case(e2e_stack)  # applied and registered: open in the slowest cases
    assert (await submit(waiting)).status_code == 201
    assert (await register(waiting)).status_code == 200
    officer = api.token(roles=["township_officer"], division=TOWNSHIP)

    async def filed() -> bool:
        load = await archive(api, officer, "caseload", month)
        return sum(r["served"] for r in load["rows"]) >= len(people)

    await wait_until(filed, timeout=90)

    officer_page = await signed_in(
        browser, console_url, "/dashboard", user_id="township-s3", name="统计测试",
        role="township_officer", division=TOWNSHIP,
    )  # fmt: skip
    await dashboard_equals_archive(officer_page, api, officer, month)
    await files_ledger_and_board_open(officer_page, console_url, people[0])
    county = await signed_in(
        browser, console_url, "/providers", user_id="county-s3", name="统计测试",
        role="county_officer", division=COUNTY,
    )  # fmt: skip
    await credentials_shown_once(county, console_url, provider)


async def dashboard_equals_archive(page: Page, api: Api, officer: str, month: str) -> None:
    """Every chart drawn on a canvas; its table equals archive's answer."""
    await page.wait_for_selector("[data-chart][data-drawn=true]")
    charts = await page.locator("[data-chart]").count()
    assert charts >= 4
    assert await page.locator("[data-chart][data-drawn=true] canvas").count() >= charts
    timing = await archive(api, officer, "chain-timing", month)
    load = await archive(api, officer, "caseload", month)
    cover = await archive(api, officer, "coverage", month)
    for t in timing["townships"]:
        rows = await table(page, f"timing-{t['township_code']}")
        assert [r[1] for r in rows] == [str(s["count"]) for s in t["spans"]]
    served: dict[str, int] = {}
    for r in load["rows"]:
        served[r["category_zh"]] = served.get(r["category_zh"], 0) + r["served"]
    rows = await table(page, "caseload-category")
    assert {r[0]: int(r[1]) for r in rows} == served
    rows = await table(page, "coverage")
    assert [(r[0], int(r[1]), int(r[2])) for r in rows] == [
        (v["place_zh"], v["approved_items"], v["served_items"]) for v in cover["villages"]
    ]
    await shot(page, "30-dashboard.png")


async def files_ledger_and_board_open(page: Page, console: str, person: Case) -> None:
    """A file from the list, the village ledger and the board, each showing the person."""
    await page.goto(f"{console}/files")
    await page.locator("main table a").first.click()
    await page.wait_for_selector("#service-number")
    await shot(page, "31-file.png")
    await page.goto(f"{console}/villages/{person.village}/ledger")
    assert person.masked_name in await page.locator("main").inner_text()
    await shot(page, "32-ledger.png")
    await page.goto(f"{console}/villages/{person.village}/board")
    board = page.frame_locator("iframe.board")
    assert person.masked_name in await board.locator("body").inner_text()
    await shot(page, "33-board.png")


async def credentials_shown_once(county: Page, console: str, provider: str) -> None:
    """The county issues a provider's bus credentials; the password is never shown again."""
    await county.click(f"a[href='/providers/{provider}']")
    await county.click("text=发放接入凭证")
    await county.wait_for_selector("#bus-password")
    assert "仅显示这一次" in await county.locator("main").inner_text()
    # The screenshot goes into the repository: the password is blanked first.
    await county.evaluate("document.getElementById('bus-password').textContent='********'")
    await shot(county, "34-provider-credentials.png")
    await county.goto(f"{console}/providers/{provider}")  # never shown again
    assert await county.locator("#bus-password").count() == 0
