"""Shared answer shapes: a page of items."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list."""

    items: list[T] = Field(description="The rows of this page.")
    total: int = Field(description="Rows matching, over all pages.")
    page: int = Field(description="Page number, from 1.")
    size: int = Field(description="Rows per page (at most 100).")
