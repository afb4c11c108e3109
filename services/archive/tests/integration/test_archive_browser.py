"""The public board in a real headless Chromium (Debian's package), served by a real uvicorn."""

from __future__ import annotations

import asyncio
import socket
import threading
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from playwright.async_api import Page, async_playwright

from archive.main import create_app
from archive.settings import Settings
from civic import clock
from contracts.privacy import find_id_numbers, find_phones

pytestmark = pytest.mark.integration

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
VILLAGE = "341722102201"  # 石台县, whose boards show names as 诸葛*亮 (first_last)
PHONE = {"width": 390, "height": 844}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def served(archive_settings: Settings) -> Iterator[str]:
    """archive served by uvicorn on a free localhost port, in a thread of its own."""
    settings = archive_settings.model_copy(update={"board_name_styles": {"341722": "first_last"}})
    port = free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="archive-uvicorn", daemon=True)
    thread.start()
    try:
        for _ in range(600):
            if server.started or not thread.is_alive():
                break
            threading.Event().wait(0.1)
        assert server.started, "uvicorn did not start archive"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="module")
def chromium() -> str:
    """Debian's Chromium; the test fails (never skips) without it."""
    if not CHROMIUM.exists():
        pytest.fail(
            "Chromium is missing: run scripts/ensure-chromium.sh (Debian's chromium + CJK fonts)"
        )
    return str(CHROMIUM)


async def names(page: Page, section: str) -> list[str]:
    return await page.locator(f"#{section} .name").all_inner_texts()


async def test_archive_the_board_renders_in_chromium_with_masked_names_and_shows_a_removal(
    served: str,
    chromium: str,
    tmp_path: Path,
    publish: Callable[..., Awaitable[None]],
    wait_until: Callable[..., Awaitable[Any]],
    person: Callable[..., Any],
    provider: Callable[..., Any],
    county_catalogue: Callable[..., Any],
) -> None:
    zhuge, sima = person(VILLAGE, display_name="诸葛*亮"), person(VILLAGE, display_name="司马*光")
    org = provider(
        "石台县仙寓镇敬老院", f"xy-{uuid.uuid4().hex[:6]}", "341722", "welfare_institution"
    )
    orders = [p.order(org.provider_id, org.provider_code) for p in (zhuge, sima)]
    await publish(county_catalogue("341722"), org, zhuge.approval(), sima.approval(), *orders)
    board_url = f"{served}/boards/{VILLAGE}"

    async def listed() -> bool:
        async with httpx.AsyncClient() as client:
            text = (await client.get(board_url)).text
        return all(n in text for n in ("诸葛*亮", "司马*光", "石台县仙寓镇敬老院", "居家照料"))

    await wait_until(listed)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport=PHONE, locale="zh-CN")
            await page.goto(board_url)
            assert "长期公示" in await page.title()
            assert {"诸葛*亮", "司马*光"} <= set(await names(page, "current"))
            assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            await page.screenshot(path=str(tmp_path / "board-before.png"), full_page=True)

            await publish(zhuge.status("stopped", clock.today()))
            async with asyncio.timeout(45):
                while "诸葛*亮" not in await names(page, "removals"):
                    await asyncio.sleep(0.3)
                    await page.reload()
            assert await names(page, "current") == ["司马*光"]
            assert "停止服务" in await page.locator("#removals").inner_text()
            html = await page.content()
            assert find_id_numbers(html) == [] and find_phones(html) == []
            await page.screenshot(path=str(tmp_path / "board-after.png"), full_page=True)
        finally:
            await browser.close()
    print(f"screenshots: {tmp_path}")
