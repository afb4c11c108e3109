"""Go-live import (存量导入): county IT loads the city system's roll, a chunk of rows at a time.

Each good row registers its person (the ID number sealed, as every number intake keeps),
opens a registered application and emits RecipientImported; review approves it as it
approves a surveyed case. A person imported before is "unchanged", whatever run or file
names them again: a whole file sent twice leaves one of everything.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from civic import clock
from civic.errors import NotFound
from civic.security import Principal
from civic.uow import UnitOfWork
from contracts import divisions
from contracts.settlement import version_in_force
from intake.domain import events
from intake.domain.checks import Registered
from intake.domain.import_runs import (
    CREATED,
    FAILED,
    ImportRun,
    ImportSummary,
    Standing,
    imported_application,
    verdict,
)
from intake.domain.imports import ImportedRow, RowProblem, check_row
from intake.domain.model import Application, Catalogue
from intake.repository.imports import ImportRecords, Outcome

#: A row as sent: its number in the file and its cells by column key.
RawRow = tuple[int, Mapping[str, object]]


@dataclass(frozen=True)
class ChunkResult:
    """What became of one chunk's rows."""

    created: int
    unchanged: int
    failed: int
    problems: tuple[RowProblem, ...]


async def start_import(
    *, file_name: str | None, caller: Principal, uow: UnitOfWork, records: ImportRecords
) -> ImportSummary:
    """Opens an import run for the caller."""
    run = ImportRun(uuid.uuid4(), caller.user_id, clock.now(), file_name)
    async with uow:
        await records.add_run(run)
        await uow.commit()
    return ImportSummary(run, 0, 0, 0)


async def read_import(
    import_id: uuid.UUID, *, uow: UnitOfWork, records: ImportRecords
) -> ImportSummary:
    """The run with its rows counted by outcome."""
    async with uow:
        return await records.summary(await _run_or_404(records, import_id))


async def import_problems(
    import_id: uuid.UUID, *, uow: UnitOfWork, records: ImportRecords
) -> list[RowProblem]:
    """Every problem of the run's rows, by row."""
    async with uow:
        await _run_or_404(records, import_id)
        return await records.problems(import_id)


async def import_rows(
    import_id: uuid.UUID,
    rows: Sequence[RawRow],
    *,
    caller: Principal,
    uow: UnitOfWork,
    records: ImportRecords,
) -> ChunkResult:
    """Checks and stores a chunk of rows; a bad row is reported and the others go on."""
    async with uow:
        await records.serialise()
        await _run_or_404(records, import_id)
        checked = await _checked(rows, caller, records)
        good = [r for r in checked if isinstance(r, ImportedRow)]
        problems = [p for r in checked if not isinstance(r, ImportedRow) for p in r]
        good, repeated = _first_of_each_person(good)
        problems += repeated
        people = await records.register([(r.id_number, r.name) for r in good])
        standing = await records.standing([people[r.id_number].person_id for r in good])
        sorted_out = _sort_out(good, people, standing, import_id, caller)
        outcomes, created = sorted_out.outcomes, sorted_out.created
        problems += sorted_out.problems
        await records.add_imported(
            [a for a, _ in created], import_id, [r.row_number for _, r in created]
        )
        for app, row in created:
            uow.emit(events.imported(app, row, import_id=import_id))
        failed = sorted({p.row_number for p in problems})
        await records.record(import_id, [*outcomes, *((n, FAILED, None) for n in failed)], problems)
        await uow.commit()
    return ChunkResult(len(created), len(outcomes) - len(created), len(failed), tuple(problems))


async def _run_or_404(records: ImportRecords, import_id: uuid.UUID) -> ImportRun:
    run = await records.run(import_id)
    if run is None:
        raise NotFound("未找到该导入批次", code="import_not_found")
    return run


async def _checked(
    rows: Sequence[RawRow], caller: Principal, records: ImportRecords
) -> list[ImportedRow | list[RowProblem]]:
    """Each row checked against the catalogue in force in its county on its first day."""
    counties = {str(raw.get("county_code") or "").strip() for _, raw in rows}
    versions: dict[str, list[Catalogue]] = {}
    for county in counties:
        if (found := divisions.get(county)) and found.level is divisions.DivisionLevel.COUNTY:
            versions[county] = await records.catalogue_versions(county)

    def catalogue_on(county: str, day: date) -> Catalogue | None:
        return version_in_force(versions.get(county, []), day)

    today = clock.today()
    return [
        check_row(raw, n, catalogue_on=catalogue_on, covers=caller.covers, today=today)
        for n, raw in rows
    ]


@dataclass
class _SortedOut:
    """The chunk's good rows after the registry was asked: what becomes of each."""

    outcomes: list[Outcome] = field(default_factory=list)
    created: list[tuple[Application, ImportedRow]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def _sort_out(
    rows: list[ImportedRow],
    people: Mapping[str, Registered],
    standing: Mapping[uuid.UUID, Standing],
    import_id: uuid.UUID,
    caller: Principal,
) -> _SortedOut:
    """Created, unchanged or refused, by what intake already holds for each person."""
    out = _SortedOut()
    for row in rows:
        who = people[row.id_number]
        found = verdict(row, standing.get(who.person_id), import_id)
        if isinstance(found, RowProblem):
            out.problems.append(found)
            continue
        if found == CREATED:
            out.created.append((_application(row, who, caller), row))
        out.outcomes.append((row.row_number, found, who.person_id))
    return out


def _first_of_each_person(
    rows: list[ImportedRow],
) -> tuple[list[ImportedRow], list[RowProblem]]:
    """The first row of each ID number; a later row of the same number is a problem."""
    first: dict[str, ImportedRow] = {}
    problems = []
    for row in rows:
        if (earlier := first.get(row.id_number)) is not None:
            message = f"同一身份证号码已在第{earlier.row_number}行出现"
            problems.append(RowProblem(row.row_number, "id_number", "duplicate_in_file", message))
        else:
            first[row.id_number] = row
    return list(first.values()), problems


def _application(row: ImportedRow, who: Registered, caller: Principal) -> Application:
    household = who.household_id or uuid.uuid4()
    return imported_application(
        row,
        person_id=who.person_id,
        household_id=household,
        imported_by=caller.user_id,
        at=clock.now(),
    )
