"""archive's HTTP routes: parse, call a use case, shape the answer."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
