"""Use cases that read files: lists, the whole file, its history and its service receipt."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from archive import render, schemas, views
from archive.context import ArchiveContext
from archive.domain.boards import provider_label
from archive.domain.documents import checklist, is_complete
from archive.domain.ledgers import RECEIPT_HEADER, ReceiptLine, receipt_row, to_csv
from archive.domain.places import place_zh, scope_prefix
from archive.handlers.access import audit, file_in_scope
from archive.repository import documents as documents_repo
from archive.repository import files as files_repo
from archive.repository import services as services_repo
from civic import clock
from civic.errors import Forbidden
from civic.security import Principal
from civic.uow import UnitOfWork
from contracts.enums import RecipientCategory, ServiceCategory, ServiceMode
from contracts.reasons import RecordRefusalReason


async def list_files(
    *, uow: UnitOfWork, principal: Principal, division: str | None, page: int, size: int
) -> schemas.FileList:
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
    items = [views.file_summary(r) for r in rows]
    return schemas.FileList(items=items, total=total, page=page, size=size)


async def file_record(session: AsyncSession, row: RowMapping) -> schemas.FileRead:
    """Everything the file holds, assembled from its tables and its history."""
    history = await files_repo.history_of(session, row["person_id"])
    orders = await services_repo.orders_of(session, [row["person_id"]])
    records = await services_repo.records_of(session, row["person_id"])
    names = await services_repo.item_names(session, row["issue_county_code"], row["county_code"])
    providers = await services_repo.providers(
        session, {o["provider_id"] for o in orders if o["provider_id"]}
    )
    documents = await documents_repo.documents_of(session, row["file_id"])
    items = checklist(row["special_conditions"], {d["kind"] for d in documents}, bool(records))
    return schemas.FileRead(
        file=views.file_summary(row),
        recipient_id=row["recipient_id"],
        application_id=row["application_id"],
        household_id=row["household_id"],
        opened_at=row["opened_at"],
        needs_assessment=views.needs_assessment(row, names),
        survey=views.survey_view(history, row["application_id"]),
        status_changes=views.status_entries(history, row["recipient_id"]),
        orders=views.order_views(orders, names, providers),
        services=views.service_totals(records),
        settlement=views.settlement_views(history),
        checklist=views.checklist_entries(items),
        checklist_complete=is_complete(items),
        documents=[views.document_read(d) for d in documents],
    )


async def read_file(
    file_id: uuid.UUID, *, uow: UnitOfWork, principal: Principal
) -> schemas.FileRead:
    """The whole file; the read is written to the access log first."""
    async with uow:
        row = await file_in_scope(uow.session, file_id, principal)
        await audit(uow.session, principal, action="view_file", file_id=file_id)
        record = await file_record(uow.session, row)
        await uow.commit()
    return record


async def file_history(
    file_id: uuid.UUID, *, uow: UnitOfWork, principal: Principal, page: int, size: int
) -> schemas.HistoryList:
    """A page of the file's append-only history, oldest first."""
    async with uow:
        row = await file_in_scope(uow.session, file_id, principal)
        total, rows = await files_repo.history_page(
            uow.session, row["person_id"], offset=(page - 1) * size, limit=size
        )
    items = [views.history_entry(r) for r in rows]
    return schemas.HistoryList(items=items, total=total, page=page, size=size)


def _receipt_line(
    r: RowMapping, names: Mapping[str, str], providers: Mapping[uuid.UUID, RowMapping]
) -> tuple[str, ...]:
    p = providers.get(r["provider_id"])
    category, mode, reason = r["service_category"], r["mode"], r["reason_code"]
    line = ReceiptLine(
        service_date=r["service_date"],
        item=names.get(r["item_code"], r["item_code"] or ""),
        category=ServiceCategory(category).label_zh if category else "",
        mode=ServiceMode(mode).label_zh if mode else "",
        quantity=r["quantity"],
        unit=r["unit"],
        provider=provider_label(p["name_zh"], p["provider_type"]) if p else r["provider_code"],
        accepted=r["outcome"] == "delivered",
        note=RecordRefusalReason(reason).label_zh if reason else "",
    )
    return receipt_row(line)


async def service_receipt(
    file_id: uuid.UUID, *, uow: UnitOfWork, principal: Principal, ctx: ArchiveContext, as_csv: bool
) -> str:
    """The 接受救助服务情况表, generated from the service records (HTML or CSV); audited."""
    async with uow:
        row = await file_in_scope(uow.session, file_id, principal)
        await audit(uow.session, principal, action="service_receipt", file_id=file_id)
        records = await services_repo.records_of(uow.session, row["person_id"])
        names = await services_repo.item_names(
            uow.session, row["issue_county_code"], row["county_code"]
        )
        providers = await services_repo.providers(uow.session, {r["provider_id"] for r in records})
        await uow.commit()
    lines = [_receipt_line(r, names, providers) for r in records]
    if as_csv:
        return to_csv(RECEIPT_HEADER, lines)
    return render.receipt_page(
        service_number=row["service_number"],
        name=row["display_name"],
        category=RecipientCategory(row["category"]).label_zh,
        place_zh=place_zh(row["village_code"]),
        header=RECEIPT_HEADER,
        lines=lines,
        generated_at=clock.now(),
    )


async def access_log(
    file_id: uuid.UUID, *, uow: UnitOfWork, principal: Principal
) -> list[schemas.AccessEntry]:
    """Who read or changed the file's documents, newest first."""
    async with uow:
        await file_in_scope(uow.session, file_id, principal)
        rows = await documents_repo.accesses(uow.session, file_id)
    return [
        schemas.AccessEntry(
            at=r["at"],
            user_id=r["user_id"],
            roles=r["roles"],
            action=r["action"],
            document_id=r["document_id"],
            trace_id=r["trace_id"],
        )
        for r in rows
    ]
