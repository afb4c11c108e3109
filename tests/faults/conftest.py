"""The fault suite's stack: a broker with a second listener behind a proxy the tests control,
a population of recipients shared by every fault, and the table of what each fault did."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from devstack import procs
from devstack.faults import Recipient, approve
from devstack.journeys.application import catalogue_loaded
from devstack.kafka import ProxiedListener
from devstack.proxy import FaultProxy
from devstack.stack import Ports, Stack

ROWS: list[str] = []
HEADER = (
    "| fault | status changes accepted | dispatch rows / provider notices | settlement rows "
    "| archive records | duplicates absorbed by consumers | copies re-sent (same event id) "
    "| lost | dead-lettered |\n|---|---|---|---|---|---|---|---|---|"
)


@pytest.fixture(scope="session")
def kafka_proxy_port() -> int:
    """Where the proxy in front of the broker's second listener will listen."""
    return procs.free_port()


@pytest.fixture(scope="session")
def stack(test_state: Path, repo_root: Path, kafka_proxy_port: int) -> Iterator[Stack]:
    """Kafka (with a listener reached only through a proxy), PostgreSQL and the sink."""
    proxied = ProxiedListener(port=procs.free_port(), proxy_port=kafka_proxy_port)
    st = Stack(test_state, ports=Ports.free(), partitions=3, repo_root=repo_root, proxied=proxied)
    try:
        st.start_infra()
        yield st
    finally:
        st.stop()


@pytest.fixture
async def kafka_proxy(stack: Stack, kafka_proxy_port: int) -> AsyncIterator[FaultProxy]:
    """The proxy to the broker's second listener: clients that use it can be cut off."""
    assert stack.kafka.proxied is not None
    proxy = await FaultProxy(stack.kafka.proxied.port, port=kafka_proxy_port).start()
    try:
        yield proxy
    finally:
        await proxy.stop()


@pytest.fixture(scope="session")
async def population(e2e_stack: Stack) -> list[Recipient]:
    """Three recipients, each with two orders accepted by providers."""
    for service in ("intake", "review"):
        await catalogue_loaded(e2e_stack, service)
    return await approve(e2e_stack, 3)


@pytest.fixture(scope="session")
def fault_table() -> Any:
    """Adds a fault's line to the table printed at the end of the run."""

    previous: list[Any] = []

    def record(fault: str, effects: Any) -> None:
        # The checks cover every change so far; the table shows what this fault added.
        shown = effects.since(previous[-1]) if previous else effects
        previous.append(effects)
        ROWS.append(shown.row(fault))

    return record


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Prints the fault table (and keeps it under .state/ for the closing note)."""
    if not ROWS:
        return
    table = "\n".join([HEADER, *ROWS])
    terminalreporter.write_line("\nfault suite:\n" + table)
    out = Path(__file__).resolve().parents[2] / ".state" / f"fault-table-{uuid.uuid4().hex[:6]}.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(table + "\n")
