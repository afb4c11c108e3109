"""``devstack`` command: run the platform locally without Docker."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from contracts.topics import all_with_dlq
from devstack import spans, tokens
from devstack.jars import ensure_jars, kafka_version
from devstack.kafka import list_topics
from devstack.ports import Ports
from devstack.procs import DevstackError, find_repo_root
from devstack.services import SERVICES, resolve_names
from devstack.stack import Stack
from devstack.tracing import TRACING_CHOICES, Tracing, jaeger_binary

app = typer.Typer(
    help="Run the Chizhou assistance platform locally (Kafka jars, Debian PostgreSQL).",
    no_args_is_help=True,
    add_completion=False,
)


def state_dir() -> Path:
    """``$DEVSTACK_STATE`` or ``<repo>/.state/dev``."""
    override = os.environ.get("DEVSTACK_STATE")
    if override:
        return Path(override).expanduser().resolve()
    return find_repo_root() / ".state" / "dev"


def _shape_file() -> Path:
    return state_dir() / "shape.json"


def _read_shape() -> dict[str, Any]:
    return json.loads(_shape_file().read_text()) if _shape_file().exists() else {}


def _saved_tracing() -> Tracing:
    saved = _read_shape().get("tracing")
    return saved if saved in TRACING_CHOICES else "sink"  # files from before Jaeger: the sink


def _stack(
    partitions: int = 6,
    kafka_nodes: int | None = None,
    instances: int | None = None,
    tracing: Tracing | None = None,
) -> Stack:
    """The stack of the state folder, in the shape ``up`` last started it unless one is given
    (so ``status``, ``down`` and ``trace`` see every broker, instance and Jaeger)."""
    shape = _read_shape()
    kafka_nodes = kafka_nodes or shape.get("kafka_nodes", 1)
    instances = instances or shape.get("instances", 1)
    ports = Ports.offset(0, kafka_nodes=kafka_nodes, instances=instances)
    return Stack(
        state_dir(), ports=ports, partitions=partitions, tracing=tracing or _saved_tracing()
    )


def _choose_tracing(running: bool) -> Tracing:
    """Jaeger once scripts/ensure-jaeger.sh built it, else the span sink; a running stack
    keeps what it runs (its services export to it)."""
    jaeger_built = jaeger_binary(find_repo_root()).exists()
    if running:
        if jaeger_built and _saved_tracing() == "sink":
            typer.secho(
                "the stack runs with the span sink: `make down` first to use Jaeger",
                fg=typer.colors.YELLOW,
            )
        return _saved_tracing()
    if jaeger_built:
        return "jaeger"
    typer.secho(
        "Jaeger is not built (scripts/ensure-jaeger.sh): spans go to the span sink instead",
        fg=typer.colors.YELLOW,
    )
    return "sink"


def _fail(exc: Exception) -> typer.Exit:
    typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
    return typer.Exit(1)


def _parse_services(value: str) -> list[str]:
    cleaned = value.strip().lower()
    if cleaned in ("", "none"):
        return []
    if cleaned == "all":
        return list(SERVICES)
    return resolve_names(part.strip() for part in cleaned.split(",") if part.strip())


def _print_summary(stack: Stack, started: list[str], elapsed: float) -> None:
    rows = _console_rows(stack) if started else []
    rows += [(name, f"{stack.service_url(name)}/docs") for name in started]
    rows += [
        ("kafka", f"{stack.kafka_bootstrap}  (SASL_SSL, SCRAM-SHA-512; CA kafka/ca.crt)"),
        ("postgres", stack.postgres.service_url("<service>")),
        _tracing_row(stack),
        ("prometheus", f"http://127.0.0.1:{stack.ports.prometheus}/alerts  (deploy/prometheus)"),
        ("alertmanager", f"http://127.0.0.1:{stack.ports.alertmanager}"),
        ("secrets", f"{stack.secrets_dir}  (passwords, keys, CA: never commit)"),
        ("logs", str(stack.state_dir / "logs")),
    ]
    width = max(len(name) for name, _ in rows)
    for name, where in rows:
        typer.echo(f"  {name.ljust(width)}  {where}")
    typer.secho(f"up in {elapsed:.1f} s", fg=typer.colors.GREEN)


def _console_rows(stack: Stack) -> list[tuple[str, str]]:
    console, sign_in = stack.console_ports
    return [
        ("console", f"http://127.0.0.1:{console}  (staff console, 池州社会救助 工作台)"),
        ("sign in", f"http://127.0.0.1:{sign_in}  (development only: pick a role and a division)"),
    ]


def _tracing_row(stack: Stack) -> tuple[str, str]:
    if stack.jaeger is None:
        return ("otlp sink", f"{stack.otlp_endpoint}  -> {stack.sink_file}")
    return ("jaeger", f"{stack.jaeger.ui_url}  (OTLP {stack.otlp_endpoint}; kept in memory)")


@app.command()
def up(
    services: Annotated[str, typer.Option(help="Comma-separated names, 'all' or 'none'.")] = "all",
    partitions: Annotated[int, typer.Option(help="Partitions per topic.")] = 6,
    kafka_nodes: Annotated[
        int, typer.Option(envvar="KAFKA_NODES", min=1, help="Kafka nodes (3: replicated).")
    ] = 1,
    instances: Annotated[
        int, typer.Option(envvar="INSTANCES", min=1, help="Processes per service (HAProxy).")
    ] = 1,
) -> None:
    """Start Kafka, PostgreSQL, Jaeger (or the span sink), the services and the staff console
    with its development sign-in; wait until all are ready."""
    started_at = time.monotonic()
    try:
        names = _parse_services(services)
        running = _shape_file().exists() and _stack().kafka.is_running()
        if running:
            _refuse_new_shape(kafka_nodes, instances)
        tracing = _choose_tracing(running)
        stack = _stack(partitions, kafka_nodes, instances, tracing)
        shape = {"kafka_nodes": kafka_nodes, "instances": instances, "tracing": tracing}
        _shape_file().parent.mkdir(parents=True, exist_ok=True)
        _shape_file().write_text(json.dumps(shape))
        for name in names:
            stack.service(name).check_built()  # before minutes are spent on infra
        stack.start_infra()
        started = stack.start_services(names) if names else []
        if started:
            stack.start_monitoring()
            stack.start_console()
    except DevstackError as exc:
        raise _fail(exc) from exc
    _print_summary(stack, started, time.monotonic() - started_at)


def _refuse_new_shape(kafka_nodes: int, instances: int) -> None:
    saved = _read_shape()
    shape = {"kafka_nodes": saved.get("kafka_nodes"), "instances": saved.get("instances")}
    if shape != {"kafka_nodes": kafka_nodes, "instances": instances}:
        raise DevstackError(
            f"the stack runs as {shape}; run `make down` before starting it in another shape"
        )


@app.command()
def jars() -> None:
    """Fetch the Kafka broker jars from Maven Central unless cached; print where they are."""
    started_at = time.monotonic()
    try:
        libs = ensure_jars()
    except DevstackError as exc:
        raise _fail(exc) from exc
    elapsed = time.monotonic() - started_at
    typer.echo(f"Kafka {kafka_version(libs)} jars in {libs} ({elapsed:.1f} s)")


@app.command()
def down() -> None:
    """Stop every process of the stack (state is kept)."""
    try:
        _stack().stop()
    except DevstackError as exc:
        raise _fail(exc) from exc
    typer.echo("stopped")


@app.command()
def clean() -> None:
    """Stop everything and delete the state directory (data, keys, spans, logs)."""
    target = state_dir()
    if target.exists():
        down()
        shutil.rmtree(target)
    typer.echo(f"removed {target}")


@app.command()
def status() -> None:
    """Show which components run, with their addresses (JSON)."""
    typer.echo(json.dumps(_stack().status(), indent=2))


@app.command()
def token(
    role: Annotated[list[str], typer.Option("--role", help="Role claim; repeatable.")],
    division: Annotated[str | None, typer.Option(help="GB/T 2260 code, 6/9/12 digits.")] = None,
    provider_code: Annotated[str | None, typer.Option(help="Service provider code.")] = None,
    user: Annotated[str, typer.Option(help="sub claim.")] = "dev-user",
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    ttl: Annotated[int, typer.Option(help="Lifetime in seconds.")] = 3600,
) -> None:
    """Print a dev JWT signed with the stack's key."""
    try:
        jwt_text = tokens.mint(
            _stack().secrets_dir,
            user_id=user,
            roles=role,
            division=division,
            provider_code=provider_code,
            name=name,
            ttl_s=ttl,
        )
    except ValueError as exc:
        raise _fail(exc) from exc
    typer.echo(jwt_text)


def _trace_text(stack: Stack, trace_id: str) -> tuple[str, str]:
    """The tree of one trace ('' if unknown) and where it was looked for."""
    if stack.jaeger is None:
        return spans.print_trace(stack.sink_file, trace_id), str(stack.sink_file)
    records = spans.from_jaeger(stack.jaeger.fetch_trace(trace_id))
    return (spans.format_tree(records) if records else ""), f"jaeger ({stack.jaeger.ui_url})"


@app.command()
def trace(trace_id: Annotated[str, typer.Argument(help="32 hex digits.")]) -> None:
    """Print the span tree of one trace, from Jaeger when it runs, else from the sink's file."""
    stack = _stack()
    try:
        text, where = _trace_text(stack, trace_id)
    except DevstackError as exc:
        raise _fail(exc) from exc
    if not text:
        raise _fail(DevstackError(f"no spans for trace {trace_id} in {where}"))
    typer.echo(text)
    if stack.jaeger is not None:
        typer.echo(f"\n{stack.jaeger.ui_url}/trace/{trace_id.lower()}")


@app.command()
def topics() -> None:
    """List the broker's topics; '*' marks platform topics from contracts.topics."""
    try:
        existing = list_topics(_stack().kafka_access())
    except Exception as exc:  # aiokafka raises several connection error types
        raise _fail(DevstackError(f"kafka not reachable: {exc!r}")) from exc
    expected = set(all_with_dlq())
    for name in existing:
        typer.echo(f"{'*' if name in expected else ' '} {name}")
    for name in sorted(expected - set(existing)):
        typer.secho(f"! {name} (missing)", fg=typer.colors.YELLOW)


@app.command()
def demo(
    applicants: Annotated[int, typer.Option(min=1, help="Applicants to load.")] = 300,
    county: Annotated[str, typer.Option(help="GB/T 2260 county code.")] = "341702",
) -> None:
    """Load a realistic county through the services' APIs (idempotent; `make up` first)."""
    import asyncio

    from devstack import demo as demo_county

    stack = _stack()
    started_at = time.monotonic()
    tally = asyncio.run(demo_county.run(stack, applicants_count=applicants, county=county))
    typer.echo(demo_county.report(tally, stack, county))
    typer.secho(f"demo loaded in {time.monotonic() - started_at:.1f} s", fg=typer.colors.GREEN)


def main() -> None:
    """Console-script entry point."""
    app()
