"""Shared pieces of the benchmarks: a private stack, tables, percentiles."""

from __future__ import annotations

import contextlib
import shutil
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

from bench.raw_kafka import percentile
from devstack.procs import find_repo_root
from devstack.stack import Ports, Stack


@contextlib.contextmanager
def private_stack(*, services: bool = True, partitions: int = 6) -> Iterator[Stack]:
    """A fresh stack on free ports under .state/bench, removed afterwards."""
    root = find_repo_root()
    state = root / ".state" / "bench" / f"run-{uuid.uuid4().hex[:6]}"
    stack = Stack(state, ports=Ports.free(), partitions=partitions, repo_root=root)
    try:
        stack.start_infra()
        if services:
            stack.start_services(extra_env={"LOG_LEVEL": "WARNING"})
        yield stack
    finally:
        stack.stop()
        shutil.rmtree(state, ignore_errors=True)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Renders a plain text table."""
    cells = [list(map(str, headers))] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def ms_row(name: str, samples: Sequence[float], baseline_p50: float | None = None) -> list[object]:
    """p50/p95/p99 in milliseconds (samples in seconds), with the ratio to a baseline p50."""
    p50, p95, p99 = (percentile(list(samples), q) * 1000 for q in (50, 95, 99))
    ratio = f"{p50 / (baseline_p50 * 1000):.0f}x" if baseline_p50 else "1x"
    return [name, len(samples), f"{p50:.1f}", f"{p95:.1f}", f"{p99:.1f}", ratio]


def repo_path(*parts: str) -> Path:
    """A path inside the repository."""
    return find_repo_root().joinpath(*parts)
