"""One clock: no code in services/ or libs/ reads the machine's time for itself.

Business dates are Chizhou days from ``civic.clock``; a new ``datetime.now()``,
``date.today()``, ``time.time()`` or a zone of its own anywhere else fails here. The
contracts package is installed alone by providers, so it cannot use our clock: it may
read the machine's time, but only with a zone.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
THE_CLOCK = ROOT / "libs/civic/src/civic/clock.py"
THE_ZONE = ROOT / "libs/contracts/src/contracts/calendar.py"
CONTRACTS = ROOT / "libs/contracts/src"

_READS = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today")}


def _sources() -> Iterator[Path]:
    for top in ("services", "libs"):
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = set(path.relative_to(ROOT).parts)
            if not parts & {"tests", "migrations", ".venv"} and path != THE_CLOCK:
                yield path


def _owner(node: ast.expr) -> str | None:
    """``datetime`` for ``datetime.now`` and ``dt.datetime.now``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def offences(source: str, path: Path) -> list[str]:
    """Every read of the machine's time, and every zone made outside contracts.calendar."""
    in_contracts = CONTRACTS in path.parents
    found = []
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if not isinstance(node, ast.Call):
            continue
        where = f"{path.relative_to(ROOT)}:{node.lineno}"
        if isinstance(node.func, ast.Name):
            if node.func.id == "ZoneInfo" or (node.func.id == "timezone" and path != THE_ZONE):
                found.append(f"{where} a time zone of its own")
            continue
        if not isinstance(node.func, ast.Attribute):
            continue
        owner, name = _owner(node.func.value), node.func.attr
        if (owner, name) in _READS:
            naive = name != "now" or not (node.args or node.keywords)
            if naive or not in_contracts:
                found.append(f"{where} {owner}.{name}(...)")
        elif (owner, name) in {("time", "time"), ("time", "time_ns")}:
            found.append(f"{where} time.{name}()")
    return found


def test_nothing_outside_the_clock_reads_the_machine_time() -> None:
    found = [offence for path in _sources() for offence in offences(path.read_text(), path)]
    assert not found, "use civic.clock (now/today) and contracts.calendar instead:\n" + "\n".join(
        found
    )


@pytest.mark.parametrize(
    ("code", "caught"),
    [
        ("from datetime import date\nd = date.today()\n", True),
        ("from datetime import datetime\nn = datetime.now()\n", True),
        ("from datetime import UTC, datetime\nn = datetime.now(UTC)\n", True),
        ("import datetime as dt\nn = dt.datetime.utcnow()\n", True),
        ("import time\nt = time.time()\n", True),
        ("from zoneinfo import ZoneInfo\nz = ZoneInfo('Asia/Shanghai')\n", True),
        ("from datetime import timedelta, timezone\nz = timezone(timedelta(hours=8))\n", True),
        ("from civic import clock\nn = clock.now()\nd = clock.today()\n", False),
        ("import time\nt = time.monotonic()\n", False),
    ],
)
def test_the_rule_catches_each_way_of_reading_the_time(code: str, caught: bool) -> None:
    in_a_service = ROOT / "services" / "example" / "src" / "example.py"
    assert bool(offences(code, in_a_service)) is caught


def test_contracts_may_read_the_machine_time_only_with_a_zone() -> None:
    in_contracts = CONTRACTS / "contracts" / "example.py"
    aware = "from datetime import UTC, datetime\nn = datetime.now(UTC)\n"
    naive = "from datetime import date\nd = date.today()\n"
    assert offences(aware, in_contracts) == []
    assert offences(naive, in_contracts)
