"""Complaints over HTTP: filing, the queue, the file with its notes, the resolution."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from contracts.fields import ProviderCode
from contracts.supervision import (
    ComplaintCategory,
    ComplaintOutcome,
    ComplaintSource,
    SupervisionLevel,
)
from dispatch.domain.complaint_filing import Filing
from dispatch.domain.complaints import ComplaintStatus, NoteKind, Resolution
from dispatch.schemas.common import Phone, Request, Sealed, TextZh

#: What a complainant said, or an investigation note: longer than a reason, sealed at rest.
LongTextZh = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), Sealed
]
#: A complainant's name as given on the phone.
NameZh = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]


class ComplaintBody(Request):
    """A complaint as taken in: the person, what it is about, and what it names if known."""

    person_id: uuid.UUID = Field(description="The person served the complaint is about.")
    category: ComplaintCategory = Field(description="What it is about (decides the deadline).")
    description_zh: LongTextZh = Field(description="The complainant's words (sealed at rest).")
    order_id: uuid.UUID | None = Field(default=None, description="The order concerned, if known.")
    record_id: uuid.UUID | None = Field(
        default=None, description="The service record concerned (needs its order_id)."
    )
    provider_code: ProviderCode | None = Field(
        default=None, description="The provider concerned (default: the order's)."
    )
    worker_ref: str | None = Field(
        default=None, max_length=64, description="The provider's worker concerned, if named."
    )
    complainant_name: Annotated[NameZh, Sealed] | None = Field(
        default=None, description="Who complained, to call back (sealed at rest)."
    )
    complainant_phone: Phone | None = Field(
        default=None, description="Their phone, to call back (sealed at rest)."
    )

    def to_domain(self, *, provider_code: str | None = None) -> Filing:
        """The filing; a provider's own report always names the provider itself."""
        values = self.model_dump()
        if provider_code is not None:
            values["provider_code"] = provider_code
        return Filing(**values)


class NoteBody(Request):
    """A step of the investigation, or the provider's own account."""

    text_zh: LongTextZh = Field(description="What was found or said (sealed at rest).")


class ResolutionBody(Request):
    """The finding, and the day the complainant was told it."""

    outcome: ComplaintOutcome = Field(description="What the investigation found.")
    complainant_told_on: date = Field(description="Day the complainant was told (Chizhou).")
    note_zh: Annotated[TextZh, Sealed] | None = Field(
        default=None, description="How it was settled (sealed at rest)."
    )

    def to_domain(self) -> Resolution:
        """The domain's resolution."""
        return Resolution(**self.model_dump())


class ComplaintRead(BaseModel):
    """A complaint in the queue: ids, codes and deadlines, no free text."""

    complaint_id: uuid.UUID = Field(description="The complaint.")
    version: int = Field(description="Version of the complaint.")
    status: ComplaintStatus = Field(description="open or resolved.")
    category: ComplaintCategory = Field(description="What it is about.")
    source: ComplaintSource = Field(description="How it reached the platform.")
    person_id: uuid.UUID = Field(description="The person (named in the read audit).")
    township_code: str = Field(description="Township that handles it first.")
    village_code: str = Field(description="Village of the person.")
    order_id: uuid.UUID | None = Field(description="Order concerned.")
    record_id: uuid.UUID | None = Field(description="Service record concerned.")
    provider_code: str | None = Field(description="Provider concerned.")
    worker_ref: str | None = Field(description="Worker concerned.")
    supervision_level: SupervisionLevel = Field(description="Level that handles it now.")
    respond_by: datetime = Field(description="Deadline of the level that handles it.")
    escalated_at: datetime | None = Field(description="When it went to the county.")
    overdue: bool = Field(description="A deadline passed before it was answered.")
    opened_by: str = Field(description="Who took it in.")
    opened_at: datetime = Field(description="When.")
    outcome: ComplaintOutcome | None = Field(description="What the investigation found.")
    resolved_by: str | None = Field(description="Officer who resolved it.")
    resolved_level: SupervisionLevel | None = Field(description="Level that resolved it.")
    resolved_at: datetime | None = Field(description="When.")
    complainant_told_on: date | None = Field(description="Day the complainant was told.")


class NoteRead(BaseModel):
    """One step of the investigation."""

    note_id: uuid.UUID = Field(description="The note.")
    kind: NoteKind = Field(description="An officer's note or the provider's response.")
    author_id: str = Field(description="Who wrote it.")
    text_zh: str = Field(description="What it says.")
    written_at: datetime = Field(description="When.")


class ComplaintFileRead(ComplaintRead):
    """A complaint with the complainant's words and contact and every note (audited read)."""

    description_zh: str = Field(description="The complainant's words.")
    complainant_name: str | None = Field(description="Who complained.")
    complainant_phone: str | None = Field(description="Their phone.")
    resolution_note_zh: str | None = Field(description="How it was settled.")
    notes: list[NoteRead] = Field(description="Notes and responses, oldest first.")
