"""The go-live import's tables, and the registry written a chunk of rows at a time.

A chunk of up to a thousand rows is written with a handful of statements (executemany),
not a few per row: a county's roll of tens of thousands loads in seconds.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from civic.uow import UnitOfWork
from intake.adapters.sealing import PHONE, id_number_index, seal_id_number, seal_text
from intake.domain.checks import Registered
from intake.domain.import_runs import ImportRun, ImportSummary, Standing
from intake.domain.imports import RowProblem
from intake.domain.model import Application, Catalogue
from intake.orm import (
    OPEN_STATUS_SQL,
    application,
    application_step,
    import_error,
    import_row,
    import_run,
    imported_person,
    person,
)
from intake.repository import catalogue, persons

#: One row's outcome: its number, "created" / "unchanged" / "failed", and its person.
Outcome = tuple[int, str, uuid.UUID | None]


class ImportRecords:
    """The import's reads and writes, in ``uow``'s transaction."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    @property
    def _session(self) -> AsyncSession:
        return self._uow.session

    async def serialise(self) -> None:
        """One chunk at a time across runs: the registry's numbers cannot race each other."""
        await persons.lock_key(self._session, "intake.import")

    async def catalogue_versions(self, county_code: str) -> list[Catalogue]:
        """Every catalogue version received for a county."""
        return await catalogue.catalogue_versions(self._session, county_code)

    async def add_run(self, run: ImportRun) -> None:
        """Records a new run."""
        await self._session.execute(import_run.insert().values(**vars(run)))

    async def run(self, import_id: uuid.UUID) -> ImportRun | None:
        """The run, if there is one."""
        row = (
            await self._session.execute(
                select(import_run).where(import_run.c.import_id == import_id)
            )
        ).first()
        return ImportRun(**row._mapping) if row else None

    async def register(self, people: Sequence[tuple[str, str]]) -> dict[str, Registered]:
        """Finds or adds each (ID number, name); by number, as the registry holds them."""
        proposed = {number: uuid.uuid4() for number, _ in people}
        indexes = {id_number_index(number): number for number, _ in people}
        rows = [
            {
                "person_id": proposed[number],
                "id_number": seal_id_number(number, person_id=proposed[number]),
                "id_number_index": index,
                "name": name,
            }
            for index, (number, name) in zip(indexes, people, strict=True)
        ]
        if rows:
            await self._session.execute(pg_insert(person).on_conflict_do_nothing(), rows)
        found = await self._session.execute(
            select(
                person.c.id_number_index, person.c.person_id, person.c.name, person.c.household_id
            )
            .where(person.c.id_number_index.in_(list(indexes)))
            .with_for_update()
        )
        return {
            indexes[r.id_number_index]: Registered(
                r.person_id,
                r.name,
                r.household_id,
                r.person_id == proposed[indexes[r.id_number_index]],
            )
            for r in found
        }

    async def standing(self, person_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Standing]:
        """What stands in the way of importing each person: an import, an application."""
        found: dict[uuid.UUID, Standing] = {}
        imported = await self._session.execute(
            select(
                imported_person.c.person_id,
                imported_person.c.import_id,
                imported_person.c.row_number,
            ).where(imported_person.c.person_id.in_(person_ids))
        )
        for r in imported:
            found[r.person_id] = Standing(imported_in=r.import_id, imported_row=r.row_number)
        apps = await self._session.execute(
            select(application.c.person_id, application.c.status).where(
                application.c.person_id.in_(person_ids),
                text(f"({OPEN_STATUS_SQL} OR status = 'approved')"),
            )
        )
        for a in apps:
            found.setdefault(a.person_id, Standing(application_status=a.status))
        return found

    async def add_imported(
        self, apps: Sequence[Application], import_id: uuid.UUID, rows: Sequence[int]
    ) -> None:
        """Stores the applications of imported rows, their first step, and the imports."""
        if not apps:
            return
        await self._session.execute(application.insert(), [_application(a) for a in apps])
        await self._session.execute(application_step.insert(), [_step(a) for a in apps])
        await self._session.execute(
            imported_person.insert(),
            [
                {
                    "person_id": a.person_id,
                    "application_id": a.application_id,
                    "import_id": import_id,
                    "row_number": n,
                    "imported_at": a.submitted_at,
                }
                for a, n in zip(apps, rows, strict=True)
            ],
        )
        await self._session.execute(
            update(person)
            .where(person.c.person_id == bindparam("pid"), person.c.household_id.is_(None))
            .values(household_id=bindparam("hid")),
            [{"pid": a.person_id, "hid": a.household_id} for a in apps],
        )

    async def record(
        self, import_id: uuid.UUID, outcomes: Iterable[Outcome], problems: Iterable[RowProblem]
    ) -> None:
        """Keeps each row's first outcome and every problem (a chunk sent again adds none)."""
        rows = [
            {"import_id": import_id, "row_number": n, "outcome": o, "person_id": p}
            for n, o, p in outcomes
        ]
        if rows:
            await self._session.execute(pg_insert(import_row).on_conflict_do_nothing(), rows)
        errors = [{"import_id": import_id, **vars(p)} for p in problems]
        if errors:
            await self._session.execute(pg_insert(import_error).on_conflict_do_nothing(), errors)

    async def summary(self, run: ImportRun) -> ImportSummary:
        """The run with its rows counted by outcome."""
        counted = await self._session.execute(
            select(import_row.c.outcome, func.count())
            .where(import_row.c.import_id == run.import_id)
            .group_by(import_row.c.outcome)
        )
        counts = {outcome: int(n) for outcome, n in counted}
        return ImportSummary(
            run, counts.get("created", 0), counts.get("unchanged", 0), counts.get("failed", 0)
        )

    async def problems(self, import_id: uuid.UUID) -> list[RowProblem]:
        """Every problem of the run, by row."""
        errors = import_error.c
        rows = await self._session.execute(
            select(errors.row_number, errors.field, errors.code, errors.message_zh)
            .where(errors.import_id == import_id)
            .order_by(errors.row_number, errors.field, errors.code)
        )
        return [RowProblem(r.row_number, r.field, r.code, r.message_zh) for r in rows]


def _application(app: Application) -> dict[str, object]:
    return {
        "application_id": app.application_id,
        "person_id": app.person_id,
        "household_id": app.household_id,
        "status": app.status.value,
        "version": app.version,
        "channel": app.channel.value,
        "category": app.category.value,
        "special_conditions": [c.value for c in app.special_conditions],
        "requested_items": [i.to_json() for i in app.requested_items],
        "need_categories": [c.value for c in app.need_categories],
        "county_code": app.county_code,
        "township_code": app.township_code,
        "village_code": app.village_code,
        "applicant_name": app.applicant.name,
        "applicant_phone": seal_text(app.applicant.phone, purpose=PHONE, row=app.application_id),
        "submitted_by": app.submitted_by,
        "submitted_by_role": app.submitted_by_role,
        "submitted_at": app.submitted_at,
        "registered_by": app.submitted_by,
        "registered_at": app.submitted_at,
        "updated_at": app.submitted_at,
    }


def _step(app: Application) -> dict[str, object]:
    step = app.timeline[-1]
    return {
        "application_id": app.application_id,
        "status": step.status.value,
        "note_zh": step.note_zh,
        "occurred_at": step.occurred_at,
    }
