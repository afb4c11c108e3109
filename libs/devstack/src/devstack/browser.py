"""The staff console in a real headless Chromium (Debian's package), for the browser tests.

One place for what every console browser test needs: the browser (a test fails, never skips,
without it), a signed-in page through the development sign-in, the keyboard, screenshots.
"""

from __future__ import annotations

import os
from pathlib import Path

from playwright.async_api import Browser, Page, Playwright, ViewportSize

from devstack import procs

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP: ViewportSize = {"width": 1280, "height": 1000}
#: Screenshots of the console's screens, made by the test runs and committed (issue 22).
SHOTS = procs.find_repo_root(Path(__file__).parent) / "docs" / "console"


async def launch(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless; AssertionError when it is not installed."""
    assert os.path.exists(CHROMIUM), "Chromium is missing: run scripts/ensure-chromium.sh"  # noqa: ASYNC240  (one stat, at launch)
    return await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


async def signed_in(
    browser: Browser, console: str, path: str, *, user_id: str, name: str, role: str, division: str
) -> Page:
    """A new browser context (its own cookies) signed in through the development sign-in,
    landing on ``path``."""
    context = await browser.new_context(viewport=DESKTOP, locale="zh-CN", accept_downloads=True)
    page = await context.new_page()
    await page.goto(f"{console}{path}")
    assert await page.title() == "开发环境登录"
    await page.fill("#user_id", user_id)
    await page.fill("#name", name)
    await page.select_option("#role", role)
    await page.select_option("#division", division)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{console}{path}*")
    return page


async def focused(page: Page) -> str:
    """The id (or text) of the element that has the keyboard focus."""
    found: str = await page.evaluate(
        "document.activeElement.id || document.activeElement.textContent.trim()"
    )
    return found


async def tab_to(page: Page, target: str, limit: int = 120) -> None:
    """Presses Tab until ``target`` has the focus; fails if the keyboard cannot reach it."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        if await focused(page) == target:
            return
    raise AssertionError(f"Tab never reached {target!r}")


async def shot(page: Page, name: str) -> None:
    """Saves the whole page as docs/console/``name``."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / name), full_page=True)
