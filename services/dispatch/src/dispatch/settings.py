"""Settings of the dispatch service (environment variables)."""

from __future__ import annotations

from civic.settings import ServiceSettings


class Settings(ServiceSettings):
    """dispatch's settings: the shared ones, with its own name as default."""

    service_name: str = "dispatch"
    http_port: int = 8000
