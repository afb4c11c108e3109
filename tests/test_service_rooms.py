"""Every service has the same rooms, and each room does one thing (checked on the tree).

* ``api/`` (HTTP) and ``consumers.py`` (Kafka) only translate: they never open a unit of work
  and never touch its session; the handler they call owns the transaction.
* ``handlers/`` hold the use cases: no SQL (``select(``, ``text(``, ``Row``, ``RowMapping``):
  that lives in ``repository/``; no rows under another name either (a repository alias such
  as ``Row = Mapping[Any, Any]``): repositories return domain objects; and no HTTP schemas:
  handlers speak the domain's language.
* Each service has the packages ``domain``, ``handlers``, ``repository``, ``schemas``, ``api``.

The staff console (``services/console``) is not one of them: it owns no data, so it has no
such rooms, no migrations and no database or Kafka code; it only calls the six over HTTP.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("intake", "survey", "review", "dispatch", "settlement", "archive")
ROOMS = ("domain", "handlers", "repository", "schemas", "api")
SQL_IN_USE_CASES = frozenset({"select", "text", "Row", "RowMapping"})
#: Types a repository alias must not stand for: an alias of one passes rows to use cases.
ROW_TYPES = frozenset({"Mapping", "MutableMapping", "Row", "RowMapping", "dict"})
#: What code that keeps data of its own would import: the console must import none of them.
DATA_KEEPERS = (
    "sqlalchemy",
    "alembic",
    "asyncpg",
    "aiokafka",
    "faststream",
    "civic.uow",
    "civic.db",
    "civic.outbox",
    "civic.consumer",
    "civic.kafka",
)


def _package(service: str) -> Path:
    return ROOT / "services" / service / "src" / service


def _files(path: Path) -> Iterator[Path]:
    yield from sorted(path.rglob("*.py")) if path.is_dir() else [path] if path.exists() else []


def _name(node: ast.expr) -> str:
    """The last name in ``uow``, ``self.uow``, ``runtime.uow()``."""
    if isinstance(node, ast.Call):
        return _name(node.func)
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def transaction_offences(source: str, where: str) -> list[str]:
    """Units of work opened, and sessions touched, in code that should only translate."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.AsyncWith):
            for item in node.items:
                if "uow" in _name(item.context_expr).lower():
                    found.append(f"{where}:{node.lineno} opens a unit of work")
        if isinstance(node, ast.Attribute) and node.attr == "session":
            found.append(f"{where}:{node.lineno} touches .session")
    return found


def _names_in(node: ast.AST) -> set[str]:
    return {
        sub.id if isinstance(sub, ast.Name) else sub.attr
        for sub in ast.walk(node)
        if isinstance(sub, ast.Name | ast.Attribute)
    }


def row_aliases(source: str) -> set[str]:
    """Names a repository module gives to row types (``Row = Mapping[Any, Any]``)."""
    found = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign):
            targets = [target.id for target in node.targets if isinstance(target, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            targets = [node.target.id]
        else:
            continue
        # A type expression (not a call such as ``dict(...)``) that names a row type.
        is_type = isinstance(node.value, ast.Name | ast.Attribute | ast.Subscript | ast.BinOp)
        if is_type and node.value is not None and _names_in(node.value) & ROW_TYPES:
            found.update(targets)
    return found


def use_case_offences(
    source: str, where: str, service: str, aliases: Collection[str] = ()
) -> list[str]:
    """SQL, rows (under any alias the repository gives them) and HTTP schemas in a use case."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name | ast.Attribute):
            name = node.id if isinstance(node, ast.Name) else node.attr
            if name in SQL_IN_USE_CASES:
                found.append(f"{where}:{node.lineno} uses {name} (SQL belongs in repository/)")
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            if any(n == f"{service}.schemas" or n.startswith(f"{service}.schemas.") for n in names):
                found.append(f"{where}:{node.lineno} imports HTTP schemas")
            if node.module.startswith("sqlalchemy"):
                found.append(f"{where}:{node.lineno} imports {node.module}")
            if node.module.startswith(f"{service}.repository"):
                rows = sorted({a.name for a in node.names} & set(aliases))
                found += [f"{where}:{node.lineno} takes rows as {name}" for name in rows]
    return found


@pytest.mark.parametrize("service", SERVICES)
def test_entrypoints_only_translate(service: str) -> None:
    package = _package(service)
    offences = []
    for path in [*_files(package / "api"), *_files(package / "consumers.py")]:
        offences += transaction_offences(path.read_text(), str(path.relative_to(ROOT)))
    assert offences == []


@pytest.mark.parametrize("service", SERVICES)
def test_use_cases_hold_no_sql_and_no_http_schemas(service: str) -> None:
    aliases: set[str] = set()
    for path in _files(_package(service) / "repository"):
        aliases |= row_aliases(path.read_text())
    offences = []
    for path in _files(_package(service) / "handlers"):
        where = str(path.relative_to(ROOT))
        offences += use_case_offences(path.read_text(), where, service, aliases)
    assert offences == []


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_has_the_same_rooms(service: str) -> None:
    package = _package(service)
    missing = [room for room in ROOMS if not (package / room / "__init__.py").is_file()]
    assert missing == []


def test_the_rules_catch_what_they_forbid() -> None:
    route = "async def stop(uow):\n    async with uow:\n        await uow.session.execute(q)\n"
    assert len(transaction_offences(route, "api/x.py")) == 2
    handler = "from review.schemas import StopRequest\nasync def f(s):\n    return select(t)\n"
    assert len(use_case_offences(handler, "handlers/x.py", "review")) == 2
    clean = "async def stop(uow):\n    async with uow:\n        await uow.recipients.stop()\n"
    assert use_case_offences(clean, "handlers/x.py", "review") == []


def test_the_rules_catch_rows_under_another_name() -> None:
    repository = (
        "Row = Mapping[Any, Any]\nRecord: TypeAlias = RowMapping\nLIMIT = 10\nOPEN = ('created',)\n"
    )
    assert row_aliases(repository) == {"Row", "Record"}
    handler = (
        "from review.repository import Record, orders\ndef f(r: Row) -> str:\n    return r['x']\n"
    )
    offences = use_case_offences(handler, "handlers/x.py", "review", {"Row", "Record"})
    assert offences == [
        "handlers/x.py:1 takes rows as Record",
        "handlers/x.py:2 uses Row (SQL belongs in repository/)",
    ]


def imported_modules(source: str) -> set[str]:
    """Every module ``source`` imports."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_the_console_owns_no_data() -> None:
    console = ROOT / "services" / "console"
    assert not (console / "alembic.ini").exists() and not (console / "migrations").exists()
    offences = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in _files(_package("console"))
        for module in sorted(imported_modules(path.read_text()))
        if any(module == k or module.startswith(f"{k}.") for k in DATA_KEEPERS)
    ]
    assert offences == []
    assert imported_modules("import sqlalchemy.orm\nfrom civic.uow import X\n") == {
        "sqlalchemy.orm",
        "civic.uow",
    }
