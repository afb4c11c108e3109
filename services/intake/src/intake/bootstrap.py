"""Composition root of the intake service."""

from __future__ import annotations

from dataclasses import dataclass

from civic.runtime import Runtime, build_runtime
from contracts import topics
from intake.adapters import sealing
from intake.adapters.signatures import CitySignatures
from intake.consumers import build_consumers
from intake.settings import Settings

#: Topics this service publishes (through its outbox): its own stream and the minimised mirror.
PRODUCES: tuple[str, ...] = (topics.INTAKE_APPLICATIONS, topics.BIGDATA_EVENTS)


@dataclass(frozen=True)
class Intake:
    """The shared runtime, and the check of the city system's signature (Kafka and HTTP)."""

    runtime: Runtime
    city_signatures: CitySignatures


def build(settings: Settings) -> Intake:
    """Wires the intake service from its settings."""
    signatures = CitySignatures.from_pem(settings.city_report_key())
    consumers = build_consumers(admit_city_report=signatures.admit)
    runtime = build_runtime(settings, consumers=consumers, produces=PRODUCES)
    # Loaded before the service serves or consumes (civic.app): ID numbers are sealed.
    runtime.keys = sealing.make_keeper(settings, runtime.engine)
    return Intake(runtime, signatures)
