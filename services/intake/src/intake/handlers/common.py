"""What the use cases share: loading an application, the catalogue in force, the registry."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from civic.errors import NotFound
from contracts import divisions
from contracts.settlement import version_in_force
from intake.domain.model import Application, Catalogue
from intake.domain.verification import Settlement
from intake.repository import IntakeRecords

#: Turns an application into the JSON body the caller gets (and a retry gets again).
Render = Callable[[Application], dict[str, Any]]


async def load_or_404(records: IntakeRecords, application_id: uuid.UUID) -> Application:
    """The application, locked for a change; 404 when there is none."""
    app = await records.load(application_id, for_update=True)
    if app is None:
        raise NotFound("未找到该申请", code="application_not_found")
    return app


async def catalogue_for(records: IntakeRecords, village_code: str, day: date) -> Catalogue | None:
    """The catalogue in force on ``day`` in the county of the village."""
    county = divisions.county_of(village_code) or village_code[:6]
    return version_in_force(await records.catalogue_versions(county), day)


async def apply_settlement(records: IntakeRecords, settled: Settlement) -> None:
    """Writes to the registry the names and the household a settlement decided."""
    for person_id, name in settled.renames:
        await records.rename_person(person_id, name)
    if settled.joining:
        await records.set_household(list(settled.joining), settled.household_id)
