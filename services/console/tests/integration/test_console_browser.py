"""The console in a real headless Chromium (Debian's): sign in, register, see it; keyboard only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, async_playwright

pytestmark = pytest.mark.integration

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
DESKTOP = {"width": 1280, "height": 900}


async def focused(page: Page) -> str:
    """The id (or text) of the element that has the keyboard focus."""
    found: str = await page.evaluate(
        "document.activeElement.id || document.activeElement.textContent.trim()"
    )
    return found


async def tab_to(page: Page, target: str, limit: int = 60) -> int:
    """Presses Tab until ``target`` has the focus; fails if the keyboard cannot reach it."""
    for presses in range(1, limit + 1):
        await page.keyboard.press("Tab")
        if await focused(page) == target:
            return presses
    raise AssertionError(f"Tab never reached {target!r}")


async def test_a_township_officer_signs_in_and_registers_an_application_by_keyboard_only(
    console_stack: Any, chromium: str, screenshots: Path
) -> None:
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport=DESKTOP, locale="zh-CN")
            await page.goto(f"{console_stack.url}/applications")
            assert await page.title() == "开发环境登录"  # sent to the issuer to sign in
            await page.screenshot(path=str(screenshots / "01-sign-in.png"), full_page=True)

            # The sign-in form by keyboard: user id, name, role, division, then Enter on 登录.
            await tab_to(page, "user_id")
            await page.keyboard.press("Control+A")
            await page.keyboard.type("officer-yinhui")
            await page.keyboard.press("Tab")
            await page.keyboard.press("Control+A")
            await page.keyboard.type("殷汇镇民政专干")
            await page.keyboard.press("Tab")
            assert await focused(page) == "role"
            await page.keyboard.press("Tab")
            assert await focused(page) == "division"
            await page.keyboard.press("Tab")
            assert await focused(page) == "登录"
            await page.keyboard.press("Enter")
            await page.wait_for_url(f"{console_stack.url}/applications")
            assert "申请登记" in await page.title()
            header = await page.locator("header").inner_text()
            assert "殷汇镇民政专干" in header and "乡镇(街道)工作人员" in header
            assert "殷汇镇" in header

            # The skip link comes first, and takes the focus to the main content.
            await page.keyboard.press("Tab")
            assert await focused(page) == "跳到主要内容"
            await page.keyboard.press("Enter")
            assert await focused(page) == "main"
            await page.screenshot(path=str(screenshots / "02-applications.png"), full_page=True)

            # A refusal first: intake's messages show by the fields, the input is kept.
            await register(page, "周翠兰", "341702195001010037", consent=False)
            await page.wait_for_selector(".field-error")
            errors = await page.locator(".field-error").all_inner_texts()
            assert any("身份证" in e or "校验" in e for e in errors), errors
            assert await page.input_value("#applicant-name") == "周翠兰"
            await page.screenshot(path=str(screenshots / "03-validation.png"), full_page=True)

            await page.goto(f"{console_stack.url}/applications")
            await register(page, "周翠兰", console_stack.new_id_number(), consent=True)
            await page.wait_for_selector("tr.fresh")
            row = await page.locator("tr.fresh").inner_text()
            assert "周**" in row and "已提交，待受理" in row and "特困人员" in row
            assert "申请已登记" in await page.locator("main").inner_text()
            await page.screenshot(path=str(screenshots / "04-registered.png"), full_page=True)
        finally:
            await browser.close()


async def register(page: Page, name: str, id_number: str, *, consent: bool) -> None:
    """Fills the window form with the keyboard only and submits it with Enter."""
    await tab_to(page, "applicant-name")
    await page.keyboard.press("Control+A")
    await page.keyboard.type(name)
    await page.keyboard.press("Tab")
    await page.keyboard.press("Control+A")
    await page.keyboard.type(id_number)
    await page.keyboard.press("Tab")
    await page.keyboard.press("Control+A")
    await page.keyboard.type("13805661234")
    await page.keyboard.press("Tab")
    assert await focused(page) == "village"
    await page.keyboard.press("Tab")
    assert await focused(page) == "category"
    await page.keyboard.press("ArrowDown")  # 低保对象 → 特困人员
    await tab_to(page, "item-codes", limit=10)  # past the special conditions
    await page.keyboard.press("Control+A")
    await page.keyboard.type("LC-01, CL-01")
    await page.keyboard.press("Tab")
    if consent:
        await page.keyboard.press("Space")
    await page.keyboard.press("Tab")
    assert await focused(page) == "登记申请"
    await page.keyboard.press("Enter")
    await page.wait_for_load_state("load")
