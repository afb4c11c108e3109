"""Settings of the survey service (environment variables)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from civic.settings import ServiceSettings


class Settings(ServiceSettings):
    """survey's settings: the shared ones, with its own name as default."""

    service_name: str = "survey"
    seals_personal_data: ClassVar[bool] = True  # findings and 初审 notes (adapters/sealing.py)
    http_port: int = 8000
    survey_due_days: int = Field(
        default=7,
        ge=1,
        le=90,
        description="Days from registration by which the household visit is due (SURVEY_DUE_DAYS).",
    )
