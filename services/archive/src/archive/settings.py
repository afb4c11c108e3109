"""Settings of the archive service (environment variables)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, field_validator

from archive.domain.publicity import Publicity
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
    board_reveal_counties: list[str] = Field(
        default_factory=list,
        description="Counties (by code, as JSON) whose policy lets boards show what reveals a "
        "minor, health care or a death: the category, health items, 身故. Others show "
        "社会救助对象, leave health items out and say 停止服务.",
    )
    board_public_history_days: int = Field(
        default=365,
        ge=1,
        description="How far back the public may ask for a board (as_of) or list its versions.",
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

    def publicity(self, county_code: str) -> Publicity:
        """What the county lets its boards reveal, and for how long they stay public."""
        reveal = county_code in self.board_reveal_counties
        return Publicity(
            reveal_sensitive=reveal, public_history_days=self.board_public_history_days
        )

    def name_style(self, county_code: str) -> MaskStyle:
        """The masking style the county configured for its boards."""
        return self.board_name_styles.get(county_code, "surname")
