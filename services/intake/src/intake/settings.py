"""Settings of the intake service (environment variables)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr

from civic.settings import ServiceSettings, read_secret

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
    id_number_key_file: Path | None = Field(default=None, description="The same, in a file.")

    def sealing_key(self) -> str:
        """The ID-number key, from ID_NUMBER_KEY_FILE or ID_NUMBER_KEY."""
        key = read_secret(self.id_number_key, self.id_number_key_file)
        assert key is not None
        return key

    def unsafe_outside_local(self) -> list[tuple[str, str]]:
        """The shared checks, and the development ID-number key."""
        found = super().unsafe_outside_local()
        if self.sealing_key() == DEV_ID_NUMBER_KEY:
            found.append(("ID_NUMBER_KEY", "the development key, known to everyone"))
        return found
