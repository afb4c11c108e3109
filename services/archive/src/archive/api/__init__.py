"""archive's HTTP routes: parse, call a use case, shape the answer."""

from __future__ import annotations

from fastapi import APIRouter

from archive.api import boards, dashboards, documents, files, ledger


def routers() -> list[APIRouter]:
    """Every router of the service."""
    return [files.router, documents.router, ledger.router, boards.router, dashboards.router]
