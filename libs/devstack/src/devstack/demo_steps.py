"""The demo's steps, each one looking before it acts: what exists is counted, not created."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from civic import clock
from contracts import calendar
from devstack.demo_people import PROVIDER_KINDS, Applicant, provider_code
from devstack.journeys.api import Api
from devstack.journeys.care import trained_worker
from devstack.journeys.db import wait_until

OFFICER, STAFF, COORD, COUNTY_USER = "demo-officer", "demo-village", "demo-coord", "demo-county"


@dataclass
class Tally:
    """What a run created and what it found already there, per kind of thing."""

    created: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)

    def mark(self, what: str, *, new: bool) -> None:
        """Counts one thing as created or as found."""
        (self.created if new else self.found)[what] += 1


@dataclass
class Demo:
    """The running stack's API with the demo's county, month and tallies."""

    api: Api
    county: str
    tally: Tally = field(default_factory=Tally)

    def officer(self, township: str) -> str:
        """A township officer's token."""
        return self.api.token(roles=["township_officer"], division=township, user_id=OFFICER)

    def county_officer(self) -> str:
        """A county officer's token."""
        return self.api.token(roles=["county_officer"], division=self.county, user_id=COUNTY_USER)

    def provider(self, code: str) -> str:
        """A provider's token."""
        return self.api.token(roles=["provider"], provider_code=code, user_id=f"u-{code}")

    async def get(self, service: str, path: str, token: str) -> Any:
        """GETs JSON, failing loudly on anything but 200."""
        got = await self.api.call(service, "GET", path, token=token)
        if got.status_code != 200:
            raise RuntimeError(f"{service} GET {path}: {got.status_code} {got.text[:300]}")
        return got.json()

    async def send(
        self, service: str, method: str, path: str, token: str, body: Any = None, **kw: Any
    ) -> Any:
        """Sends a change, retrying while the service is briefly away (503)."""
        for _ in range(40):
            got = await self.api.call(service, method, path, token=token, json=body, **kw)
            if got.status_code != 503:
                break
            await asyncio.sleep(0.5)
        if got.status_code not in (200, 201):
            raise RuntimeError(f"{service} {method} {path}: {got.status_code} {got.text[:300]}")
        return got.json()

    async def pages(self, service: str, path: str, token: str) -> list[dict[str, Any]]:
        """Every item of a paged list."""
        items: list[dict[str, Any]] = []
        joiner = "&" if "?" in path else "?"
        for page in range(1, 1000):
            got = await self.get(service, f"{path}{joiner}size=100&page={page}", token)
            items += got["items"]
            if len(items) >= got["total"] or not got["items"]:
                break
        return items


async def ensure_catalogue(demo: Demo) -> None:
    """The county's catalogue and fee standard (seeded by settlement at first start)."""
    token = demo.county_officer()

    async def in_force() -> Any:
        got = await demo.api.call("settlement", "GET", f"/catalogue/{demo.county}", token=token)
        return got.json() if got.status_code == 200 else None

    await wait_until(in_force, timeout=60)
    demo.tally.mark("catalogue", new=False)


async def ensure_providers(demo: Demo, townships: list[str], villages: list[str]) -> None:
    """One provider of every mode per township, serving its villages."""
    token = demo.county_officer()
    for township in townships:
        areas = [v for v in villages if v.startswith(township)]
        for suffix, kind, mode, items, name in PROVIDER_KINDS:
            code = provider_code(township, suffix)
            got = await demo.api.call("dispatch", "GET", f"/providers/{code}", token=token)
            if got.status_code == 200:
                demo.tally.mark("providers", new=False)
                continue
            body = _provider_body(code, kind, mode, list(items), areas, name)
            await _register(demo, body, token)
            demo.tally.mark("providers", new=True)


async def _register(demo: Demo, body: dict[str, Any], token: str) -> None:
    async def attempt() -> bool:
        got = await demo.api.call("dispatch", "POST", "/providers", token=token, json=body)
        if got.status_code == 201:
            return True
        # Dispatch's copy of settlement's catalogue may not have arrived yet.
        if got.status_code == 503 or got.json().get("code") == "item_not_in_catalogue":
            return False
        raise RuntimeError(f"provider {body['code']} refused: {got.status_code} {got.text[:300]}")

    await wait_until(attempt, timeout=60)


def _provider_body(
    code: str, kind: str, mode: str, items: list[str], areas: list[str], name: str
) -> dict[str, Any]:
    return {
        "code": code,
        "name_zh": f"贵池区{name}({code[4:7]})",
        "provider_type": kind,
        "areas": areas,
        "item_codes": items,
        "modes": [mode],
        "capacity": 1000,
        "qualification": {
            "name_zh": "民办非企业单位登记证书",
            "number": f"Q-{code}",
            "valid_from": "2023-01-01",
            "valid_until": (clock.today() + timedelta(days=730)).isoformat(),
        },
        "contacts": [{"name_zh": "李主任", "phone": "13805660000"}],
    }


#: A person's four visits today (two items, two visits each) take turns, in this order.
VISIT_SLOTS = 4
#: How long a visit lasts, at most, and the span of today the visits are laid out on.
_VISIT, _SPAN = timedelta(minutes=45), timedelta(hours=4)


def service_times(slot: int) -> tuple[datetime, datetime]:
    """When one of a person's visits today began and ended: the ``slot``-th turn of the time
    since midnight (dispatch starts an order on the day it is placed, and refuses visits in
    the future). Later calls only see a longer day, so turns of one person never overlap."""
    now = clock.now()
    midnight = calendar.start_of_day(calendar.day_of(now))
    span = min(now - timedelta(minutes=1) - midnight, _SPAN)
    if span < timedelta(minutes=VISIT_SLOTS):
        raise RuntimeError("今日刚过零点，服务记录须晚几分钟再报送：请稍后再运行 make demo")
    turn = span / VISIT_SLOTS
    began = now - span + turn * slot
    return began, began + min(_VISIT, turn * 0.8)


def worker_ref(person: Applicant) -> str:
    """The worker who serves this person (one each, so no two visits overlap)."""
    return f"demo-w{person.index:04d}"


async def ensure_worker(demo: Demo, provider: str, person: Applicant) -> None:
    """The provider's register entry for the person's worker (a repeat changes nothing)."""
    body = trained_worker(worker_ref(person), today=clock.today())
    path = f"/provider/workers/{worker_ref(person)}"
    await demo.send("dispatch", "PUT", path, demo.provider(provider), body)
