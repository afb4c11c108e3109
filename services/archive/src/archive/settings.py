"""Settings of the archive service (environment variables)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, field_validator

from civic.settings import ServiceSettings
from contracts.privacy import MaskStyle, looks_like_id_number, looks_like_phone


class Settings(ServiceSettings):
    """archive's settings: the shared ones, with its own name as default."""

    service_name: str = "archive"
    seals_personal_data: ClassVar[bool] = True  # documents, health (adapters/sealing.py)
    http_port: int = 8000
    board_name_styles: dict[str, MaskStyle] = Field(
        default_factory=dict,
        description=(
            "How each county shows names on its boards, by county code, as JSON, e.g. "
            '{"341721": "first_last"}; others use "surname" (张**).'
        ),
    )
    board_hotline: str = Field(
        default="2212349",
        description="The city's consultation and complaint hotline printed on every board.",
    )
    document_max_bytes: int = Field(
        default=10 * 1024 * 1024, ge=1024, description="Largest document upload accepted."
    )

    @field_validator("board_hotline")
    @classmethod
    def _hotline_passes_the_board_scan(cls, value: str) -> str:
        # Every board is scanned for phone-shaped numbers before it is published.
        if looks_like_phone(value) or looks_like_id_number(value):
            raise ValueError("write the hotline without an area code: boards refuse phone numbers")
        return value

    def name_style(self, county_code: str) -> MaskStyle:
        """The masking style the county configured for its boards."""
        return self.board_name_styles.get(county_code, "surname")
