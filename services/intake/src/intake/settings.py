"""Settings of the intake service (environment variables)."""

from __future__ import annotations

from pydantic import Field

from civic.settings import ServiceSettings


class Settings(ServiceSettings):
    """intake's settings: the shared ones, with its own name as default."""

    service_name: str = "intake"
    http_port: int = 8000
    follow_up_schedule: bool = Field(
        default=True,
        description="Run the monthly follow-up at start-up and at the start of each month.",
    )
