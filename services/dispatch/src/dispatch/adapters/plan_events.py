"""Plan answers on the bus: ServicePlanAgreed / ServicePlanReturned on ``dispatch.services.v1``
and PlanAnswered on the provider's own topic (ids, codes and the officer's reason only)."""

from __future__ import annotations

from civic.uow import UnitOfWork
from contracts import topics
from contracts.dispatch.provider_topic import PlanAnswered
from contracts.dispatch.services import ServicePlanAgreed, ServicePlanReturned
from dispatch.domain.plans import HeldPlan


def announce(uow: UnitOfWork, plan: HeldPlan, *, agreed: bool, reason_zh: str | None) -> None:
    """Emits the township's (or county's) answer and tells the plan's provider."""
    assert plan.recipient_id is not None
    assert plan.township_code is not None
    assert plan.decided_by is not None
    common = {
        "person_id": plan.person_id,
        "plan_id": plan.plan_id,
        "version": plan.version,
        "recipient_id": plan.recipient_id,
        "provider_code": plan.provider_code,
        "township_code": plan.township_code,
        "decided_by": plan.decided_by,
    }
    if agreed:
        uow.emit(ServicePlanAgreed(**common))
    else:
        uow.emit(ServicePlanReturned(**common, reason_zh=reason_zh))
    told = PlanAnswered(
        person_id=plan.person_id,
        provider_code=plan.provider_code,
        plan_id=plan.plan_id,
        version=plan.version,
        agreed=agreed,
        reason_zh=None if agreed else reason_zh,
    )
    uow.emit(told, topic=topics.provider_orders(plan.provider_code))
