"""The fuzz suite's stack, its seed, the data it aims at, and its closing report.

``make test-fuzz`` (and ``scripts/test-suites.sh``) fuzz a fresh stack: ``e2e_stack``, the six
services as real processes on a secured Kafka and PostgreSQL. ``make fuzz`` sets
``FUZZ_STACK=dev`` to fuzz the stack ``make up`` runs instead.

Every session draws a fresh seed unless ``FUZZ_SEED`` is given; it is printed first and last,
so a failing run can be replayed (``FUZZ_SEED=<seed> make test-fuzz``).
"""

from __future__ import annotations

import json
import os
import secrets
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from civic import clock
from contracts import calendar
from devstack.journeys import care
from devstack.journeys.application import COUNTY, TOWNSHIP, VILLAGE, catalogue_loaded
from devstack.journeys.db import wait_until
from devstack.services import SERVICES
from devstack.stack import Stack

SEED = pytest.StashKey[int]()
LINES = pytest.StashKey[list[str]]()


def pytest_configure(config: pytest.Config) -> None:
    given = os.environ.get("FUZZ_SEED", "").strip()
    config.stash[SEED] = int(given) if given else secrets.randbelow(2**31)
    config.stash[LINES] = []


def _replay(seed: int) -> str:
    return (
        f"fuzz seed: {seed} (replay: FUZZ_SEED={seed} make test-fuzz, or st run ... --seed {seed})"
    )


def pytest_report_header(config: pytest.Config) -> str:
    return _replay(config.stash[SEED])


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """The table of what each service got, and the seed again (CI shows the end of the log)."""
    lines = config.stash.get(LINES, [])
    if not lines:
        return
    terminalreporter.write_line("fuzz: what each service got")
    for line in lines:
        terminalreporter.write_line(line)
    terminalreporter.write_line(_replay(config.stash[SEED]))


@pytest.fixture(scope="session")
def fuzz_seed(pytestconfig: pytest.Config) -> int:
    """This session's seed (fresh unless FUZZ_SEED is set)."""
    return pytestconfig.stash[SEED]


@pytest.fixture(scope="session")
def fuzz_report(pytestconfig: pytest.Config) -> list[str]:
    """Lines for the closing summary, one per service."""
    return pytestconfig.stash[LINES]


@pytest.fixture(scope="session")
def fuzz_stack(request: pytest.FixtureRequest) -> Stack:
    """The stack under test: a fresh one, or the one ``make up`` runs (FUZZ_STACK=dev)."""
    if os.environ.get("FUZZ_STACK") != "dev":
        stack: Stack = request.getfixturevalue("e2e_stack")
        return stack
    from devstack.cli import state_dir

    stack = Stack(state_dir())
    for name in SERVICES:
        try:
            ready = httpx.get(f"{stack.service_url(name)}/readyz", timeout=5).status_code == 200
        except httpx.HTTPError:
            ready = False
        if not ready:
            pytest.fail(f"{name} does not answer at {stack.service_url(name)}: run `make up` first")
    return stack


@dataclass
class World:
    """Real values the fuzzer mixes into what it generates, so requests get past "not found"
    and "outside your jurisdiction" to the code behind them: the divisions of the journeys'
    village and the ids of one recipient's case (application, survey, recipient, two providers
    with an accepted order each, a service record, the archive file)."""

    values: dict[str, list[str | int]]
    providers: list[str]
    config_dir: Path = field(default_factory=Path)

    def config_file(self) -> Path:
        """A schemathesis.toml binding each parameter to its real values (see ``BINDINGS``)."""
        lines = ["[cache]", "enabled = false", ""]
        bound = [(key, name, p) for key, name, p in BINDINGS if self.values.get(name)]
        for name in dict.fromkeys(name for _, name, _ in bound):
            lines += [f"[dictionaries.{name}]", f"values = {json.dumps(self.values[name])}", ""]
        lines.append("[parameters]")
        for key, name, probability in bound:
            lines.append(f'"{key}" = {{ dictionary = "{name}", probability = {probability} }}')
        path = self.config_dir / "schemathesis.toml"
        path.write_text("\n".join(lines) + "\n")
        return path


#: (parameter, dictionary, probability of drawing from the dictionary instead of generating).
#: A bare name binds a path, query or header parameter; ``body.`` a field of a JSON body.
#: Ids and divisions are real ones; days, months, years and instants mix today with the ends
#: of the calendar (year 1, year 9999, a zone that moves them past either end), which random
#: generation almost never draws and which broke date arithmetic before (issue 14).
BINDINGS: tuple[tuple[str, str, float], ...] = (
    ("village_code", "village", 0.8),
    ("township_code", "township", 0.8),
    ("county_code", "county", 0.8),
    ("division_code", "county_or_township", 0.8),
    ("division", "division", 0.7),
    ("application_id", "application", 0.8),
    ("survey_id", "survey", 0.8),
    ("recipient_id", "recipient", 0.8),
    ("order_id", "order", 0.8),
    ("code", "provider", 0.8),
    ("file_id", "file", 0.8),
    ("month", "month", 0.6),
    ("period", "month", 0.4),
    ("year", "year", 0.6),
    ("as_of", "day", 0.4),
    ("on", "day", 0.4),
    ("body.village_code", "village", 0.7),
    ("body.areas[*]", "village", 0.7),
    ("body.provider_code", "provider", 0.7),
    ("body.order_id", "order", 0.7),
    ("body.records[*].order_id", "order", 0.7),
    ("body.items[*].order_id", "order", 0.7),
    ("body.recipient_id", "recipient", 0.7),
    ("body.person_id", "person", 0.7),
    ("body.item_code", "item", 0.6),
    ("body.items[*].item_code", "item", 0.6),
    *(
        (f"body.{name}", "day", 0.4)
        for name in (
            "effective_date",
            "service_date",
            "paid_on",
            "starts_on",
            "ends_on",
            "trained_on",
            "agreement_ends_on",
            "admission_date",
            "qualification.valid_from",
            "qualification.valid_until",
            "records[*].service_date",
        )
    ),
    *(
        (f"body.{name}", "instant", 0.4)
        for name in (
            "started_at",
            "ended_at",
            "visited_at",
            "occurred_at",
            "pressed_at",
            "records[*].started_at",
            "records[*].ended_at",
        )
    ),
)


@pytest.fixture(scope="session")
async def fuzz_world(fuzz_stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> World:
    """Seeds the stack with one approved recipient and collects the values to aim at."""
    for service in ("intake", "review"):
        await catalogue_loaded(fuzz_stack, service)
    tag = f"fz{uuid.uuid4().hex[:6]}"
    case, recipient_id, orders = await care.approved_with_two_providers(fuzz_stack, tag)
    provider, order = orders[0]
    served = await care.report_service(case.api, provider, order, minutes_ago=5)
    assert served.status_code == 200, served.text
    token = case.api.token(roles=["county_officer"], division=COUNTY, user_id="fuzz-seed")

    async def archived() -> str | None:
        # Any file of the village will do (under `make up` there may be older ones).
        got = await case.api.call("archive", "GET", f"/files?division={VILLAGE}", token=token)
        files = got.json()["items"] if got.status_code == 200 else []
        return str(files[-1]["file_id"]) if files else None

    file_id = await wait_until(archived, timeout=30)
    month = calendar.month_of(clock.now())
    today = clock.today().isoformat()
    values: dict[str, list[str | int]] = {
        "village": [VILLAGE],
        "township": [TOWNSHIP],
        "county": [COUNTY],
        "county_or_township": [COUNTY, TOWNSHIP],
        "division": [COUNTY, TOWNSHIP, VILLAGE],
        "application": [case.application_id],
        "survey": [case.survey_id],
        "recipient": [recipient_id],
        "person": [case.person_id],
        "order": [o["order_id"] for _, o in orders],
        "provider": [p for p, _ in orders],
        "file": [file_id],
        "month": [month, "0000-01", "0001-01", "9999-12"],
        "year": [int(month[:4]), 0, 1, 9999, 10000, -1],
        "day": [today, "0001-01-01", "9999-12-31"],
        "instant": [
            clock.now().isoformat(),
            "0001-01-01T00:00:00+08:00",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "9999-12-31T23:59:59-12:00",
        ],
        "item": ["LC-03", "CL-01"],
    }
    return World(values, [p for p, _ in orders], tmp_path_factory.mktemp("schemathesis"))


@pytest.fixture(scope="session")
def pycache(fuzz_stack: Stack) -> Path:
    """Where Schemathesis's bytecode is cached across its runs (each run starts ~1 s sooner)."""
    folder = fuzz_stack.repo_root / ".state" / "fuzz" / "pycache"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
