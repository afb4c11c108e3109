"""Domain values the unit tests start from: valid ID numbers and a valid draft application."""

from __future__ import annotations

from typing import Any

from contracts import resident_id
from contracts.enums import Channel, RecipientCategory, SpecialCondition
from intake.domain.model import Claim, Draft, PersonDetails

VILLAGE = "341702100201"


def id_number(born: str, seq: str = "003") -> str:
    """A valid 贵池区 ID number of someone born on ``born`` (YYYYMMDD)."""
    body = "341702" + born + seq
    return body + resident_id.check_char(body)


def draft(**overrides: Any) -> Draft:
    """A valid WeChat draft: a semi-disabled elder in 殷汇镇示例一村 asking for LC-01."""
    values: dict[str, Any] = {
        "channel": Channel.WECHAT,
        "applicant": PersonDetails("张桂英", id_number("19500101"), "13805661234"),
        "members": (),
        "claim": Claim(
            RecipientCategory.TEKUN, (SpecialCondition.SEMI_DISABLED_ELDER,), ("LC-01",)
        ),
        "village_code": VILLAGE,
        "consent_to_data_use": True,
    }
    return Draft(**{**values, **overrides})
