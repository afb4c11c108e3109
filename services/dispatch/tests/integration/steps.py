"""Steps the dispatch scenarios share: providers registered, a recipient approved, an order
offered and answered; dispatch's keys on a database of a test's own. Plain functions over the
``api``, ``bus``, ``make`` and ``service_env`` fixtures."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from civic import sealing
from civic.sealing.keeper import KeyKeeper
from civic.sealing.master import make_first_master_key
from contracts.dispatch import OrderAssigned
from contracts.review import RecipientApproved
from contracts.samples import sample
from dispatch.adapters.sealing import make_keeper
from dispatch.settings import Settings


@dataclass(frozen=True)
class Offer:
    """Providers of one village, a recipient approved there, and the order the first one got."""

    codes: list[str]
    approved: RecipientApproved
    order: OrderAssigned


async def register(api: Any, make: SimpleNamespace, village: str, *prefixes: str) -> list[str]:
    """Registers one provider per prefix (``<prefix>-<tail>``, one tail) in ``village``."""
    tail = make.suffix()
    codes = [f"{prefix}-{tail}" for prefix in prefixes]
    for code in codes:
        await api.register(code, [village])
    return codes


async def offer(api: Any, bus: Any, make: SimpleNamespace, village: str, *prefixes: str) -> Offer:
    """Registers the providers, approves a new recipient in ``village`` and waits until the
    first provider (the rule's pick: equal load, lowest code) is offered the order."""
    codes = await register(api, make, village, *prefixes)
    approved = make.approval(village)
    await bus.publish(approved)
    order = await (await bus.provider(codes[0])).wait_for(
        OrderAssigned, recipient_id=approved.recipient_id
    )
    return Offer(codes, approved, order)


async def accept(api: Any, order: Any, **body: Any) -> Any:
    """The order's provider accepts it over HTTP, naming the version it was offered."""
    return await api.client.post(
        f"/provider/orders/{order.order_id}/accept",
        json={"order_version": order.version} | body,
        headers=api.provider(order.provider_code),
    )


def reply(cls: Any, order: Any, **fields: Any) -> Any:
    """The provider's answer about ``order`` (any event of its topic), as its own software
    sends it on its reply topic: the version it names is the one it was told."""
    values = {
        "person_id": order.person_id,
        "provider_code": order.provider_code,
        "order_id": order.order_id,
        "order_version": order.version,
    }
    return sample(cls, **(values | fields))


async def two_item_orders(
    api: Any, bus: Any, make: SimpleNamespace, village: str, meals: str, cleaning: str
) -> SimpleNamespace:
    """A recipient approved for meals (LC-03) and cleaning (CL-01), each item offered to its
    own provider (``<meals>-<tail>``, ``<cleaning>-<tail>``)."""
    tail = make.suffix()
    codes = {f"{meals}-{tail}": "LC-03", f"{cleaning}-{tail}": "CL-01"}
    for code, item in codes.items():
        await api.register(code, [village], items=(item,))
    approved = make.approval(
        village, make.item("LC-03"), make.item("CL-01", service_category="cleaning")
    )
    await bus.publish(approved)
    readers = {code: await bus.provider(code) for code in codes}
    assigned = {
        code: await reader.wait_for(OrderAssigned, recipient_id=approved.recipient_id)
        for code, reader in readers.items()
    }
    meals_code, cleaning_code = codes
    return SimpleNamespace(
        approved=approved,
        meals=meals_code,
        clean=cleaning_code,
        readers=readers,
        assigned=assigned,
    )


@contextlib.asynccontextmanager
async def own_keys(
    service_env: Callable[..., dict[str, Any]], engine: AsyncEngine, url: str, folder: Path
) -> AsyncIterator[KeyKeeper]:
    """dispatch's keeper on a test's own database (master key in ``folder``), its ring held by
    the test's task (and tasks it starts) while the block runs; the running app keeps its own."""
    make_first_master_key(folder)
    env = service_env("dispatch", database_url=url, sealing_master_keys_dir=folder)
    keeper = replace(make_keeper(Settings(**env), engine), installs_ring=False)
    with sealing.holding(await keeper.start()):
        yield keeper
