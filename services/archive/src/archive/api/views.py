"""Turns files, their documents, history and access log into the response models (Chinese
labels added); the sections read from the history and dispatch's copies are in ``file_sections``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any, TypeVar

from pydantic import BaseModel

from archive import schemas
from archive.api.file_sections import (
    SUPERVISION_TYPES,
    frequency_zh,
    order_views,
    service_totals,
    settlement_views,
    status_entries,
    survey_view,
)
from archive.domain.documents import STATE_ZH, ChecklistItem, is_complete
from archive.domain.files import ArchiveFile
from archive.domain.history import route_zh
from archive.domain.places import place_zh
from archive.domain.stored import AccessLine, DocumentInfo, HistoryLine
from archive.handlers.files import FileContents
from contracts.enums import (
    FundingSource,
    RecipientCategory,
    RecipientStatus,
    SelfCareLevel,
    ServiceCategory,
    ServiceMode,
    SpecialCondition,
)
from contracts.kinds import DocumentKind

ReadT = TypeVar("ReadT", bound=BaseModel)


def copied(schema: type[ReadT], stored: Any, **labels: Any) -> ReadT:
    """The response ``schema`` of a stored record: the fields they share, plus ``labels``."""
    values = asdict(stored)
    shared = {k: values[k] for k in schema.model_fields if k in values and k not in labels}
    return schema(**shared, **labels)


def file_summary(file: ArchiveFile) -> schemas.FileSummary:
    """The list entry of a file."""
    return copied(
        schemas.FileSummary,
        file,
        place_zh=place_zh(file.village_code),
        category_zh=RecipientCategory(file.category).label_zh,
        status_zh=RecipientStatus(file.status).label_zh,
        route_zh=route_zh(file.route, file.temporary_until),
    )


def _approved_item(item: Mapping[str, Any], names: Mapping[str, str]) -> schemas.ApprovedItemView:
    freq = item["frequency"]
    return schemas.ApprovedItemView(
        item_code=item["item_code"],
        item_zh=names.get(item["item_code"], item["item_code"]),
        service_category_zh=ServiceCategory(item["service_category"]).label_zh,
        mode_zh=ServiceMode(item["mode"]).label_zh,
        frequency_zh=frequency_zh(freq["times"], freq["per"]) or "",
        funding_source_zh=FundingSource(item["funding_source"]).label_zh,
    )


def needs_assessment(file: ArchiveFile, names: Mapping[str, str]) -> schemas.NeedsAssessment:
    """What the township assessed and approved (需求认定)."""
    level = file.self_care_level
    return schemas.NeedsAssessment(
        category_zh=RecipientCategory(file.category).label_zh,
        special_conditions_zh=[SpecialCondition(c).label_zh for c in file.special_conditions],
        self_care_level_zh=SelfCareLevel(level).label_zh if level else None,
        need_categories_zh=[ServiceCategory(c).label_zh for c in file.need_categories],
        approved_items=[_approved_item(i, names) for i in file.approved_items],
        effective_date=file.approved_on,
    )


def checklist_entries(items: Sequence[ChecklistItem]) -> list[schemas.ChecklistEntry]:
    """The checklist with Chinese labels."""
    return [
        schemas.ChecklistEntry(
            kind=i.kind.value,
            label_zh=i.label_zh,
            state=i.state.value,
            state_zh=STATE_ZH[i.state],
            generated=i.generated,
        )
        for i in items
    ]


def document_read(document: DocumentInfo) -> schemas.DocumentRead:
    """A document's description."""
    return copied(schemas.DocumentRead, document, kind_zh=DocumentKind(document.kind).label_zh)


def history_entry(line: HistoryLine) -> schemas.HistoryEntry:
    """One line of the file's history."""
    return copied(schemas.HistoryEntry, line)


def file_read(contents: FileContents) -> schemas.FileRead:
    """The whole file as the API shows it."""
    file, history, names = contents.file, contents.history, contents.item_names
    return schemas.FileRead(
        file=file_summary(file),
        recipient_id=file.recipient_id,
        application_id=file.application_id,
        household_id=file.household_id,
        opened_at=file.opened_at,
        needs_assessment=needs_assessment(file, names),
        survey=survey_view(history, file.application_id),
        status_changes=status_entries(history, file.recipient_id),
        orders=order_views(contents.orders, names, contents.providers),
        services=service_totals(contents.records),
        settlement=settlement_views(history),
        supervision=settlement_views(history, SUPERVISION_TYPES),
        checklist=checklist_entries(contents.checklist),
        checklist_complete=is_complete(contents.checklist),
        documents=[document_read(document) for document in contents.documents],
    )


def access_entry(line: AccessLine) -> schemas.AccessEntry:
    """One line of the access log."""
    return copied(schemas.AccessEntry, line)
