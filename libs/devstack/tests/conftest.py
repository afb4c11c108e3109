"""One real stack (Kafka, PostgreSQL, span sink) on free ports, shared by the suite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.stack import Ports, Stack


@pytest.fixture(scope="session")
def stack(test_state: Path, repo_root: Path) -> Iterator[Stack]:
    # Under the session's state folder, not pytest's tmp: PostgreSQL runs as postgres.
    state = test_state / "devstack"
    stack = Stack(state, ports=Ports.free(), partitions=3, repo_root=repo_root)
    try:
        stack.start_infra()
        yield stack
    finally:
        stack.stop()
