"""Least privilege on the bus: every principal, and exactly what it may do.

One table for the whole platform, applied by ``civic.bus.admin`` and printed as the table in
``docs/kafka-security.md`` (``python -m civic.bus.grants`` writes it; a test keeps the page
and the services' own subscriptions in step with this module):

* each service WRITEs the topics it publishes (and the big-data mirror, the audit of reads
  of personal data, and the dead-letter topics of what it consumes), READs the topics it
  consumes in its own group, and may DESCRIBE the re-drive group ``civic-dlq-redrive`` (to
  export the depth of its dead-letter topics: end offset minus what was re-driven), nothing
  else;
* provider P READs ``dispatch.provider.P.v1`` in groups ``provider.P.*`` and WRITEs
  ``provider.P.replies.v1``, nothing else (not even DESCRIBE on other topics);
* the city's assistance system WRITEs ``assistance.status.v2`` only; the big-data platform
  READs ``bigdata.events.v1`` in groups ``bigdata.*`` only;
* operations read and re-drive dead letters (reading the original topic too, to find what an
  interrupted re-drive already sent: ``civic.dlq_cli``) and may delete topics; nobody else may.

Kafka matches ACLs by literal name or by prefix only, so a provider's rows are made when it
is registered (``provider_grants``) and removed when it is suspended.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from contracts import topics


class Op(enum.StrEnum):
    """Kafka ACL operations the platform uses."""

    READ = "READ"
    WRITE = "WRITE"
    DESCRIBE = "DESCRIBE"
    CREATE = "CREATE"
    DELETE = "DELETE"
    ALTER = "ALTER"
    DESCRIBE_CONFIGS = "DESCRIBE_CONFIGS"


class Kind(enum.StrEnum):
    """Kafka resource types the platform uses."""

    TOPIC = "TOPIC"
    GROUP = "GROUP"
    CLUSTER = "CLUSTER"


CLUSTER_NAME = "kafka-cluster"


@dataclass(frozen=True)
class Grant:
    """ALLOW ``operation`` on a resource (a literal name, or every name with a prefix)."""

    principal: str
    kind: Kind
    name: str
    operation: Op
    prefixed: bool = False

    def describe(self) -> str:
        """``READ topic survey.surveys.v1`` / ``READ group provider.p1.*`` for the docs."""
        star = "*" if self.prefixed else ""
        return f"{self.operation} {self.kind.lower()} {self.name}{star}"


@dataclass(frozen=True)
class Uses:
    """What one service does on the bus: the topics it reads and those it writes."""

    reads: tuple[str, ...]
    writes: tuple[str, ...]
    #: Read without a consumer group and never dead-lettered (a rebuild from the log).
    rereads: tuple[str, ...] = ()


#: Each service's topics. ``tests/test_bus_grants.py`` checks them against the services'
#: consumers and publishers, so a new subscription without a grant fails there, not in prod.
SERVICES: dict[str, Uses] = {
    "intake": Uses(
        reads=(
            topics.ASSISTANCE_STATUS_INBOUND,
            topics.REVIEW_DECISIONS,
            topics.SETTLEMENT_CATALOGUE,
            topics.SURVEY_SURVEYS,
        ),
        writes=(topics.INTAKE_APPLICATIONS, topics.BIGDATA_EVENTS, topics.AUDIT_READS),
    ),
    "survey": Uses(
        reads=(topics.INTAKE_APPLICATIONS,),
        writes=(topics.SURVEY_SURVEYS, topics.BIGDATA_EVENTS, topics.AUDIT_READS),
    ),
    "review": Uses(
        reads=(topics.INTAKE_APPLICATIONS, topics.SETTLEMENT_CATALOGUE, topics.SURVEY_SURVEYS),
        writes=(
            topics.REVIEW_DECISIONS,
            topics.REVIEW_RECIPIENT_STATUS,
            topics.BIGDATA_EVENTS,
            topics.AUDIT_READS,
        ),
    ),
    "dispatch": Uses(
        reads=(
            topics.REVIEW_DECISIONS,
            topics.REVIEW_RECIPIENT_STATUS,
            topics.SETTLEMENT_CATALOGUE,
            topics.SETTLEMENT_EVALUATIONS,
        ),
        writes=(
            topics.DISPATCH_PROVIDERS,
            topics.DISPATCH_ORDERS,
            topics.DISPATCH_SERVICES,
            topics.DISPATCH_DOORBELL,
            topics.DISPATCH_COMPLAINTS,
            topics.BIGDATA_EVENTS,
            topics.AUDIT_READS,
        ),
    ),
    "settlement": Uses(
        reads=(
            topics.DISPATCH_COMPLAINTS,
            topics.DISPATCH_ORDERS,
            topics.DISPATCH_PROVIDERS,
            topics.DISPATCH_SERVICES,
            topics.REVIEW_DECISIONS,
            topics.REVIEW_RECIPIENT_STATUS,
        ),
        writes=(
            topics.SETTLEMENT_CATALOGUE,
            topics.SETTLEMENT_LEDGER,
            topics.SETTLEMENT_EVALUATIONS,
            topics.BIGDATA_EVENTS,
            topics.AUDIT_READS,
        ),
    ),
    "archive": Uses(
        reads=(
            topics.DISPATCH_COMPLAINTS,
            topics.DISPATCH_ORDERS,
            topics.DISPATCH_PROVIDERS,
            topics.DISPATCH_SERVICES,
            topics.INTAKE_APPLICATIONS,
            topics.REVIEW_DECISIONS,
            topics.REVIEW_RECIPIENT_STATUS,
            topics.SETTLEMENT_CATALOGUE,
            topics.SETTLEMENT_LEDGER,
            topics.SURVEY_SURVEYS,
        ),
        writes=(topics.ARCHIVE_FILES, topics.BIGDATA_EVENTS, topics.AUDIT_READS),
        # archive-replay takes the service numbers back from archive's own topic.
        rereads=(topics.ARCHIVE_FILES,),
    ),
}

#: dispatch's second principal, used only to register and suspend providers: it makes their
#: topics, credentials and ACLs. Kafka ties both SCRAM and ACL changes to ALTER on the
#: cluster, so this principal is as strong as an administrator; it never carries data.
PROVISIONER = "dispatch-provisioner"
CITY_SYSTEM = "city-assistance"
BIGDATA = "bigdata-platform"
OPERATIONS = "operations"
#: The group prefix operations' tools read dead letters with.
OPERATIONS_GROUPS = "civic-dlq"
#: The group whose committed offsets say how far each dead-letter topic was re-driven.
REDRIVE_GROUP = f"{OPERATIONS_GROUPS}-redrive"
BIGDATA_GROUPS = "bigdata."
PROVIDER_ORDERS_PREFIX = "dispatch.provider."
PROVIDER_REPLIES_PREFIX = "provider."


def _topic(principal: str, name: str, *ops: Op, prefixed: bool = False) -> Iterator[Grant]:
    for op in ops:
        yield Grant(principal, Kind.TOPIC, name, op, prefixed)


def _group(principal: str, name: str, *, prefixed: bool = False) -> Grant:
    return Grant(principal, Kind.GROUP, name, Op.READ, prefixed)


def service_grants(service: str) -> list[Grant]:
    """A service: its topics as in ``SERVICES``, its own group, its consumers' dead letters."""
    uses = SERVICES[service]
    grants = [g for t in uses.reads + uses.rereads for g in _topic(service, t, Op.READ)]
    grants += [g for t in uses.writes for g in _topic(service, t, Op.WRITE)]
    grants += [g for t in uses.reads for g in _topic(service, topics.dlq(t), Op.WRITE)]
    grants.append(_group(service, service))
    grants.append(Grant(service, Kind.GROUP, REDRIVE_GROUP, Op.DESCRIBE))
    if service == "dispatch":
        # Every provider's orders topic is written by dispatch, every reply topic read by it.
        grants += _topic(service, PROVIDER_ORDERS_PREFIX, Op.WRITE, prefixed=True)
        grants += _topic(service, PROVIDER_REPLIES_PREFIX, Op.READ, prefixed=True)
    return grants


def retired_grants() -> list[Grant]:
    """Rows of earlier releases on retired topics: provisioning revokes them where they exist."""
    # v1 held the ID number in clear; operations keeps DELETE on every topic to remove it.
    old = topics.RETIRED_ASSISTANCE_STATUS_V1
    return [
        *_topic(CITY_SYSTEM, old, Op.WRITE),
        *_topic("intake", old, Op.READ),
        *_topic("intake", topics.dlq(old), Op.WRITE),
        *_operations((old,)),
    ]


def platform_grants() -> list[Grant]:
    """Every fixed principal's rows (providers' rows come and go with the providers)."""
    grants = [g for service in SERVICES for g in service_grants(service)]
    grants += [
        Grant(PROVISIONER, Kind.CLUSTER, CLUSTER_NAME, Op.ALTER),
        Grant(PROVISIONER, Kind.CLUSTER, CLUSTER_NAME, Op.DESCRIBE),
        *_topic(PROVISIONER, PROVIDER_ORDERS_PREFIX, Op.CREATE, Op.DESCRIBE, prefixed=True),
        *_topic(PROVISIONER, PROVIDER_REPLIES_PREFIX, Op.CREATE, Op.DESCRIBE, prefixed=True),
        *_topic(CITY_SYSTEM, topics.ASSISTANCE_STATUS_INBOUND, Op.WRITE),
        *_topic(BIGDATA, topics.BIGDATA_EVENTS, Op.READ),
        _group(BIGDATA, BIGDATA_GROUPS, prefixed=True),
    ]
    grants += _operations(topics.PLATFORM_TOPICS)
    return grants


def _operations(originals: Iterable[str]) -> Iterator[Grant]:
    """Operations reads each dead-letter topic and re-drives it to the original topic (which
    it reads after an interrupted re-drive, to find the letters already sent)."""
    for original in originals:
        yield from _topic(OPERATIONS, topics.dlq(original), Op.READ, Op.DELETE)
        yield from _topic(OPERATIONS, original, Op.WRITE, Op.READ)
    if originals == topics.PLATFORM_TOPICS:
        yield from _topic(OPERATIONS, "*", Op.DESCRIBE, Op.DESCRIBE_CONFIGS, Op.DELETE)
        yield _group(OPERATIONS, OPERATIONS_GROUPS, prefixed=True)


def provider_principal(code: str) -> str:
    """The Kafka user of provider ``code``."""
    return f"provider-{code.lower()}"


def provider_group_prefix(code: str) -> str:
    """Consumer groups provider ``code`` may use: ``provider.<code>.<anything>``."""
    return f"provider.{code.lower()}."


def provider_grants(code: str) -> list[Grant]:
    """Provider ``code``'s own rows, and the rows others need for its topics."""
    me = provider_principal(code)
    orders, replies = topics.provider_orders(code), topics.provider_replies(code)
    return [
        *_topic(me, orders, Op.READ),
        _group(me, provider_group_prefix(code), prefixed=True),
        *_topic(me, replies, Op.WRITE),
        # dispatch dead-letters a reply it cannot use; operations re-drives it.
        *_topic("dispatch", topics.dlq(replies), Op.WRITE),
        *_operations((replies,)),
    ]


def markdown_table() -> str:
    """The grants as the table in ``docs/kafka-security.md`` (provider ``p`` stands for any)."""
    rows: dict[str, list[str]] = {}
    for grant in platform_grants() + provider_grants("p"):
        rows.setdefault(grant.principal, []).append(grant.describe())
    lines = ["| principal | may |", "|---|---|"]
    for principal, grants in rows.items():
        lines.append(f"| `{principal}` | {'; '.join(f'`{g}`' for g in grants)} |")
    return "\n".join(lines) + "\n"
