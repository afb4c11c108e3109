"""One demo applicant's way through the services, as far as the plan takes them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from civic import clock
from contracts import calendar, resident_id
from devstack.demo_people import Applicant, Stage
from devstack.demo_steps import COORD, STAFF, Demo, ensure_worker, service_times, worker_ref
from devstack.journeys.db import wait_until

_ITEMS = [
    {
        "item_code": "LC-03",
        "mode": "government_purchase",
        "frequency": {"times": 1, "per": "day"},
        "funding_source": "home_elderly_care",
    },
    {
        "item_code": "CL-01",
        "mode": "government_purchase",
        "frequency": {"times": 2, "per": "month"},
        "funding_source": "tekun_care",
    },
]
_NEEDS = ["life_care", "cleaning"]


def _items_for(person: Applicant) -> list[dict[str, Any]]:
    """The approved items; 特困 cleaning is paid from the 特困 care fund, 低保's is not."""
    if category(person) == "tekun":
        return _ITEMS
    return [_ITEMS[0], {**_ITEMS[1], "funding_source": "other_service_aid"}]


def masked(id_number: str) -> str:
    """How intake's staff list shows an ID number."""
    return resident_id.mask(id_number)


def category(person: Applicant) -> str:
    """The assistance category claimed, registered and recommended: mostly 特困, some 低保."""
    return "dibao" if person.index % 3 == 0 else "tekun"


async def submit(demo: Demo, person: Applicant) -> dict[str, Any]:
    """The WeChat app submits the application (a retry with its key gets the first answer)."""
    body = {
        "channel": "wechat",
        "applicant": {"name": person.name, "id_number": person.id_number, "phone": "13805661234"},
        "household": {"members": []},
        "category": category(person),
        "special_conditions": ["semi_disabled_elder"],
        "requested_item_codes": ["LC-03", "CL-01"],
        "consent_to_data_use": True,
        "village_code": person.village,
    }
    token = demo.api.token(roles=["applicant_app"], user_id=f"wx-{person.key('app').hex[:12]}")
    headers = {"Idempotency-Key": str(person.key("submit"))}
    answer: dict[str, Any] = await demo.send(
        "intake", "POST", "/applications", token, body, headers=headers
    )
    demo.tally.mark("applications", new=True)
    return answer


async def register(demo: Demo, person: Applicant, app_id: str) -> None:
    """The township officer registers and classifies the application."""
    body = {
        "category": category(person),
        "special_conditions": ["semi_disabled_elder"],
        "requested_item_codes": ["LC-03", "CL-01"],
        "need_categories": _NEEDS,
    }
    path = f"/applications/{app_id}/registration"
    await demo.send("intake", "POST", path, demo.officer(person.township), body)
    demo.tally.mark("registrations", new=True)


async def survey(demo: Demo, person: Applicant, app_id: str) -> None:
    """The two-person team visits and passes the preliminary review, unless done already."""
    staff = demo.api.token(roles=["village_staff"], division=person.village, user_id=STAFF)
    coord = demo.api.token(roles=["coordinator"], division=person.village, user_id=COORD)
    task = await _task(demo, person, app_id, staff)
    if task["status"] in ("passed", "failed"):
        demo.tally.mark("surveys", new=False)
        return
    sid = task["survey_id"]
    if task["status"] == "open":
        team = {"village_staff_id": STAFF, "coordinator_id": COORD}
        await demo.send("survey", "PUT", f"/survey-tasks/{sid}/team", staff, team)
    if task["status"] in ("open", "team_assigned"):
        path = f"/survey-tasks/{sid}/findings/{person.key('findings')}"
        await demo.send("survey", "PUT", path, coord, _findings(person))
    review = {
        "outcome": "passed",
        "recommended_category": category(person),
        "recommended_conditions": ["semi_disabled_elder"],
        "recommended_item_codes": ["LC-03", "CL-01"],
        "recommended_service_categories": _NEEDS,
        "recommended_modes": ["government_purchase"],
    }
    await demo.send("survey", "POST", f"/survey-tasks/{sid}/preliminary-review", staff, review)
    demo.tally.mark("surveys", new=True)


async def _task(demo: Demo, person: Applicant, app_id: str, staff: str) -> dict[str, Any]:
    async def check() -> dict[str, Any] | None:
        path = f"/survey-tasks?village_code={person.village}"
        tasks = await demo.pages("survey", path, staff)
        mine = [t for t in tasks if t["application_id"] == app_id]
        return mine[0] if mine else None

    task: dict[str, Any] = await wait_until(check, timeout=60, every=0.5)
    return task


def _findings(person: Applicant) -> dict[str, Any]:
    return {
        "visited_at": (clock.now() - timedelta(days=1)).isoformat(),
        "location": {"latitude": 30.6 + person.index % 50 / 1000, "longitude": 117.48},
        "living_situation": {"lives_alone": person.index % 2 == 0, "has_caregiver": False},
        "self_care_level": "moderate",
        "confirmed_conditions": ["semi_disabled_elder"],
        "care_needs": [
            {"service_category": "life_care", "item_codes": ["LC-03"]},
            {"service_category": "cleaning", "item_codes": ["CL-01"]},
        ],
        "household_members": [
            {"name": person.name, "relation": "本人", "id_number": person.id_number}
        ],
        "identity_verified": True,
        "photo_refs": [],
        "confirmed_by": [STAFF, COORD],
    }


async def decide(demo: Demo, person: Applicant, app_id: str) -> None:
    """The township approves (from today) or rejects, once the case is ready."""
    token = demo.officer(person.township)

    async def ready() -> dict[str, Any] | None:
        got = await demo.api.call("review", "GET", f"/review-queue/{app_id}", token=token)
        body: dict[str, Any] = got.json() if got.status_code == 200 else {}
        return body if body.get("preliminary_review") or body.get("decision") else None

    case = await wait_until(ready, timeout=60, every=0.5)
    if case.get("decision"):
        demo.tally.mark("decisions", new=False)
        return
    if person.stage is Stage.REJECTED:
        body: dict[str, Any] = {
            "decision": "reject",
            "reason_code": "no_service_need",
            "reason_zh": "经入户调查，子女照料到位，暂无服务需求",
        }
    else:
        needs = {"self_care_level": "moderate", "need_categories": _NEEDS}
        body = {
            "decision": "approve",
            "need_assessment": needs,
            "items": _items_for(person),
            "effective_date": clock.today().isoformat(),
        }
    path = f"/applications/{app_id}/decision"
    await demo.send("review", "POST", path, token, body)
    demo.tally.mark("decisions", new=True)


async def orders_of(demo: Demo, person: Applicant, person_id: str) -> list[dict[str, Any]]:
    """The person's two placed orders, as the township sees them (waits for referral)."""
    token = demo.officer(person.township)

    async def check() -> list[dict[str, Any]] | None:
        path = f"/townships/{person.township}/orders"
        found = await demo.pages("dispatch", path, token)
        mine = [o for o in found if o["person_id"] == person_id and o["provider_code"]]
        return mine if len(mine) >= len(_ITEMS) else None

    found: list[dict[str, Any]] = await wait_until(check, timeout=60, every=0.5)
    return found


async def accept_and_serve(demo: Demo, person: Applicant, order: dict[str, Any]) -> None:
    """The provider accepts the order and reports today's two visits (each once)."""
    provider = order["provider_code"]
    token = demo.provider(provider)
    if order["status"] == "assigned":
        path = f"/provider/orders/{order['order_id']}/accept"
        await demo.send("dispatch", "POST", path, token, {"order_version": order["version"]})
    demo.tally.mark("orders accepted", new=order["status"] == "assigned")
    officer = demo.officer(person.township)
    known = await demo.get("dispatch", f"/orders/{order['order_id']}/records", officer)
    have = {str(r["record_id"]) for r in _items(known)}
    first_slot = 0 if order["item_code"] == _ITEMS[0]["item_code"] else 2
    for visit in range(2):
        record_id = str(person.key(f"{order['item_code']}:{visit}"))
        if record_id in have:
            demo.tally.mark("service records", new=False)
            continue
        await ensure_worker(demo, provider, person)
        outcome = await demo.send(
            "dispatch",
            "POST",
            "/provider/records",
            token,
            _visit(person, order, record_id, first_slot + visit),
        )
        if not outcome["accepted"]:
            raise RuntimeError(f"record refused: {outcome}")
        demo.tally.mark("service records", new=True)


def _visit(person: Applicant, order: dict[str, Any], record_id: str, slot: int) -> dict[str, Any]:
    began, ended = service_times(slot)
    return {
        "record_id": record_id,
        "order_id": order["order_id"],
        "item_code": order["item_code"],
        "quantity": 1,
        "service_date": calendar.day_of(began).isoformat(),
        "started_at": began.isoformat(),
        "ended_at": ended.isoformat(),
        "worker_ref": worker_ref(person),
        "recipient_confirmed": True,
        "confirmation_ref": f"签字单-{person.index:04d}-{slot}",
        "location": "home",
    }


def _items(answer: Any) -> list[dict[str, Any]]:
    return list(answer["items"] if isinstance(answer, dict) else answer)
