"""The cluster test's stack: three Kafka nodes (replication 3, min ISR 2), PostgreSQL, the
sink, and, through ``e2e_stack``, two instances of every service behind HAProxy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.faults import Recipient, approve
from devstack.journeys.application import catalogue_loaded
from devstack.ports import Ports
from devstack.stack import Stack


@pytest.fixture(scope="session")
def stack(test_state: Path, repo_root: Path) -> Iterator[Stack]:
    """Three Kafka nodes, PostgreSQL and the sink, on free ports."""
    ports = Ports.free(kafka_nodes=3, instances=2)
    st = Stack(test_state, ports=ports, partitions=3, repo_root=repo_root)
    try:
        st.start_infra()
        yield st
    finally:
        st.stop()


@pytest.fixture
async def population(e2e_stack: Stack) -> list[Recipient]:
    """Three recipients, each with two orders accepted by providers (through the balancer)."""
    for service in ("intake", "review"):
        await catalogue_loaded(e2e_stack, service)
    return await approve(e2e_stack, 3)
