"""Routes of the year-end: a year's funds closed with a report per fund (JSON, CSV, PDF)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["year end 年度决算"])
