"""intake's HTTP routes: parse, call a use case, shape the answer (never a transaction)."""

from fastapi import APIRouter

from intake.api import applications, city, imports, messages

router = APIRouter()
router.include_router(applications.router)
router.include_router(city.router)
router.include_router(imports.router)
router.include_router(messages.router)

__all__ = ["router"]
