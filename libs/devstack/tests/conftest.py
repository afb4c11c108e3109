"""One real stack (Kafka, PostgreSQL, span sink) on free ports, shared by the suite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.procs import find_repo_root
from devstack.stack import Ports, Stack


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return find_repo_root(Path(__file__).parent)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory, repo_root: Path) -> Iterator[Stack]:
    state = tmp_path_factory.mktemp("devstack-state")
    stack = Stack(state, ports=Ports.free(), partitions=3, repo_root=repo_root)
    try:
        stack.start_infra()
        yield stack
    finally:
        stack.stop()
