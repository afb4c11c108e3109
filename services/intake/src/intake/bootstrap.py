"""Composition root of the intake service."""

from __future__ import annotations

from dataclasses import dataclass

from civic.consumer import Admission, Delivery
from civic.notify import metrics as message_metrics
from civic.runtime import Runtime, build_runtime
from contracts import topics
from intake.adapters import sealing
from intake.adapters.inbound import InboundKeys
from intake.adapters.signatures import CitySignatures
from intake.consumers import build_consumers
from intake.orm import message_tables
from intake.settings import Settings

#: Topics this service publishes (through its outbox): its own stream and the minimised mirror.
PRODUCES: tuple[str, ...] = (topics.INTAKE_APPLICATIONS, topics.BIGDATA_EVENTS, topics.AUDIT_READS)


@dataclass(frozen=True)
class Intake:
    """The shared runtime, and the check of the city system's signature (Kafka and HTTP)."""

    runtime: Runtime
    city_signatures: CitySignatures


def build(settings: Settings) -> Intake:
    """Wires the intake service from its settings."""
    signatures = CitySignatures.from_pem(settings.city_report_key())
    inbound = InboundKeys.from_pem(settings.inbound_key())
    consumers = build_consumers(
        admit_city_report=city_admission(signatures=signatures, inbound=inbound),
        open_id_number=inbound.id_number_of,
    )
    runtime = build_runtime(settings, consumers=consumers, produces=PRODUCES)
    # Loaded before the service serves or consumes (civic.app): ID numbers are sealed.
    runtime.keys = sealing.make_keeper(settings, runtime.engine)
    message_metrics.install(runtime.metrics, message_tables)  # civic_intake_messages{state}
    return Intake(runtime, signatures)


def city_admission(*, signatures: CitySignatures, inbound: InboundKeys) -> Admission:
    """A city report is read only if the city signed it and its sealed number opens."""

    def admit(delivery: Delivery) -> str | None:
        # The signature first: nothing is decrypted that the city system did not send.
        return signatures.admit(delivery) or inbound.admit(delivery)

    return admit
