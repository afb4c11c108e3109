"""Settings of the intake service (environment variables)."""

from __future__ import annotations

from typing import Self

from pydantic import Field, SecretStr, model_validator

from civic.settings import ServiceSettings

#: The key local runs and tests use; staging and production refuse it.
DEV_ID_NUMBER_KEY = "Y2hpemhvdS1kZXYtb25seS1pZC1udW1iZXIta2V5ISE="


class Settings(ServiceSettings):
    """intake's settings: the shared ones, with its own name as default."""

    service_name: str = "intake"
    http_port: int = 8000
    follow_up_schedule: bool = Field(
        default=True,
        description="Run the monthly follow-up at start-up and at the start of each month.",
    )
    id_number_key: SecretStr = Field(
        default=SecretStr(DEV_ID_NUMBER_KEY),
        description="32 random bytes, base64: seals ID numbers at rest (openssl rand -base64 32).",
    )

    @model_validator(mode="after")
    def _real_key_outside_local(self) -> Self:
        dev = self.id_number_key.get_secret_value() == DEV_ID_NUMBER_KEY
        if dev and self.environment in ("staging", "production"):
            raise ValueError(
                f"set ID_NUMBER_KEY to a real key before running in {self.environment}"
            )
        return self
