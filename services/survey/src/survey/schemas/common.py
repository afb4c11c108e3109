"""Shared pieces of survey's HTTP models: strict request bases and Chinese field errors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

T = TypeVar("T")

#: A user's id at the identity provider (the token's ``sub``), e.g. ``u-village-01``.
UserIdField = Annotated[str, Field(min_length=1, max_length=64, examples=["u-village-01"])]
#: A free-text note kept only in survey's database (never in an event).
Note = Annotated[str, Field(max_length=2000)]


class RequestModel(BaseModel):
    """Base of request bodies: unknown fields are refused, so a typo is not silently lost."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def field_error(code: str, message_zh: str) -> PydanticCustomError:
    """A validation error whose 422 carries ``code`` and the Chinese message for the field."""
    return PydanticCustomError(code, message_zh, {"reason_code": code, "message_zh": message_zh})


def unique(values: Sequence[T], what: str) -> Sequence[T]:
    """Refuses a list that names the same value twice."""
    if len(set(values)) != len(values):
        raise field_error("duplicate_value", f"{what}不能重复")
    return values
