"""The events intake publishes, built from an application: ids and codes, never an ID number."""

from __future__ import annotations

import uuid
from typing import Any

from contracts.intake import (
    ApplicationRegistered,
    ApplicationSubmitted,
    ApplicationWithdrawn,
    DiscoveryReported,
    RecipientImported,
)
from contracts.reasons import WithdrawalReason
from intake.domain.city import shown_name
from intake.domain.imports import ImportedRow
from intake.domain.model import Application


def _facts(app: Application) -> dict[str, Any]:
    return {
        "person_id": app.person_id,
        "application_id": app.application_id,
        "household_id": app.household_id,
        "version": app.version,
        "channel": app.channel,
        "category": app.category,
        "special_conditions": app.special_conditions,
        "requested_item_codes": app.requested_item_codes,
        "need_categories": app.need_categories,
        "county_code": app.county_code,
        "township_code": app.township_code,
        "village_code": app.village_code,
        "household_size": app.household_size,
    }


def submitted(app: Application) -> ApplicationSubmitted:
    """ApplicationSubmitted for a new application."""
    return ApplicationSubmitted(**_facts(app))


def registered(app: Application, *, officer_id: str) -> ApplicationRegistered:
    """ApplicationRegistered once the township has accepted and classified it."""
    return ApplicationRegistered(
        **_facts(app), registered_by=officer_id, display_name=shown_name(app.applicant.name)
    )


def withdrawn(
    app: Application, *, reason: WithdrawalReason, reason_zh: str | None
) -> ApplicationWithdrawn:
    """ApplicationWithdrawn after a withdrawal."""
    return ApplicationWithdrawn(
        person_id=app.person_id,
        application_id=app.application_id,
        version=app.version,
        reason_code=reason,
        reason_zh=reason_zh,
    )


def discovered(app: Application, *, discovery_id: uuid.UUID) -> DiscoveryReported:
    """DiscoveryReported for a coordinator's report; an ApplicationSubmitted follows it."""
    return DiscoveryReported(
        person_id=app.person_id,
        discovery_id=discovery_id,
        application_id=app.application_id,
        reported_by=app.submitted_by,
        category=app.category,
        special_conditions=app.special_conditions,
        need_categories=app.need_categories,
        county_code=app.county_code,
        township_code=app.township_code,
        village_code=app.village_code,
    )


def imported(app: Application, row: ImportedRow, *, import_id: uuid.UUID) -> RecipientImported:
    """RecipientImported for a row of the roll: ids, codes and the masked name only."""
    return RecipientImported(
        person_id=app.person_id,
        application_id=app.application_id,
        household_id=app.household_id,
        import_id=import_id,
        category=row.category,
        special_conditions=row.special_conditions,
        self_care_level=row.self_care_level,
        approved_items=row.items,
        effective_date=row.effective_date,
        county_code=row.county_code,
        township_code=row.township_code,
        village_code=row.village_code,
        household_size=row.household_size,
        display_name=shown_name(row.name),
        imported_by=app.submitted_by,
    )
