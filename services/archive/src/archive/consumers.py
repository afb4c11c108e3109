"""What archive listens to on Kafka, and which use case each event triggers."""

from __future__ import annotations

from civic.consumer import TopicConsumer


def build_consumers() -> list[TopicConsumer]:
    """Returns archive's subscriptions."""
    return []
