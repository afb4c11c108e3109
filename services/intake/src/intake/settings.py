"""Settings of the intake service (environment variables)."""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import ClassVar, Self

from pydantic import Field, SecretStr, model_validator

from civic.notify.jobs import MessageSettings
from civic.settings import ServiceSettings, read_secret

#: The key local runs used before data keys (migration 0004 reads it); staging and
#: production refuse it.
DEV_ID_NUMBER_KEY = "Y2hpemhvdS1kZXYtb25seS1pZC1udW1iZXIta2V5ISE="


class Settings(ServiceSettings, MessageSettings):
    """intake's settings: the shared ones (and the message sender's), its own name as default."""

    service_name: str = "intake"
    seals_personal_data: ClassVar[bool] = True  # ID numbers and phones (adapters/sealing.py)
    http_port: int = 8000
    follow_up_schedule: bool = Field(
        default=True,
        description="Run the monthly follow-up at start-up and at the start of each month.",
    )
    # An applicant who set no preference is sent their decision outside these hours.
    message_quiet_start: time | None = Field(
        default=time(21, 0), description="Applicants' default quiet hours from (Chizhou time)."
    )
    message_quiet_end: time | None = Field(
        default=time(8, 0), description="Applicants' default quiet hours until (equal: none)."
    )
    id_number_key: SecretStr | None = Field(
        default=None,
        description="The key that sealed ID numbers before data keys had ids (32 bytes, "
        "base64). Set it while `civic-keys intake status` counts legacy values; then remove it.",
    )
    id_number_key_file: Path | None = Field(default=None, description="The same, in a file.")
    city_report_public_key_file: Path | None = Field(
        default=None,
        description="The city system's public key (PEM, EC P-256; several PEM blocks while it "
        "rolls its key over) that verifies the signature on every status report. Required: "
        "without it intake accepts no report.",
    )
    city_report_public_key_pem: str | None = Field(
        default=None, description="The same, inline (CITY_REPORT_PUBLIC_KEY_FILE wins)."
    )
    inbound_private_key_file: Path | None = Field(
        default=None,
        description="intake's inbound private key (PEM, X25519; several PEM blocks while it "
        "rolls its key over) that opens the ID number the city system seals in each report "
        "(the city holds the public half). Required: without it intake accepts no report.",
    )
    inbound_private_key_pem: SecretStr | None = Field(
        default=None, description="The same, inline (INBOUND_PRIVATE_KEY_FILE wins)."
    )

    @model_validator(mode="after")
    def _report_keys_given(self) -> Self:
        if self.city_report_public_key_file is None and not self.city_report_public_key_pem:
            raise ValueError(
                "set CITY_REPORT_PUBLIC_KEY_FILE: the city system's public key (PEM) that "
                "verifies its signed status reports"
            )
        if self.inbound_private_key_file is None and self.inbound_private_key_pem is None:
            raise ValueError(
                "set INBOUND_PRIVATE_KEY_FILE: intake's inbound private key (PEM, X25519) that "
                "opens the ID number the city system seals in each status report"
            )
        return self

    def legacy_id_number_key(self) -> str | None:
        """The pre-ring key, from ID_NUMBER_KEY_FILE or ID_NUMBER_KEY, if still set."""
        return read_secret(self.id_number_key, self.id_number_key_file)

    def city_report_key(self) -> str:
        """The PEM of the city system's report-signing public key(s)."""
        if self.city_report_public_key_file is not None:
            return self.city_report_public_key_file.read_text()
        assert self.city_report_public_key_pem is not None  # checked at start-up
        return self.city_report_public_key_pem

    def inbound_key(self) -> str:
        """The PEM of intake's inbound private key(s)."""
        found = read_secret(self.inbound_private_key_pem, self.inbound_private_key_file)
        assert found is not None  # checked at start-up
        return found

    def unsafe_outside_local(self) -> list[tuple[str, str]]:
        """The shared checks, and the development ID-number key."""
        found = super().unsafe_outside_local()
        if self.legacy_id_number_key() == DEV_ID_NUMBER_KEY:
            found.append(("ID_NUMBER_KEY", "the development key, known to everyone"))
        return found
