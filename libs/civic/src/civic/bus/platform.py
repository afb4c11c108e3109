"""Provisioning the platform's bus: its topics, its fixed principals and their ACLs.

Run by the launcher once Kafka answers, by compose's one-shot ``kafka-init`` container and
by test fixtures; every step is idempotent, so running it again repairs what is missing.
"""

from __future__ import annotations

from pathlib import Path

from civic.bus.admin import BusAdmin
from civic.bus.grants import platform_grants, retired_grants
from civic.secrets import KAFKA_PRINCIPALS, password_of
from contracts import topics

#: Dead letters wait until someone re-drives them, however long that takes.
DLQ_CONFIG = {"retention.ms": "-1", "retention.bytes": "-1"}
#: Reads of personal data are kept 200 days (the Cybersecurity Law asks six months at least).
AUDIT_CONFIG = {"retention.ms": str(200 * 24 * 3600 * 1000), "retention.bytes": "-1"}


def topic_config(replication: int) -> dict[str, str]:
    """Settings of every platform topic: with three brokers, a write needs two of them."""
    return {"min.insync.replicas": "2" if replication >= 3 else "1"}


def provision(
    admin: BusAdmin, secrets_dir: Path, *, partitions: int, replication: int = 1
) -> list[str]:
    """Creates the topics, users and ACLs that are missing; returns the topics it created."""
    for principal in KAFKA_PRINCIPALS:
        if principal != "admin":  # the super user is made when the storage is formatted
            admin.upsert_user(principal, password_of(secrets_dir, principal))
    admin.grant(platform_grants())
    admin.revoke(retired_grants())  # an older release's rows, e.g. the city's on v1
    base = topic_config(replication)
    created = admin.ensure_topics(
        [t for t in topics.PLATFORM_TOPICS if t != topics.AUDIT_READS],
        partitions=partitions,
        replication=replication,
        config=base,
    )
    created += admin.ensure_topics(
        [topics.AUDIT_READS],
        partitions=partitions,
        replication=replication,
        config=base | AUDIT_CONFIG,
    )
    dlqs = [topics.dlq(t) for t in topics.PLATFORM_TOPICS]
    created += admin.ensure_topics(
        dlqs, partitions=partitions, replication=replication, config=base | DLQ_CONFIG
    )
    return created
