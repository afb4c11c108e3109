"""Names that boards, ledgers and files show for codes: providers per person."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence

from archive.domain.files import ArchiveFile
from archive.repository import services as services_repo
from civic.uow import UnitOfWork


async def providers_by_person(
    uow: UnitOfWork, files: Sequence[ArchiveFile], states: Collection[str]
) -> dict[uuid.UUID, tuple[str, ...]]:
    """Provider names of each person's orders in the given states, without repeats."""
    people = [file.person_id for file in files]
    orders = await services_repo.orders_of(uow.session, people)
    chosen = [order for order in orders if order.state in states]
    wanted = {order.provider_id for order in chosen if order.provider_id}
    known = await services_repo.providers(uow.session, wanted)
    names: dict[uuid.UUID, list[str]] = {}
    for order in chosen:
        provider = known.get(order.provider_id) if order.provider_id else None
        label = provider.label if provider else order.provider_code
        if label and label not in names.setdefault(order.person_id, []):
            names[order.person_id].append(label)
    return {person: tuple(labels) for person, labels in names.items()}
