"""How one principal connects: SASL/SCRAM-SHA-512 over TLS, and nothing else.

The broker offers no PLAINTEXT listener, so there is no plaintext option here either. The CA
certificate is the platform's own (made on first run); clients verify the broker's name
against it.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from aiokafka.helpers import create_ssl_context
from faststream.security import SASLScram512

SECURITY_PROTOCOL = "SASL_SSL"
MECHANISM = "SCRAM-SHA-512"


@dataclass(frozen=True)
class KafkaAccess:
    """One principal's credentials and the broker's address and CA."""

    bootstrap: str
    username: str
    password: str
    ca_file: Path

    def __repr__(self) -> str:  # never print the password
        return f"KafkaAccess(bootstrap={self.bootstrap!r}, username={self.username!r})"

    @property
    def servers(self) -> list[str]:
        """The bootstrap addresses one by one (aiokafka does not split a comma-joined list)."""
        return [server.strip() for server in self.bootstrap.split(",") if server.strip()]

    def as_user(self, username: str, password: str) -> KafkaAccess:
        """The same broker, another principal."""
        return replace(self, username=username, password=password)

    @cached_property
    def ssl_context(self) -> ssl.SSLContext:
        """Trusts only the platform's CA and checks the broker's name."""
        return create_ssl_context(cafile=str(self.ca_file))

    def aiokafka(self) -> dict[str, Any]:
        """Keyword arguments for aiokafka's producer, consumer and admin client."""
        return {
            "bootstrap_servers": self.servers,
            "security_protocol": SECURITY_PROTOCOL,
            "sasl_mechanism": MECHANISM,
            "sasl_plain_username": self.username,
            "sasl_plain_password": self.password,
            "ssl_context": self.ssl_context,
        }

    def faststream(self, *, for_docs: bool = False) -> SASLScram512:
        """The security object of a FastStream KafkaBroker (``for_docs``: never connects)."""
        if for_docs:  # the AsyncAPI document names the scheme; no CA file is read
            return SASLScram512(username=self.username, password=self.password, use_ssl=True)
        return SASLScram512(
            username=self.username, password=self.password, ssl_context=self.ssl_context
        )

    def confluent(self) -> dict[str, str]:
        """Configuration for confluent-kafka's clients (librdkafka)."""
        return {
            "bootstrap.servers": self.bootstrap,
            "security.protocol": SECURITY_PROTOCOL,
            "sasl.mechanism": MECHANISM,
            "sasl.username": self.username,
            "sasl.password": self.password,
            "ssl.ca.location": str(self.ca_file),
        }
