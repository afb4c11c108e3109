"""Settings of the review service (environment variables)."""

from __future__ import annotations

from civic.settings import ServiceSettings


class Settings(ServiceSettings):
    """review's settings: the shared ones, with its own name as default."""

    service_name: str = "review"
    http_port: int = 8000
