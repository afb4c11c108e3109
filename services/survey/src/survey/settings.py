"""Settings of the survey service (environment variables)."""

from __future__ import annotations

from pydantic import Field

from civic.settings import ServiceSettings


class Settings(ServiceSettings):
    """survey's settings: the shared ones, with its own name as default."""

    service_name: str = "survey"
    http_port: int = 8000
    survey_due_days: int = Field(
        default=7,
        ge=1,
        le=90,
        description="Days from registration by which the household visit is due (SURVEY_DUE_DAYS).",
    )
