"""What dispatch listens to on Kafka, and which use case each event triggers.

* ``review.decisions.v1`` — RecipientApproved: **where an order comes from** (referral).
* ``review.recipient-status.v1`` — RecipientStatusChanged: orders follow the recipient's
  status at once (paused, resumed, ended, moved), each provider told on its own topic;
  RecipientServicesChanged: the orders of items added, removed or changed follow (issue 20).
* ``settlement.catalogue.v1`` — CatalogueVersionPublished: the items that exist.
* ``settlement.evaluations.v1`` — ProviderEvaluated: each provider's score, which referral
  reads (below the county's threshold: no new referrals) and the provider sees on its portal.
* ``provider.<code>.replies.v1`` — every provider's answers (accept, decline, acknowledge a
  change, plan, record),
  read through one pattern subscription (see ``reply_topics``); the topic names the sender.

A refused answer never vanishes (``handlers/refused``): a decline of an order the provider
had accepted goes to the township's queue (only the township can find another provider);
any other refusal (not the provider's order, an order already closed, a stale version) is
parked whole for operations (``civic-parked``). Every consumer is in group ``dispatch``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from civic.consumer import TopicConsumer
from civic.errors import ProblemError
from civic.uow import UnitOfWork
from contracts import topics
from contracts.provider import (
    OrderAccepted,
    OrderChangeAcknowledged,
    OrderDeclined,
    ServicePlanSubmitted,
    ServiceRecordReported,
)
from contracts.review import RecipientApproved, RecipientServicesChanged, RecipientStatusChanged
from contracts.settlement import CatalogueVersionPublished
from contracts.supervision import ProviderEvaluated
from dispatch.domain.orders import Acceptance
from dispatch.domain.records import Report
from dispatch.handlers import Timing
from dispatch.handlers.catalogue import keep_catalogue_version
from dispatch.handlers.changes import Acknowledgement, acknowledge_change
from dispatch.handlers.records import Reported, report_services
from dispatch.handlers.referral import refer_recipient
from dispatch.handlers.replies import Answer, Plan, PlannedItem, accept_order, decline_order
from dispatch.handlers.replies import submit_plan as keep_plan
from dispatch.handlers.service_changes import catch_up_services, change_services
from dispatch.handlers.status import catch_up, react_to_status
from dispatch.handlers.workers import keep_evaluation

GROUP = "dispatch"
log = logging.getLogger(__name__)


def build_consumers(timing: Timing) -> list[TopicConsumer]:
    """Returns dispatch's subscriptions (the reply family is subscribed by pattern)."""
    return [_decisions(timing), _status(timing), _catalogue(), _evaluations(), _replies(timing)]


def _decisions(timing: Timing) -> TopicConsumer:
    c = TopicConsumer(
        topics.REVIEW_DECISIONS, group=GROUP, description="Referral of approved recipients."
    )

    @c.on(RecipientApproved)
    async def on_approved(event: RecipientApproved, uow: UnitOfWork) -> None:
        """Places each approved item with a provider, then any status change that came first."""
        await refer_recipient(event, uow=uow, timing=timing)
        await catch_up(event.recipient_id, uow=uow, timing=timing)
        await catch_up_services(event.recipient_id, uow=uow, timing=timing)

    return c


def _status(timing: Timing) -> TopicConsumer:
    c = TopicConsumer(
        topics.REVIEW_RECIPIENT_STATUS,
        group=GROUP,
        description="Orders follow the recipient's status (dynamic management).",
    )

    @c.on(RecipientStatusChanged)
    async def on_status_changed(event: RecipientStatusChanged, uow: UnitOfWork) -> None:
        """Pauses, resumes, ends or moves the recipient's orders and tells their providers."""
        await react_to_status(event, uow=uow, timing=timing)

    @c.on(RecipientServicesChanged)
    async def on_services_changed(event: RecipientServicesChanged, uow: UnitOfWork) -> None:
        """Ends, opens or replaces exactly the orders of the items the change touches."""
        await change_services(event, uow=uow, timing=timing)

    return c


def _catalogue() -> TopicConsumer:
    c = TopicConsumer(topics.SETTLEMENT_CATALOGUE, group=GROUP, description="The catalogue copy.")

    @c.on(CatalogueVersionPublished)
    async def on_catalogue(event: CatalogueVersionPublished, uow: UnitOfWork) -> None:
        """Keeps the county's new catalogue version."""
        await keep_catalogue_version(event, uow=uow)

    return c


def _evaluations() -> TopicConsumer:
    c = TopicConsumer(
        topics.SETTLEMENT_EVALUATIONS, group=GROUP, description="Providers' evaluations."
    )

    @c.on(ProviderEvaluated)
    async def on_evaluated(event: ProviderEvaluated, uow: UnitOfWork) -> None:
        """Keeps a provider's evaluation (an older or repeated one changes nothing)."""
        await keep_evaluation(event, uow=uow)

    return c


def _refusals_logged(
    fn: Callable[[Any, UnitOfWork], Awaitable[None]],
) -> Callable[[Any, UnitOfWork], Awaitable[None]]:
    async def guarded(event: Any, uow: UnitOfWork) -> None:
        try:
            await fn(event, uow)
        except ProblemError as refused:
            log.warning(
                "refused %s from %s: %s", event.event_type, event.provider_code, refused.code
            )

    guarded.__doc__ = fn.__doc__
    return guarded


def _replies(timing: Timing) -> TopicConsumer:
    c = TopicConsumer(
        topics.PROVIDER_REPLIES_FAMILY, group=GROUP, description="Providers' answers."
    )

    @c.on(OrderAccepted)
    @_refusals_logged
    async def on_accepted(event: OrderAccepted, uow: UnitOfWork) -> None:
        """The provider accepts its order."""
        answer = Answer(event.order_id, event.order_version, event.provider_code)
        await accept_order(
            answer, Acceptance(event.admission_date, event.paired_member_ref), uow=uow
        )

    @c.on(OrderDeclined)
    @_refusals_logged
    async def on_declined(event: OrderDeclined, uow: UnitOfWork) -> None:
        """The provider declines; the item goes to the next provider."""
        answer = Answer(event.order_id, event.order_version, event.provider_code)
        await decline_order(answer, event.reason_code, event.reason_zh, uow=uow, timing=timing)

    @c.on(OrderChangeAcknowledged)
    @_refusals_logged
    async def on_acknowledged(event: OrderChangeAcknowledged, uow: UnitOfWork) -> None:
        """The provider has seen a pause, resumption or end of its order."""
        await acknowledge_change(acknowledgement_of(event), uow=uow)

    @c.on(ServicePlanSubmitted)
    @_refusals_logged
    async def on_plan(event: ServicePlanSubmitted, uow: UnitOfWork) -> None:
        """Keeps the provider's plan."""
        await keep_plan(plan_of(event), uow=uow)

    @c.on(ServiceRecordReported)
    @_refusals_logged
    async def on_record(event: ServiceRecordReported, uow: UnitOfWork) -> None:
        """Checks a service record."""
        await report_services(
            [reported_of(event)], provider_code=event.provider_code, uow=uow, timing=timing
        )

    return c


def acknowledgement_of(event: OrderChangeAcknowledged) -> Acknowledgement:
    """The acknowledgement use case's command from the reply topic."""
    return Acknowledgement(
        event.order_id,
        event.order_version,
        event.provider_code,
        event.acknowledged_event_id,
        "kafka",
        f"topic:{event.provider_code}",
    )


def plan_of(event: ServicePlanSubmitted) -> Plan:
    """The plan use case's command from a plan on the reply topic."""
    items = tuple(PlannedItem(i.order_id, i.item_code, i.frequency) for i in event.items)
    return Plan(
        event.plan_id,
        event.version,
        event.provider_code,
        items,
        event.starts_on,
        event.ends_on,
        event.summary_zh,
        f"topic:{event.provider_code}",
    )


def reported_of(event: ServiceRecordReported) -> Reported:
    """The record use case's command from a record on the reply topic."""
    report = Report(
        event.record_id,
        event.provider_code,
        event.item_code,
        event.service_date,
        event.started_at,
        event.ended_at,
        event.worker_ref,
        event.recipient_confirmed,
        event.confirmation_ref,
        len(event.evidence_document_ids),
    )
    return Reported(
        report, event.order_id, event.quantity, event.location, event.evidence_document_ids, "kafka"
    )
