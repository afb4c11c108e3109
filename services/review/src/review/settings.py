"""Settings of the review service (environment variables)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from civic.settings import ServiceSettings


class Settings(ServiceSettings):
    """review's settings: the shared ones, with its own name as default."""

    service_name: str = "review"
    # Assessment notes, change and emergency reasons, city reports (adapters/sealing.py).
    seals_personal_data: ClassVar[bool] = True
    http_port: int = 8000
    suspension_sweep_interval_s: float = Field(
        default=900.0,
        gt=0,
        description="How often suspensions that reached their expected end are resumed.",
    )
    emergency_day_s: float = Field(
        default=86400.0,
        gt=0,
        description="Seconds in a day of emergency care (救急难); tests make it short.",
    )
    deadline_poll_s: float = Field(
        default=60.0, gt=0, description="How often emergencies past their deadline are ended."
    )
