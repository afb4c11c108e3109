"""Use cases that read files: lists, the whole file, its history and its service receipt."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from archive.adapters import render
from archive.context import ArchiveContext
from archive.domain.documents import ChecklistItem, checklist
from archive.domain.files import ArchiveFile
from archive.domain.ledgers import RECEIPT_HEADER, ReceiptLine, receipt_row
from archive.domain.places import place_zh, scope_prefix
from archive.domain.stored import (
    AccessLine,
    DocumentInfo,
    FileOrder,
    HistoryLine,
    Provider,
    ServiceRecord,
)
from archive.handlers.access import file_in_scope, read_in_scope
from archive.repository import documents as documents_repo
from archive.repository import files as files_repo
from archive.repository import services as services_repo
from civic import clock
from civic.errors import Forbidden
from civic.security import Principal
from civic.spreadsheet import csv_document
from civic.uow import UnitOfWork
from contracts.enums import RecipientCategory, ServiceCategory, ServiceMode
from contracts.reasons import RecordRefusalReason

Item = TypeVar("Item")


@dataclass(frozen=True)
class Page(Generic[Item]):
    """One page of items and how many there are in all."""

    rows: Sequence[Item]
    total: int


@dataclass(frozen=True)
class FileContents:
    """Everything a file holds, as read from its tables and its history."""

    file: ArchiveFile
    history: Sequence[HistoryLine]
    orders: Sequence[FileOrder]
    records: Sequence[ServiceRecord]
    item_names: Mapping[str, str]
    providers: Mapping[uuid.UUID, Provider]
    documents: Sequence[DocumentInfo]
    checklist: Sequence[ChecklistItem]


async def list_files(
    *, uow: UnitOfWork, principal: Principal, division: str | None, page: int, size: int
) -> Page[ArchiveFile]:
    """Files in the caller's jurisdiction (or a division inside it), by service number."""
    scope = division or principal.division
    if scope is None or not principal.covers(scope):
        raise Forbidden(
            "该区划不在您的管辖范围内", code="outside_jurisdiction", field="query.division"
        )
    async with uow:
        total, rows = await documents_repo.list_files(
            uow.session, division_code=scope_prefix(scope), offset=(page - 1) * size, limit=size
        )
    return Page(rows, total)


async def file_contents(uow: UnitOfWork, file: ArchiveFile) -> FileContents:
    """Everything the file holds, assembled from its tables and its history."""
    session, person_id = uow.session, file.person_id
    history = await files_repo.history_of(session, person_id)
    orders = await services_repo.orders_of(session, [person_id])
    records = await services_repo.records_of(session, person_id)
    names = await services_repo.item_names(session, file.issue_county_code, file.county_code)
    providers = await services_repo.providers(
        session, {order.provider_id for order in orders if order.provider_id}
    )
    documents = await documents_repo.documents_of(session, file.file_id)
    kinds = {document.kind for document in documents}
    items = checklist(file.special_conditions, kinds, bool(records))
    return FileContents(file, history, orders, records, names, providers, documents, items)


async def read_file(file_id: uuid.UUID, *, uow: UnitOfWork, principal: Principal) -> FileContents:
    """The whole file (its read is recorded by the read audit)."""
    async with uow:
        file = await file_in_scope(uow, file_id, principal)
        return await file_contents(uow, file)


async def file_history(
    file_id: uuid.UUID, *, uow: UnitOfWork, principal: Principal, page: int, size: int
) -> Page[HistoryLine]:
    """A page of the file's append-only history, oldest first."""
    async with uow:
        file = await file_in_scope(uow, file_id, principal)
        total, lines = await files_repo.history_page(
            uow.session, file.person_id, offset=(page - 1) * size, limit=size
        )
    return Page(lines, total)


def _receipt_line(
    record: ServiceRecord, names: Mapping[str, str], providers: Mapping[uuid.UUID, Provider]
) -> tuple[str, ...]:
    provider = providers.get(record.provider_id)
    category, mode, reason = record.service_category, record.mode, record.reason_code
    line = ReceiptLine(
        service_date=record.service_date,
        item=names.get(record.item_code or "", record.item_code or ""),
        category=ServiceCategory(category).label_zh if category else "",
        mode=ServiceMode(mode).label_zh if mode else "",
        quantity=record.quantity,
        unit=record.unit,
        provider=provider.label if provider else record.provider_code,
        accepted=record.outcome == "delivered",
        note=RecordRefusalReason(reason).label_zh if reason else "",
    )
    return receipt_row(line)


async def service_receipt(
    file_id: uuid.UUID, *, uow: UnitOfWork, principal: Principal, ctx: ArchiveContext, as_csv: bool
) -> str:
    """The 接受救助服务情况表, generated from the service records (HTML or CSV)."""
    async with uow:
        row = await file_in_scope(uow, file_id, principal)
        records = await services_repo.records_of(uow.session, row.person_id)
        names = await services_repo.item_names(uow.session, row.issue_county_code, row.county_code)
        providers = await services_repo.providers(
            uow.session, {record.provider_id for record in records}
        )
    lines = [_receipt_line(record, names, providers) for record in records]
    if as_csv:
        return csv_document(RECEIPT_HEADER, lines)
    return render.receipt_page(
        service_number=row.service_number,
        name=row.display_name,
        category=RecipientCategory(row.category).label_zh,
        place_zh=place_zh(row.village_code),
        header=RECEIPT_HEADER,
        lines=lines,
        generated_at=clock.now(),
    )


async def access_log(
    file_id: uuid.UUID, *, uow: UnitOfWork, principal: Principal
) -> Sequence[AccessLine]:
    """Who uploaded or downloaded the file's documents, newest first."""
    return await read_in_scope(file_id, principal, uow, documents_repo.accesses)
