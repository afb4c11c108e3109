"""Shapes shared by every part of the API."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

T = TypeVar("T")

#: A short Chinese text typed by staff.
TextZh = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
#: A mainland phone number (mobile or landline with area code).
Phone = Annotated[str, StringConstraints(pattern=r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")]


class Request(BaseModel):
    """Base of request bodies: unknown fields are refused (no mass assignment)."""

    model_config = ConfigDict(extra="forbid")


class Page(BaseModel, Generic[T]):
    """One page of a list."""

    items: list[T] = Field(description="The rows of this page.")
    total: int = Field(description="Rows in all pages.")
    page: int = Field(description="Page number, from 1.")
    size: int = Field(description="Rows per page (at most 100).")
