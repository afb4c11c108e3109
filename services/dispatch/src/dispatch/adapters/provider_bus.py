"""A provider's place on the bus: its topics, its Kafka principal and its ACLs.

Registering a provider creates ``dispatch.provider.<code>.v1`` (its orders),
``provider.<code>.replies.v1`` (its answers) and the replies' dead-letter topic, and the
ACLs that let provider ``<code>`` read only the first and write only the second
(``civic.bus.grants.provider_grants``). Credentials are issued separately, on request of a
county officer, and only the answer to that request ever carries the password. Suspending
the provider deletes its credential and its own ACLs at once: a live connection is refused
on its next request, a new one cannot log in.

Everything here is done as dispatch's provisioning principal, never as its data principal.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from civic.bus.access import KafkaAccess
from civic.bus.admin import BusAdmin
from civic.bus.grants import Grant, provider_grants, provider_principal
from civic.bus.platform import DLQ_CONFIG
from contracts import topics


def provider_topic_names(code: str) -> tuple[str, ...]:
    """The topics a provider needs."""
    replies = topics.provider_replies(code)
    return (topics.provider_orders(code), replies, topics.dlq(replies))


def _own(code: str) -> list[Grant]:
    """The provider's own grants (what suspension takes away)."""
    me = provider_principal(code)
    return [g for g in provider_grants(code) if g.principal == me]


@dataclass(frozen=True)
class IssuedCredentials:
    """What a provider needs to connect; the password is shown this once."""

    username: str
    password: str


class ProviderBus:
    """Opens, credentials and closes providers' access to the bus."""

    def __init__(self, provisioner: KafkaAccess, *, partitions: int, replication: int) -> None:
        self._provisioner = provisioner
        self._partitions = partitions
        self._replication = replication
        self._admin: BusAdmin | None = None

    @property
    def bootstrap(self) -> str:
        """The address providers connect to."""
        return self._provisioner.bootstrap

    def ca_certificate(self) -> str:
        """The platform CA (PEM) that providers trust."""
        return self._provisioner.ca_file.read_text()

    def _client(self) -> BusAdmin:
        if self._admin is None:
            self._admin = BusAdmin(self._provisioner)
        return self._admin

    async def open(self, codes: Iterable[str]) -> list[str]:
        """Topics and ACLs of these providers (idempotent); returns the topics created."""
        return await asyncio.to_thread(self._open, list(codes))

    def _open(self, codes: list[str]) -> list[str]:
        admin = self._client()
        wanted = [name for code in codes for name in provider_topic_names(code)]
        created = admin.ensure_topics(
            [t for t in wanted if not t.endswith(topics.DLQ_SUFFIX)],
            partitions=self._partitions,
            replication=self._replication,
            config={},
        )
        created += admin.ensure_topics(
            [t for t in wanted if t.endswith(topics.DLQ_SUFFIX)],
            partitions=self._partitions,
            replication=self._replication,
            config=DLQ_CONFIG,
        )
        admin.grant([g for code in codes for g in provider_grants(code)])
        return created

    async def issue_credentials(self, code: str) -> IssuedCredentials:
        """A new password for the provider's principal (the old one stops working)."""
        username, password = provider_principal(code), secrets.token_urlsafe(24)
        await asyncio.to_thread(self._client().upsert_user, username, password)
        return IssuedCredentials(username, password)

    async def close(self, code: str) -> None:
        """Takes the provider off the bus: no login, no reads, no writes."""
        admin = self._client()
        await asyncio.to_thread(admin.delete_user, provider_principal(code))
        await asyncio.to_thread(admin.revoke, _own(code))
