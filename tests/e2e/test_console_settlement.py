"""Issue 22 through the console in Chromium: a county officer runs a month's settlement, a
township officer confirms a statement that a second officer pays (four eyes).

A provider's service is billed this month through the real services; then settlement alone
is restarted with its clock on the first morning of next month, so the month has ended and
may be settled and confirmed (the other services keep the machine's clock). The settlement
service is restarted with its usual clock afterwards.
"""

from __future__ import annotations

import contextlib
import csv
import io
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page

from civic import clock
from contracts.calendar import CHIZHOU
from devstack import procs
from devstack.browser import signed_in
from devstack.journeys import care
from devstack.journeys.application import COUNTY, TOWNSHIP, Case, catalogue_loaded
from devstack.journeys.db import fetch, wait_until
from devstack.stack import Stack

# Billing, a restart of settlement on next month's clock, three users in Chromium: more than the
# default 300 s when the machine's two cores are busy with other suites.
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

#: What ``e2e_stack`` starts the services with (restored after the clock is moved).
E2E_ENV = {
    "CONSUMER_RETRY_BACKOFF_S": "0.05",
    "SEALING_REFRESH_S": "2",
    "COMPLAINT_SLA_HOUR_S": "0.2",
    "EMERGENCY_DAY_S": "0.5",
    "DEADLINE_POLL_S": "1",
}
FOUR_EYES_ZH = "须由另一名有权限的人员办理"
#: A reference the bank's return holds that no batch line has.
STRAY_REFERENCE = "NOT-IN-BATCH-0001"


def next_month_morning() -> datetime:
    """09:00 in Chizhou on the first day of the month after today's."""
    today = clock.today()
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return datetime(year, month, 1, 9, 0, tzinfo=CHIZHOU)


@pytest.fixture
def screenshots() -> Path:
    """docs/console/, where the screens of this journey are saved (20–29)."""
    folder = procs.find_repo_root() / "docs" / "console"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def billed_this_month(stack: Stack) -> tuple[str, str]:
    """A recipient's meals, delivered and billed this month; (provider code, period)."""
    for service in ("intake", "review"):
        await catalogue_loaded(stack, service)
    _, _, orders = await care.approved_with_two_providers(stack, uuid.uuid4().hex[:6])
    provider, order = orders[0]
    served = await care.report_service(Case(stack).api, provider, order, minutes_ago=5)
    assert served.status_code == 200 and served.json()["accepted"], served.text

    async def billed() -> bool:
        rows = await fetch(
            stack.database_url("settlement"),
            "select billing_status from service_record where record_id = $1::uuid",
            served.json()["record_id"],
        )
        return bool(rows) and rows[0]["billing_status"] == "billed"

    await wait_until(billed, timeout=60)
    return provider, clock.month()


@contextlib.contextmanager
def settlement_next_month(e2e_stack: Stack) -> Iterator[Stack]:
    """Settlement alone restarted with its clock at next month's first morning."""
    anchor = clock.machine_now()
    env = {
        **E2E_ENV,
        "CLOCK_START": next_month_morning().isoformat(),
        "CLOCK_START_AT": anchor.isoformat(),
    }
    e2e_stack.stop_services(["settlement"])
    e2e_stack.start_services(["settlement"], extra_env=env)
    try:
        yield e2e_stack
    finally:
        e2e_stack.stop_services(["settlement"])
        e2e_stack.start_services(["settlement"], extra_env=E2E_ENV)


def read_text(path: Path) -> str:
    """A downloaded bank file (UTF-8 with BOM, the default format)."""
    return path.read_bytes().decode("utf-8-sig")


def bank_return(bank_file: str, beside: Path) -> Path:
    """The bank's return for a bank file in the default format: every line paid, and one row
    the bank added that is no line of the batch (an exception for a person to look at)."""
    rows = list(csv.DictReader(io.StringIO(bank_file)))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["业务参考号", "处理结果", "银行流水号", "金额(元)"])
    for n, row in enumerate(rows, 1):
        writer.writerow([row["业务参考号"], "成功", f"SN{n:06d}", row["金额(元)"]])
    writer.writerow([STRAY_REFERENCE, "成功", "SN999999", "1.00"])
    found = beside.with_name("return.csv")
    found.write_text(out.getvalue(), encoding="utf-8")
    return found


def who(user_id: str, name: str, role: str, division: str) -> dict[str, str]:
    """Who signs in, as the development sign-in asks."""
    return {"user_id": user_id, "name": name, "role": role, "division": division}


async def test_a_month_is_settled_confirmed_by_one_officer_and_paid_by_another(
    e2e_stack: Stack, browser: Browser, screenshots: Path, console_url: str
) -> None:
    provider, period = await billed_this_month(e2e_stack)
    # In this order: the service is billed before settlement's clock moves to next month.
    with settlement_next_month(e2e_stack):
        await journey(browser, console_url, provider, period, screenshots)


async def journey(browser: Browser, console: str, provider: str, period: str, shots: Path) -> None:
    """The county runs the month; officer A confirms and batches; A may not pay, B does."""
    county = await signed_in(
        browser,
        console,
        "/settlement",
        **who("county-1", "贵池区民政局科员", "county_officer", COUNTY),
    )
    await county.fill("#run-month", period)
    await county.click("button:has-text('生成结算单')")
    result = await county.locator("#run-result").inner_text()
    assert f"{period} 结算完成" in result, result
    await county.screenshot(path=str(shots / "20-settlement-run.png"), full_page=True)
    await county.goto(f"{console}/funds")
    assert "各资金来源使用情况" in await county.locator("main").inner_text()
    await county.screenshot(path=str(shots / "21-funds.png"), full_page=True)
    async with county.expect_navigation():  # the title is read from the page it opens
        await county.click("text=资金用途不符待处理的服务记录")
    assert "资金用途不符待处理" in await county.title()
    await county.screenshot(path=str(shots / "28-fund-holds.png"), full_page=True)
    await county_screens(county, console, period, shots)

    officer_a = await signed_in(
        browser, console, f"/statements?period={period}",
        **who("officer-a", "殷汇镇民政专干甲", "township_officer", TOWNSHIP),
    )  # fmt: skip
    await officer_a.screenshot(path=str(shots / "22-statements.png"), full_page=True)
    await officer_a.click(f'a[aria-label="查看结算单 {period} {provider}"]')
    await officer_a.wait_for_selector("#statement-status")
    statement_url = officer_a.url.split("?")[0]
    assert "草稿" in await officer_a.locator("#statement-status").inner_text()
    await officer_a.click("button:has-text('确认结算单')")
    await officer_a.wait_for_selector("text=结算单已确认。")
    assert "已确认" in await officer_a.locator("#statement-status").inner_text()
    await officer_a.screenshot(path=str(shots / "23-statement-confirmed.png"), full_page=True)

    await officer_a.goto(f"{console}/statements")
    await officer_a.click("button:has-text('将已确认的结算单生成支付批次')")
    await officer_a.wait_for_selector("#batch-status")
    batch_url = officer_a.url.split("?")[0]
    assert "待审批" in await officer_a.locator("#batch-status").inner_text()
    await officer_a.click("button:has-text('审批支付批次')")
    refusal = await officer_a.locator(".problem").inner_text()
    assert FOUR_EYES_ZH in refusal and "four_eyes_required" in refusal, refusal
    assert "待审批" in await officer_a.locator("#batch-status").inner_text()
    await officer_a.screenshot(path=str(shots / "24-four-eyes-refused.png"), full_page=True)

    path = batch_url.removeprefix(console)
    officer_b = await signed_in(
        browser, console, path, **who("officer-b", "殷汇镇民政专干乙", "township_officer", TOWNSHIP)
    )
    await officer_b.click("button:has-text('审批支付批次')")
    await officer_b.wait_for_selector("text=支付批次已审批")
    status = await officer_b.locator("#batch-status").inner_text()
    assert "已审批" in status, status
    assert "officer-b" in await officer_b.locator("main").inner_text()
    await officer_b.screenshot(path=str(shots / "25-batch-approved.png"), full_page=True)

    async with officer_b.expect_download() as info:
        await officer_b.click("#bank-file")
    download = await info.value
    saved = await download.path()
    content = read_text(saved)
    assert download.suggested_filename.startswith("payment-B"), download.suggested_filename
    assert provider in content, content  # the default format has every column
    await officer_b.reload()
    assert "已发送银行" in await officer_b.locator("#batch-status").inner_text()
    await officer_b.screenshot(path=str(shots / "26-bank-file-sent.png"), full_page=True)

    # The bank's return says every line was paid: the page shows each row's outcome.
    await officer_b.set_input_files("#bank-return", bank_return(content, saved))
    await officer_b.click("button:has-text('导入银行回盘')")
    outcomes = await officer_b.locator("table", has_text="回盘导入结果").inner_text()
    assert "支付成功" in outcomes, outcomes
    assert "已对账" in await officer_b.locator("#batch-status").inner_text()
    await officer_b.screenshot(path=str(shots / "27-bank-return.png"), full_page=True)
    await reversed_by_two(officer_a, officer_b, statement_url, shots)


async def reversed_by_two(officer_a: Page, officer_b: Page, statement: str, shots: Path) -> None:
    """The bank bounced the payment: A asks to reverse it, may not approve it; B approves."""
    await officer_a.goto(statement)
    await officer_a.click("#payment-reversal")
    await officer_a.fill("#reason", "银行退票：收款账户已销户")
    await officer_a.click("button:has-text('申请冲销支付')")
    await officer_a.wait_for_selector("text=冲销支付已申请")
    await officer_a.click("button:has-text('审批冲销支付')")
    refusal = await officer_a.locator(".problem").inner_text()
    assert FOUR_EYES_ZH in refusal and "four_eyes_required" in refusal, refusal
    await officer_b.goto(f"{statement}/payment-reversal")
    assert "officer-a" in await officer_b.locator("#pending-by").inner_text()
    await officer_b.click("button:has-text('审批冲销支付')")
    await officer_b.wait_for_selector("text=冲销支付已审批")
    await officer_b.goto(statement)
    assert "已确认" in await officer_b.locator("#statement-status").inner_text()
    await officer_b.screenshot(path=str(shots / "43-payment-reversed.png"), full_page=True)
    await exception_resolved(officer_b, statement.split("/statements/")[0], shots)


async def exception_resolved(officer: Page, console: str, shots: Path) -> None:
    """The return's stray row waits in 支付异常 until a person notes what they did about it."""
    await officer.goto(f"{console}/payment-exceptions")
    row = officer.locator("tr", has_text=STRAY_REFERENCE)
    assert await row.count() == 1, await officer.locator("main").inner_text()
    await officer.screenshot(path=str(shots / "29-payment-exceptions.png"), full_page=True)
    await row.locator("textarea").fill("已电话核实：银行误列他行业务，已请银行更正")
    async with officer.expect_navigation():
        await row.locator("button").click()
    assert await officer.locator("tr", has_text=STRAY_REFERENCE).count() == 0  # no longer open
    await officer.goto(f"{console}/payment-exceptions?state=resolved")
    done = await officer.locator("tr", has_text=STRAY_REFERENCE).inner_text()
    assert "已处理" in done and "银行误列他行业务" in done, done


async def county_screens(county: Page, console: str, period: str, shots: Path) -> None:
    """目录与收费 as in force; 抽查: a draw for the year, one result recorded; 绩效评价 viewed
    (not run: a run may pause referrals to providers other journeys still use)."""
    await county.goto(f"{console}/catalogue")
    assert "LC-03" in await county.locator("main").inner_text()
    assert not await county.locator(".problem").count()
    await county.screenshot(path=str(shots / "40-catalogue.png"), full_page=True)

    year = period[:4]
    await county.goto(f"{console}/spot-checks?year={year}")
    await county.click(f"button:has-text('抽取 {year} 年样本')")
    drawn = await county.locator("p.notice").inner_text()
    assert "已抽取" in drawn, await county.locator("main").inner_text()
    first = county.locator("select[id^='outcome-']").first
    spot_check = str(await first.get_attribute("id")).removeprefix("outcome-")
    await first.select_option("confirmed")
    async with county.expect_navigation():
        await county.locator("form[action$='/result'] button").first.click()
    recorded = await county.locator("main").inner_text()
    assert "抽查结果已登记。" in recorded, recorded
    assert await county.locator(f"#outcome-{spot_check}").count() == 0  # no longer open
    await county.screenshot(path=str(shots / "41-spot-checks.png"), full_page=True)

    await county.goto(f"{console}/performance?month={period}")
    assert not await county.locator(".problem").count(), await county.locator("main").inner_text()
    await county.screenshot(path=str(shots / "42-performance.png"), full_page=True)
