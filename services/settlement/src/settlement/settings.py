"""Settings of the settlement service (environment variables)."""

from __future__ import annotations

from civic.settings import ServiceSettings


class Settings(ServiceSettings):
    """settlement's settings: the shared ones, with its own name as default."""

    service_name: str = "settlement"
    http_port: int = 8000
