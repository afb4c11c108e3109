"""(being written) — a console screen; see navigation.py for where it appears."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
