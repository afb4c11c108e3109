"""Credentials, ACLs and topics on the bus, through Kafka's Admin API.

aiokafka's admin client has no ACL or SCRAM calls (aiokafka#955), so this uses
confluent-kafka's ``AdminClient`` (librdkafka), which has both and speaks SASL_SSL. Its calls
block; async callers run them with ``asyncio.to_thread``. Every call is idempotent: an
existing user is given the new password, an existing ACL or topic is left alone.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from typing import Any

from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import (
    AclBinding,
    AclBindingFilter,
    AclOperation,
    AclPermissionType,
    AdminClient,
    NewTopic,
    ResourcePatternType,
    ResourceType,
    ScramCredentialInfo,
    ScramMechanism,
    UserScramCredentialDeletion,
    UserScramCredentialUpsertion,
)

from civic.bus.access import KafkaAccess
from civic.bus.grants import Grant, Kind

log = logging.getLogger(__name__)

#: PBKDF2 rounds of each stored SCRAM credential (Kafka's minimum is 4096).
SCRAM_ITERATIONS = 8192
_KINDS = {Kind.TOPIC: ResourceType.TOPIC, Kind.GROUP: ResourceType.GROUP}
# confluent-kafka names Kafka's CLUSTER resource BROKER (same wire value, 4).
_KINDS[Kind.CLUSTER] = ResourceType.BROKER


class BusAdminError(RuntimeError):
    """The broker refused or failed an administrative change."""


def _fields(grant: Grant) -> tuple[Any, ...]:
    pattern = ResourcePatternType.PREFIXED if grant.prefixed else ResourcePatternType.LITERAL
    operation = AclOperation[grant.operation.value]
    principal = f"User:{grant.principal}"
    return (
        _KINDS[grant.kind],
        grant.name,
        pattern,
        principal,
        "*",
        operation,
        AclPermissionType.ALLOW,
    )


def _binding(grant: Grant) -> AclBinding:
    return AclBinding(*_fields(grant))


def _led(topic: Any) -> bool:
    return (
        topic.error is None
        and bool(topic.partitions)
        and all(p.leader >= 0 for p in topic.partitions.values())
    )


def _settle(futures: Mapping[Any, Any], what: str, *, ignore: tuple[int, ...] = ()) -> None:
    failures = []
    for key, future in futures.items():
        try:
            future.result(timeout=30)
        except KafkaException as exc:
            error: KafkaError = exc.args[0]
            if error.code() not in ignore:
                failures.append(f"{key}: {error.str()}")
    if failures:
        raise BusAdminError(f"{what} failed: " + "; ".join(failures))


class BusAdmin:
    """Administrative changes made as one (privileged) principal."""

    def __init__(self, access: KafkaAccess) -> None:
        self._client = AdminClient({**access.confluent(), "socket.timeout.ms": 30000})

    def upsert_user(self, username: str, password: str) -> None:
        """Creates ``username`` with ``password``, or gives it that password."""
        info = ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS)
        change = UserScramCredentialUpsertion(username, info, password.encode())
        _settle(self._client.alter_user_scram_credentials([change]), f"user {username}")

    def delete_user(self, username: str) -> None:
        """Removes the user's credential (new connections fail at once); absent is fine."""
        change = UserScramCredentialDeletion(username, ScramMechanism.SCRAM_SHA_512)
        futures = self._client.alter_user_scram_credentials([change])
        _settle(futures, f"deleting user {username}", ignore=(KafkaError.RESOURCE_NOT_FOUND,))

    def grant(self, grants: Iterable[Grant]) -> None:
        """Creates the ACLs (creating one that exists changes nothing)."""
        bindings = [_binding(g) for g in grants]
        if bindings:
            _settle(self._client.create_acls(bindings), "granting ACLs")

    def revoke(self, grants: Iterable[Grant]) -> None:
        """Deletes exactly these ACLs (requests are checked on every call, so at once)."""
        filters = [AclBindingFilter(*_fields(g)) for g in grants]
        if filters:
            _settle(self._client.delete_acls(filters), "revoking ACLs")

    def revoke_everything_of(self, principal: str) -> None:
        """Deletes every ACL naming ``principal`` (deleting a user leaves its ACLs)."""
        # None matches any resource name and any host.
        anything: tuple[Any, ...] = (ResourceType.ANY, None, ResourcePatternType.ANY)
        anything += (f"User:{principal}", None, AclOperation.ANY, AclPermissionType.ANY)
        everything = AclBindingFilter(*anything)
        _settle(self._client.delete_acls([everything]), f"revoking {principal}")

    def ensure_topics(
        self, names: Iterable[str], *, partitions: int, replication: int, config: dict[str, str]
    ) -> list[str]:
        """Creates the missing topics; returns the names it created."""
        existing = set(self.topics())
        missing = [n for n in dict.fromkeys(names) if n not in existing]
        if missing:
            new = [NewTopic(n, partitions, replication, config=config) for n in missing]
            futures = self._client.create_topics(new, operation_timeout=30)
            _settle(futures, "creating topics", ignore=(KafkaError.TOPIC_ALREADY_EXISTS,))
            self._await_leaders(missing)
            log.info("created topics %s", ", ".join(missing))
        return missing

    def _await_leaders(self, names: list[str], timeout_s: float = 30.0) -> None:
        # Creation answers once the controller has it; brokers learn it a moment later, and a
        # producer's first send to a topic without a leader would fail.
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            known = self._client.list_topics(timeout=10).topics
            if all(n in known and _led(known[n]) for n in names):
                return
            time.sleep(0.05)
        raise BusAdminError(f"topics have no leader after {timeout_s:.0f}s: {names}")

    def topics(self) -> list[str]:
        """The topic names this principal may see."""
        return sorted(self._client.list_topics(timeout=30).topics)
