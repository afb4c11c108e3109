"""Events on ``audit.reads.v1``: every read of a person's data through any service's API.

Each service keeps its own append-only ``read_audit`` table and mirrors every row here, so
operations can keep six months and more of reads (网络安全法: logs kept no less than six
months) in one place, apart from the services that made them. Who read, in which role and
jurisdiction, what, about which people, when, from where and why; never the data read.
"""

from __future__ import annotations

import uuid
from typing import ClassVar, Literal

from pydantic import Field

from contracts import topics
from contracts.envelope import Event
from contracts.fields import DivisionCode, UserId

ServiceName = Literal["intake", "survey", "review", "dispatch", "settlement", "archive"]

#: The most people one audit line names (a page of a list); a longer read leaves more lines.
MAX_PEOPLE_PER_READ = 500


class PersonalDataRead(Event):
    """Someone read a person's data through a service's API."""

    TOPIC: ClassVar[str] = topics.AUDIT_READS

    event_type: Literal["audit.PersonalDataRead"] = Field(
        default="audit.PersonalDataRead", description="Event name."
    )
    producer: ServiceName = Field(description="The service that answered the read.")
    subject_key: UserId = Field(description="Kafka key: the reader's user id.")
    read_id: uuid.UUID = Field(description="The line in the service's own read_audit table.")
    user_id: UserId = Field(description="Who read (the token's subject).")
    roles: tuple[str, ...] = Field(max_length=16, description="The reader's roles.")
    division: DivisionCode | None = Field(
        default=None, description="The reader's jurisdiction, if the role has one."
    )
    provider_code: str | None = Field(
        default=None, max_length=32, description="The reader's provider, for provider staff."
    )
    what: str = Field(
        pattern=r"^[a-z_]{1,48}$", description="What was read, e.g. application, survey_findings."
    )
    route: str = Field(max_length=200, description="Method and route template, e.g. GET /x/{id}.")
    person_ids: tuple[uuid.UUID, ...] = Field(
        max_length=MAX_PEOPLE_PER_READ, description="The people whose data the answer held."
    )
    client: str | None = Field(
        default=None, max_length=64, description="The reader's address (as the proxy saw it)."
    )
    purpose: str | None = Field(
        default=None, max_length=200, description="Why, where the route asks for a purpose."
    )
    trace_id: str | None = Field(
        default=None, pattern=r"^[0-9a-f]{32}$", description="The request's trace."
    )


EVENTS = (PersonalDataRead,)
