"""What county IT sees at a service's ``/metrics``, read by tests instead of waiting blind."""

from __future__ import annotations

import re

import httpx


async def metrics_text(client: httpx.AsyncClient, base_url: str = "") -> str:
    """The Prometheus exposition of one service (``client`` may be bound to an in-process app)."""
    got = await client.get(f"{base_url}/metrics")
    assert got.status_code == 200, got.text
    assert got.headers["content-type"].startswith("text/plain")
    return got.text


def metric(exposition: str, name: str, **labels: str) -> float | None:
    """The value of the sample ``name`` with exactly ``labels``, None when there is none."""
    for line in exposition.splitlines():
        sample, _, value = line.rpartition(" ")
        found, _, rest = sample.partition("{")
        if found == name and dict(re.findall(r'(\w+)="([^"]*)"', rest)) == labels:
            return float(value)
    return None


async def consumed(client: httpx.AsyncClient, *, topic: str, group: str, outcome: str) -> float:
    """How many messages of ``topic`` the consumer ``group`` has counted with ``outcome``."""
    text = await metrics_text(client)
    found = metric(text, "civic_kafka_messages_total", topic=topic, group=group, outcome=outcome)
    return found or 0.0
