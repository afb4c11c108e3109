"""Settings of the archive service (environment variables)."""

from __future__ import annotations

from civic.settings import ServiceSettings


class Settings(ServiceSettings):
    """archive's settings: the shared ones, with its own name as default."""

    service_name: str = "archive"
    http_port: int = 8000
