"""Neighbour mutual aid (邻里互助): trained neighbours per village and what they did."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from contracts.kinds import AlertChannel


@dataclass(frozen=True)
class Helper:
    """A trained neighbour who helps recipients of their village (as registered by staff)."""

    name_zh: str
    phone: str
    user_id: str
    channel: AlertChannel
    trained_on: date
    training_org_zh: str | None


@dataclass(frozen=True, kw_only=True)
class RegisteredHelper(Helper):
    """A helper as the village's list holds them: the registration, its id and village."""

    helper_id: uuid.UUID
    village_code: str
    active: bool


@dataclass(frozen=True)
class NeighbourService:
    """Services a neighbour gave a recipient on one day (count and content)."""

    record_id: uuid.UUID
    helper_id: uuid.UUID
    recipient_id: uuid.UUID
    service_date: date
    count: int
    content_zh: str
    item_code: str | None


@dataclass(frozen=True)
class HelperYear:
    """One helper's services and days with services in a year (the subsidy's basis)."""

    helper_id: uuid.UUID
    name_zh: str
    services: int
    days: int
