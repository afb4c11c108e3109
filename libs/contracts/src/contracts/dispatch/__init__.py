"""Events dispatch publishes: providers, orders, per-provider topics, services, doorbell."""

from contracts.dispatch import doorbell, orders, provider_topic, providers, services
from contracts.dispatch.doorbell import (
    AlertAcknowledged,
    AlertEscalated,
    AlertSent,
    DoorbellPressed,
)
from contracts.dispatch.orders import (
    ServiceOrderAccepted,
    ServiceOrderCancelled,
    ServiceOrderCreated,
    ServiceOrderDeclined,
    ServiceOrderEscalated,
    ServiceOrderPaused,
    ServiceOrderResumed,
)
from contracts.dispatch.provider_topic import (
    OrderAssigned,
    OrderCancelled,
    OrderPaused,
    OrderResumed,
    PlanAnswered,
)
from contracts.dispatch.providers import (
    ProviderRegistered,
    ProviderReinstated,
    ProviderSuspended,
    ProviderUpdated,
)
from contracts.dispatch.services import (
    NeighbourServiceRecorded,
    ServiceDelivered,
    ServicePlanAgreed,
    ServicePlanRecorded,
    ServicePlanReturned,
    ServiceRecordRefused,
)

EVENTS = (
    providers.EVENTS + orders.EVENTS + provider_topic.EVENTS + services.EVENTS + doorbell.EVENTS
)

__all__ = [
    "EVENTS",
    "AlertAcknowledged",
    "AlertEscalated",
    "AlertSent",
    "DoorbellPressed",
    "NeighbourServiceRecorded",
    "OrderAssigned",
    "OrderCancelled",
    "OrderPaused",
    "OrderResumed",
    "PlanAnswered",
    "ProviderRegistered",
    "ProviderReinstated",
    "ProviderSuspended",
    "ProviderUpdated",
    "ServiceDelivered",
    "ServiceOrderAccepted",
    "ServiceOrderCancelled",
    "ServiceOrderCreated",
    "ServiceOrderDeclined",
    "ServiceOrderEscalated",
    "ServiceOrderPaused",
    "ServiceOrderResumed",
    "ServicePlanAgreed",
    "ServicePlanRecorded",
    "ServicePlanReturned",
    "ServiceRecordRefused",
]
