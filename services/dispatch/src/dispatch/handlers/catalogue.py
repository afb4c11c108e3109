"""The county catalogues dispatch keeps a copy of (settlement publishes them)."""

from __future__ import annotations

from civic.uow import UnitOfWork
from contracts.settlement import CatalogueVersionPublished
from dispatch.repository import catalogue


async def keep_catalogue_version(event: CatalogueVersionPublished, *, uow: UnitOfWork) -> None:
    """Keeps a county's newly published catalogue version."""
    async with uow:
        await catalogue.store_version(uow.session, event)
        await uow.commit()
