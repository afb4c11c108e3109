"""What dispatch listens to on Kafka, and which use case each event triggers."""

from __future__ import annotations

from civic.consumer import TopicConsumer


def build_consumers() -> list[TopicConsumer]:
    """Returns dispatch's subscriptions."""
    return []
