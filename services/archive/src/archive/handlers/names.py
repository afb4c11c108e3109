"""Names that boards, ledgers and files show for codes: providers per person."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from archive.domain.boards import provider_label
from archive.repository import services as services_repo


async def providers_by_person(
    session: AsyncSession, files: Sequence[RowMapping], states: Collection[str]
) -> dict[uuid.UUID, tuple[str, ...]]:
    """Provider names of each person's orders in the given states, without repeats."""
    orders = await services_repo.orders_of(session, [f["person_id"] for f in files])
    chosen = [o for o in orders if o["state"] in states]
    known = await services_repo.providers(session, {o["provider_id"] for o in chosen})
    names: dict[uuid.UUID, list[str]] = {}
    for o in chosen:
        p = known.get(o["provider_id"])
        label = provider_label(p["name_zh"], p["provider_type"]) if p else o["provider_code"]
        if label and label not in names.setdefault(o["person_id"], []):
            names[o["person_id"]].append(label)
    return {k: tuple(v) for k, v in names.items()}
