"""Settings of the dispatch service (environment variables)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic import Field, SecretStr

from civic.bus.access import KafkaAccess
from civic.bus.grants import PROVISIONER
from civic.notify.jobs import MessageSettings
from civic.settings import ServiceSettings, read_secret


class Settings(ServiceSettings, MessageSettings):
    """dispatch's settings: the shared ones, its deadlines and its provider topics."""

    service_name: str = "dispatch"
    #: Contact details, locations and care notes (adapters/sealing.py): master keys required.
    seals_personal_data: ClassVar[bool] = True
    http_port: int = 8000
    order_response_s: float = Field(
        default=48 * 3600, gt=0, description="How long a provider has to accept or decline."
    )
    doorbell_ack_s: float = Field(
        default=10 * 60, gt=0, description="How long helpers have to answer a doorbell alert."
    )
    change_ack_s: float = Field(
        default=60 * 60,
        gt=0,
        description="How long a provider has to acknowledge a pause, resumption or end.",
    )
    complaint_sla_hour_s: float = Field(
        default=3600,
        gt=0,
        description="One hour of the complaints' SLA (domain/complaints.py); tests shorten it.",
    )
    deadline_poll_s: float = Field(
        default=5.0, gt=0, description="How often the deadline watcher looks for overdue work."
    )
    provider_topic_partitions: int = Field(default=3, ge=1)
    provider_topic_replication: int = Field(default=1, ge=1)
    reply_topic_refresh_ms: int = Field(
        default=10_000,
        ge=100,
        description="How soon a new provider's reply topic is picked up by the pattern consumer.",
    )
    record_clock_skew_s: float = Field(
        default=300, ge=0, description="How far in the future a service record may end (clocks)."
    )
    doorbell_gateway_secret: SecretStr | None = Field(
        default=None, description="Shared HMAC secret of the doorbell device gateway."
    )
    provisioner_password: SecretStr | None = Field(
        default=None, description="Kafka password of dispatch-provisioner (registers providers)."
    )
    provisioner_password_file: Path | None = None
    provider_bootstrap_servers: str | None = Field(
        default=None,
        description="The Kafka address given to providers (default: KAFKA_BOOTSTRAP_SERVERS).",
    )

    def provisioner_access(self) -> KafkaAccess:
        """dispatch's second principal: it opens and closes providers' access to the bus."""
        password = read_secret(self.provisioner_password, self.provisioner_password_file)
        if password is None:
            raise ValueError("set PROVISIONER_PASSWORD or PROVISIONER_PASSWORD_FILE")
        return self.kafka_access().as_user(PROVISIONER, password)
