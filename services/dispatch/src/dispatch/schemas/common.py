"""Shapes shared by every part of the API."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

T = TypeVar("T")
ModelT = TypeVar("ModelT", bound=BaseModel)

#: A short Chinese text typed by staff.
TextZh = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
#: A mainland phone number (mobile or landline with area code).
Phone = Annotated[str, StringConstraints(pattern=r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")]


def _storable(value: str) -> str:
    # PostgreSQL refused U+0000 in these columns while they held clear text (a 422 naming the
    # field); sealed, the database no longer sees it, so the same refusal is made here.
    if "\x00" in value:
        message = "内容含有无法保存的字符（U+0000），未作任何保存"
        context = {"reason_code": "invalid_character", "message_zh": message}
        raise PydanticCustomError("invalid_character", message, context)
    return value


#: Text dispatch seals at rest (adapters/sealing.py): refused with U+0000, as stored text was.
Sealed = AfterValidator(_storable)


class Request(BaseModel):
    """Base of request bodies: unknown fields are refused (no mass assignment)."""

    model_config = ConfigDict(extra="forbid")


class Page(BaseModel, Generic[T]):
    """One page of a list."""

    items: list[T] = Field(description="The rows of this page.")
    total: int = Field(description="Rows in all pages.")
    page: int = Field(description="Page number, from 1.")
    size: int = Field(description="Rows per page (at most 100).")


def view_of(schema: type[ModelT], stored: Any, **computed: Any) -> ModelT:
    """The API view ``schema`` of a domain dataclass: the fields they share, except those
    given as ``computed`` (built for the view)."""
    values = asdict(stored)
    shared = {k: values[k] for k in schema.model_fields if k in values and k not in computed}
    return schema(**shared, **computed)
