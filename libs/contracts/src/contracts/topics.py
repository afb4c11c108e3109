"""Every topic name on the platform, in one place.

Names follow ``<producer>.<stream>.v<major>``. A breaking change to a stream's events
adds a new ``v<major+1>`` topic beside the old one; the old one stays until its last
consumer has moved.
"""

from __future__ import annotations

INTAKE_APPLICATIONS = "intake.applications.v1"
SURVEY_SURVEYS = "survey.surveys.v1"
REVIEW_DECISIONS = "review.decisions.v1"
REVIEW_RECIPIENT_STATUS = "review.recipient-status.v1"
#: The city's status reports, the ID number sealed to intake (v1 had it in clear: retired).
ASSISTANCE_STATUS_INBOUND = "assistance.status.v2"
#: Retired: the v1 reports carried the ID number in clear. Nobody may use it; delete it.
RETIRED_ASSISTANCE_STATUS_V1 = "assistance.status.v1"
SETTLEMENT_CATALOGUE = "settlement.catalogue.v1"
SETTLEMENT_LEDGER = "settlement.ledger.v1"
DISPATCH_PROVIDERS = "dispatch.providers.v1"
DISPATCH_ORDERS = "dispatch.orders.v1"
DISPATCH_SERVICES = "dispatch.services.v1"
DISPATCH_DOORBELL = "dispatch.doorbell.v1"
#: Complaints about providers (hotline, apps, coordinators, providers' own reports).
DISPATCH_COMPLAINTS = "dispatch.complaints.v1"
#: Providers' monthly and yearly evaluations (绩效评价), which referral reads.
SETTLEMENT_EVALUATIONS = "settlement.evaluations.v1"
ARCHIVE_FILES = "archive.files.v1"
BIGDATA_EVENTS = "bigdata.events.v1"
#: Every read of personal data, from every service (kept six months and more).
AUDIT_READS = "audit.reads.v1"

#: Topics created when the stack starts (provider topics are created per provider).
PLATFORM_TOPICS: tuple[str, ...] = (
    INTAKE_APPLICATIONS,
    SURVEY_SURVEYS,
    REVIEW_DECISIONS,
    REVIEW_RECIPIENT_STATUS,
    ASSISTANCE_STATUS_INBOUND,
    SETTLEMENT_CATALOGUE,
    SETTLEMENT_LEDGER,
    DISPATCH_PROVIDERS,
    DISPATCH_ORDERS,
    DISPATCH_SERVICES,
    DISPATCH_DOORBELL,
    DISPATCH_COMPLAINTS,
    SETTLEMENT_EVALUATIONS,
    ARCHIVE_FILES,
    BIGDATA_EVENTS,
    AUDIT_READS,
)

DLQ_SUFFIX = ".dlq"

#: Families of per-provider topics; event classes on them use these as their ``TOPIC``.
PROVIDER_ORDERS_FAMILY = "dispatch.provider.*.v1"
PROVIDER_REPLIES_FAMILY = "provider.*.replies.v1"


def dlq(topic: str) -> str:
    """Names the dead-letter topic of ``topic``."""
    return f"{topic}{DLQ_SUFFIX}"


def provider_orders(provider_code: str) -> str:
    """Names the topic on which one provider reads only its own orders."""
    if not provider_code.replace("-", "").isalnum():
        raise ValueError(f"provider code must be alphanumeric: {provider_code!r}")
    return f"dispatch.provider.{provider_code.lower()}.v1"


def provider_replies(provider_code: str) -> str:
    """Names the topic on which one provider answers (accept/decline, plans, records)."""
    if not provider_code.replace("-", "").isalnum():
        raise ValueError(f"provider code must be alphanumeric: {provider_code!r}")
    return f"provider.{provider_code.lower()}.replies.v1"


def all_with_dlq() -> tuple[str, ...]:
    """The platform topics and their dead-letter topics, for topic creation."""
    return PLATFORM_TOPICS + tuple(dlq(t) for t in PLATFORM_TOPICS)


def family_of(topic: str) -> str:
    """Maps a concrete per-provider topic to its family; other topics map to themselves."""
    parts = topic.split(".")
    if len(parts) == 4 and parts[0] == "dispatch" and parts[1] == "provider" and parts[3] == "v1":
        return PROVIDER_ORDERS_FAMILY
    if len(parts) == 4 and parts[0] == "provider" and parts[2] == "replies" and parts[3] == "v1":
        return PROVIDER_REPLIES_FAMILY
    return topic
