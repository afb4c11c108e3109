"""Rolling deploys: each service's latest migration is expand-only, run once by the replica
that gets the advisory lock, and the code before it keeps working against it.

For each service: its latest migration (alembic's head), the commit that added that file,
and that commit's parent, the code old replicas still run (``git archive``d; nothing
hard-coded). On a fresh database per service:

1. two ``alembic upgrade head`` processes of the new code start at once; both succeed and
   the schema is at head once;
2. the OLD code, in its own process, answers its GET routes, lets its consumers apply a
   sample of every event they handle (through the inbox), emits and relays an event through
   the outbox and leaves one unsent: no 5xx, no SQL error;
3. the NEW code, in its own process, steps back to the previous head (the downgrade), starts
   as a replica does (``upgrade head``), runs the same smoke and sends what the old code left.

Step 3 migrates before the new code serves because every replica runs ``alembic upgrade
head`` before uvicorn (the images' CMD): a new version never serves an unmigrated schema
(messaging v2's relay needs ``parked_at``). What runs side by side in a rolling deploy, and
after a code rollback, is the previous version on the new schema: step 2. A contract step
(dropping or renaming what the previous version uses, a NOT NULL column it does not fill)
fails step 2 naming the route, the event and the SQL error.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from devstack.infra import Infra

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[1]
SERVICES = sorted(p.parent.name for p in ROOT.glob("services/*/alembic.ini"))
#: What a failed SQL statement says when code and schema disagree (not a domain refusal).
SCHEMA_ERRORS = ("ProgrammingError", "asyncpg.exceptions.Undefined", "NotNullViolation")
ROLES = ["village_staff", "coordinator", "township_officer", "county_officer", "auditor", "admin"]


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def latest_migration(service: str) -> dict[str, str]:
    """The head revision, the one before it, and the code that predates the head's file."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(Config(str(ROOT / f"services/{service}/alembic.ini")))
    heads = script.get_heads()
    assert len(heads) == 1, f"{service} has {len(heads)} migration heads; merge them first"
    head = script.get_revision(heads[0])
    assert head is not None and isinstance(head.down_revision, str), f"{service}: {heads}"
    path = Path(head.path).resolve().relative_to(ROOT).as_posix()
    added = _git("log", "-1", "--diff-filter=A", "--format=%H", "--", path)
    # Not committed yet: the committed code is the code before it.
    before = _git("rev-parse", f"{added}^" if added else "HEAD")
    listed = _git("ls-tree", "--name-only", before, "--", path)
    assert not listed, f"{service}: {path} already exists in {before}, the code before it"
    return {"head": head.revision, "previous": head.down_revision, "code": before}


def extract(rev: str, into: Path) -> Path:
    """The libraries and services at ``rev``, as a tree of files."""
    target = into / rev[:12]
    if not target.exists():
        paths = ["libs/civic/src", "libs/contracts/src", "services"]
        tar = subprocess.run(["git", "archive", rev, *paths], cwd=ROOT, capture_output=True)
        target.mkdir(parents=True)
        subprocess.run(["tar", "-x", "-C", str(target)], input=tar.stdout, check=True)
    return target


def upgrade_twice_at_once(urls: dict[str, str]) -> None:
    """Two replicas of every service run ``alembic upgrade head`` at the same moment."""
    procs = []
    for service, url in urls.items():
        ini = str(ROOT / f"services/{service}/alembic.ini")
        cmd = [sys.executable, "-m", "alembic", "-c", ini, "upgrade", "head"]
        env = {**os.environ, "DATABASE_URL": url}
        for _ in range(2):
            procs.append(
                (service, subprocess.Popen(cmd, cwd=ROOT, env=env, stderr=subprocess.PIPE))
            )
    for service, proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, f"{service}: a concurrent upgrade failed:\n{err.decode()}"


async def versions(urls: dict[str, str]) -> dict[str, list[str]]:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    found = {}
    for service, url in urls.items():
        engine = create_async_engine(url)
        async with engine.connect() as conn:
            rows = await conn.execute(text("select version_num from alembic_version"))
            found[service] = [r[0] for r in rows]
        await engine.dispose()
    return found


def run_code(tree: Path | None, mode: str, specs: dict[str, Any], work: Path) -> dict[str, Any]:
    """Runs this file's ``main`` with the code of ``tree`` (None: the working tree)."""
    env = dict(os.environ)
    if tree is not None:  # the old tree comes first on the path, before the installed one
        srcs = [tree / "libs/civic/src", tree / "libs/contracts/src"]
        srcs += [tree / f"services/{s}/src" for s in specs]
        env["PYTHONPATH"] = os.pathsep.join(str(p) for p in srcs)
    spec, out = work / f"{mode}-spec.json", work / f"{mode}-out.json"
    spec.write_text(json.dumps({"mode": mode, "services": specs, "out": str(out)}))
    cmd = [sys.executable, __file__, str(spec)]
    done = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, f"{mode} code crashed:\n{done.stderr[-4000:]}"
    result: dict[str, Any] = json.loads(out.read_text())
    return result


# ---- what runs inside the code under test (old or new): imports only that code ----------


#: Values tried for a required query parameter with a pattern (divisions, months, days).
EXAMPLES = ("341702100", "341702", "341702100201", "2026-12", "2026-12-01", "p1", "1")


def _query(params: list[dict[str, Any]]) -> dict[str, str]:
    """A value for each required query parameter (a route refusing it answers 422: fine)."""
    import re

    query = {}
    for param in params:
        schema = param.get("schema", {})
        if param.get("in") != "query" or not param.get("required"):
            continue
        fits = [x for x in EXAMPLES if re.search(schema.get("pattern", "."), x)]
        query[param["name"]] = str(schema["enum"][0]) if "enum" in schema else fits[0]
    return query


async def _routes(app: Any, token: str) -> dict[str, int]:
    """Every GET route without path parameters, with a token holding every staff role
    (readiness is left out: it is about the broker and database, not the schema)."""
    import httpx

    documented = app.openapi()["paths"]
    gets = {p: ops["get"] for p, ops in documented.items() if "get" in ops and "{" not in p}
    headers = {"Authorization": f"Bearer {token}"}
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return {
            path: (
                await client.get(path, params=_query(op.get("parameters", [])), headers=headers)
            ).status_code
            for path, op in sorted(gets.items())
            if path not in ("/readyz", "/healthz")
        }


async def _consume_samples(runtime: Any) -> tuple[list[str], list[str]]:
    """One sample of each handled event through each consumer: what went wrong, outcomes."""
    from civic.consumer import Delivery
    from contracts.registry import event_class
    from contracts.samples import sample

    letters: list[str] = []
    outcomes: list[str] = []

    async def record(letter: Any) -> None:
        letters.append(f"{letter.delivery.topic}: {letter.error}")

    for n, processor in enumerate(runtime.processors):
        processor._dead_letter = record  # no broker: dead letters are only noted
        for i, event_type in enumerate(sorted(processor.consumer.handlers)):
            event = sample(event_class(event_type))
            sender = getattr(event, "provider_code", None) or "p1"  # a family: the sender's
            topic = processor.consumer.topic.replace("*", str(sender))
            headers = {"x-event-type": event.event_type, "x-event-id": str(event.event_id)}
            delivery = Delivery(topic, 0, n * 1000 + i, b"k", event.to_json_bytes(), headers)
            try:
                outcomes.append(str(await asyncio.wait_for(processor.process(delivery), 30)))
            except Exception as exc:
                letters.append(f"{topic}: {event_type} raised {exc!r}")
    failures = [x for x in letters if any(e in x for e in SCHEMA_ERRORS) or " raised " in x]
    return failures, outcomes


async def _outbox(runtime: Any, leave_pending: bool) -> tuple[list[str], str | None]:
    """Emits an event, relays every pending row; optionally leaves one more behind."""
    from civic.outbox import OutboxRelay
    from contracts.intake import ApplicationSubmitted
    from contracts.samples import sample

    sent: list[str] = []

    async def send(row: Any) -> Any:
        sent.append(str(row.event_id))
        done = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done

    async with runtime.uow() as uow:
        uow.emit(sample(ApplicationSubmitted))
        await uow.commit()
    relay = OutboxRelay(runtime.sessionmaker, send)
    while await relay.drain_once():
        pass
    if not leave_pending:
        return sent, None
    left = sample(ApplicationSubmitted)
    async with runtime.uow() as uow:
        uow.emit(left)
        await uow.commit()
    return sent, str(left.event_id)


async def _smoke(service: str, spec: dict[str, Any], mode: str) -> dict[str, Any]:
    os.environ.update(spec["env"])
    app = importlib.import_module(f"{service}.main").create_app()
    runtime = app.state.runtime
    report: dict[str, Any] = {"routes": {}, "failures": [], "outcomes": [], "relayed": []}
    report["pending"] = None
    try:
        if getattr(runtime, "keys", None) is not None:  # as the app's start does (civic.app)
            await runtime.keys.start()
        report["routes"] = await _routes(app, spec["token"])
        report["failures"], report["outcomes"] = await _consume_samples(runtime)
        report["relayed"], report["pending"] = await _outbox(runtime, leave_pending=mode == "old")
    except Exception as exc:  # reported with the rest: the SQL error names what is missing
        report["failures"].append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:400]}")
    finally:
        await runtime.engine.dispose()
    return report


def _step_back_and_start(service: str, spec: dict[str, Any]) -> list[str]:
    """The previous head (the migration's downgrade), then a replica's start (upgrade)."""
    from alembic import command
    from alembic.config import Config

    os.environ["DATABASE_URL"] = spec["env"]["DATABASE_URL"]
    config = Config(str(ROOT / f"services/{service}/alembic.ini"))
    command.downgrade(config, "-1")
    stepped_back = asyncio.run(versions({service: spec["env"]["DATABASE_URL"]}))[service]
    command.upgrade(config, "head")
    return stepped_back


def main(spec_file: str) -> None:
    spec = json.loads(Path(spec_file).read_text())
    reports = {}
    for service, one in spec["services"].items():
        stepped_back = _step_back_and_start(service, one) if spec["mode"] == "new" else None
        reports[service] = asyncio.run(_smoke(service, one, spec["mode"]))
        reports[service]["stepped_back_to"] = stepped_back
    Path(spec["out"]).write_text(json.dumps(reports))


# ---- the test ----------------------------------------------------------------------------


def _env(infra: Infra, service: str, url: str, key_dir: Path) -> dict[str, str]:
    from devstack import tokens
    from devstack.services import own_secrets

    kafka, key = infra.access(service), tokens.public_key_path(key_dir)
    settings = {
        "service_name": service,
        "environment": "local",
        "database_url": url,
        "log_level": "ERROR",
        "kafka_bootstrap_servers": kafka.bootstrap,
        "kafka_password": kafka.password,
        "kafka_ca_file": str(kafka.ca_file),
        "auth_public_key_file": str(key),
        "consumer_max_attempts": "2",
        "consumer_retry_backoff_s": "0.01",
    }
    return {k.upper(): v for k, v in settings.items()} | own_secrets(service, infra.secrets_dir)


@pytest.fixture(scope="module")
def rolled(infra: Infra, key_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from devstack import tokens

    work = tmp_path_factory.mktemp("rolling")
    latest = {s: latest_migration(s) for s in SERVICES}
    urls = {s: infra.create_database(f"roll_{s}_{uuid.uuid4().hex[:8]}") for s in SERVICES}
    upgrade_twice_at_once(urls)
    at_head = asyncio.run(versions(urls))
    token = tokens.mint(key_dir, user_id="roll", roles=ROLES, division="341702")
    specs = {s: {"env": _env(infra, s, urls[s], key_dir), "token": token} for s in SERVICES}
    old: dict[str, Any] = {}
    for rev in sorted({m["code"] for m in latest.values()}):
        mine = {s: specs[s] for s in SERVICES if latest[s]["code"] == rev}
        old |= run_code(extract(rev, work), "old", mine, work)
    new = run_code(None, "new", specs, work)
    return {"latest": latest, "at_head": at_head, "old": old, "new": new}


def _check(report: dict[str, Any], who: str) -> None:
    problems = [f"GET {p} answered {s}" for p, s in report["routes"].items() if s >= 500]
    problems += report["failures"]
    if not report["relayed"]:
        problems.append("the outbox relay sent nothing")
    if "applied" not in report["outcomes"]:
        problems.append("no sample event was applied by its consumer")
    assert not problems, f"{who}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("service", SERVICES)
def test_two_replicas_migrate_a_fresh_database_once(rolled: dict[str, Any], service: str) -> None:
    assert rolled["at_head"][service] == [rolled["latest"][service]["head"]]


@pytest.mark.parametrize("service", SERVICES)
def test_the_code_before_the_latest_migration_runs_on_the_new_schema(
    rolled: dict[str, Any], service: str
) -> None:
    code = rolled["latest"][service]["code"][:10]
    _check(rolled["old"][service], f"{service} at {code} on the new schema (a contract step?)")


@pytest.mark.parametrize("service", SERVICES)
def test_the_new_code_starts_on_the_previous_schema_and_takes_over(
    rolled: dict[str, Any], service: str
) -> None:
    new, latest = rolled["new"][service], rolled["latest"][service]
    assert new["stepped_back_to"] == [latest["previous"]], f"{service}: downgrade failed"
    _check(new, f"{service}, new code, after its start on the previous schema")
    left = rolled["old"][service]["pending"]
    assert left in new["relayed"], f"{service}: the event the old code left was not sent"


if __name__ == "__main__":
    main(sys.argv[1])
