"""Settings of the survey service (environment variables)."""

from __future__ import annotations

from civic.settings import ServiceSettings


class Settings(ServiceSettings):
    """survey's settings: the shared ones, with its own name as default."""

    service_name: str = "survey"
    http_port: int = 8000
