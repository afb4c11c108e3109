"""Routes of restricted funds: what each fund may pay for, versioned per county."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["fund rules 资金用途"])
