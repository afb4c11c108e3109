"""What ``dispatch.complaints.v1`` and a provider's own topic say of a complaint: ids and
codes only (the complainant's words, contact and the notes stay sealed in dispatch)."""

from __future__ import annotations

from typing import Any

from civic.uow import UnitOfWork
from contracts import topics
from contracts.supervision import (
    ComplaintEscalated,
    ComplaintNoticed,
    ComplaintOpened,
    ComplaintResolved,
    ComplaintSource,
)
from dispatch.domain.complaints import ROLE_OF_LEVEL, Complaint


def _common(found: Complaint) -> dict[str, Any]:
    return {
        "person_id": found.person_id,
        "complaint_id": found.complaint_id,
        "version": found.version,
        "category": found.category,
        "township_code": found.township_code,
        "provider_id": found.provider_id,
        "provider_code": found.provider_code,
        "order_id": found.order_id,
        "record_id": found.record_id,
    }


def opened(found: Complaint) -> ComplaintOpened:
    """A complaint was taken in."""
    return ComplaintOpened(
        **_common(found),
        source=found.source,
        village_code=found.village_code,
        worker_ref=found.worker_ref,
        supervision_level=found.supervision_level,
        respond_by=found.respond_by,
        opened_by=found.opened_by,
    )


def escalated(found: Complaint) -> ComplaintEscalated:
    """The complaint went up a level."""
    return ComplaintEscalated(
        **_common(found),
        supervision_level=found.supervision_level,
        escalated_to=ROLE_OF_LEVEL[found.supervision_level],
        respond_by=found.respond_by,
    )


def resolved(found: Complaint) -> ComplaintResolved:
    """The complaint was investigated and the complainant told."""
    # A resolved complaint holds all four (domain/complaints.py: resolved).
    assert found.outcome is not None
    assert found.resolved_by is not None
    assert found.resolved_level is not None
    assert found.complainant_told_on is not None
    return ComplaintResolved(
        **_common(found),
        outcome=found.outcome,
        supervision_level=found.resolved_level,
        resolved_by=found.resolved_by,
        complainant_told_on=found.complainant_told_on,
        overdue=found.overdue,
    )


def tell_provider(uow: UnitOfWork, found: Complaint) -> None:
    """Tells the provider a complaint names it (not its own report: it knows)."""
    if found.provider_code is None or found.source is ComplaintSource.PROVIDER_REPORT:
        return
    event = ComplaintNoticed(
        person_id=found.person_id,
        provider_code=found.provider_code,
        complaint_id=found.complaint_id,
        category=found.category,
        order_id=found.order_id,
        record_id=found.record_id,
        respond_by=found.respond_by,
    )
    uow.emit(event, topic=topics.provider_orders(found.provider_code))
