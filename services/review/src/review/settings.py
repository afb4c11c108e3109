"""Settings of the review service (environment variables)."""

from __future__ import annotations

from pydantic import Field

from civic.settings import ServiceSettings


class Settings(ServiceSettings):
    """review's settings: the shared ones, with its own name as default."""

    service_name: str = "review"
    http_port: int = 8000
    suspension_sweep_interval_s: float = Field(
        default=900.0,
        gt=0,
        description="How often suspensions that reached their expected end are resumed.",
    )
