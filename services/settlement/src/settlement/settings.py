"""Settings of the settlement service (environment variables)."""

from __future__ import annotations

from typing import ClassVar

from civic.settings import ServiceSettings


class Settings(ServiceSettings):
    """settlement's settings: the shared ones, with its own name as default."""

    service_name: str = "settlement"
    # Providers' bank account numbers and names (adapters/sealing.py).
    seals_personal_data: ClassVar[bool] = True
    http_port: int = 8000
