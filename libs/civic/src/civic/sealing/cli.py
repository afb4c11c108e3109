"""``civic-keys``: a service's data keys — list them, rotate, re-seal now, retire the old one.

Run it where the service runs (same environment: its database and its master keys)::

    civic-keys intake status
    civic-keys intake rotate [--algorithm sm4-gcm]
    civic-keys intake reseal          # the service's own job does this too, in the background
    civic-keys intake retire KEY_ID   # refused while anything still uses the key

Each service names how to build its keeper from its own settings under the ``civic.sealing``
entry points (``intake = "intake.keys:keeper_from_environment"``), so this tool never
imports a service by name.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from importlib.metadata import entry_points
from typing import Annotated, TypeVar

import typer

from civic.sealing.ciphers import Algorithm
from civic.sealing.keeper import KeyKeeper, RetireRefused

app = typer.Typer(help="数据密钥：查看、轮换、重新加密、停用 (data keys)", no_args_is_help=True)
Service = Annotated[str, typer.Argument(help="服务名，如 intake")]
Result = TypeVar("Result")


def keeper_of(service: str) -> KeyKeeper:
    """The keeper the service's ``civic.sealing`` entry point builds from its settings."""
    found = [point for point in entry_points(group="civic.sealing") if point.name == service]
    if not found:
        raise typer.BadParameter(f"{service} 没有登记需要加密的数据 (civic.sealing)")
    keeper: KeyKeeper = found[0].load()()
    return keeper


def _run(service: str, work: Callable[[KeyKeeper], Awaitable[Result]]) -> Result:
    async def main() -> Result:
        keeper = keeper_of(service)
        try:
            await keeper.start()
            return await work(keeper)
        finally:
            await keeper.engine.dispose()

    return asyncio.run(main())


@app.callback()
def choose(context: typer.Context, service: Service) -> None:
    """数据密钥：查看、轮换、重新加密、停用 (the service comes first: civic-keys intake status)."""
    context.obj = service


@app.command()
def status(context: typer.Context) -> None:
    """Every key: what it is, from when it seals, how many values use it."""

    async def read(keeper: KeyKeeper) -> None:
        for row, uses in await keeper.status():
            state = "已停用" if row.retired_at else "在用"
            typer.echo(
                f"{row.key_id}\t{row.kind}\t{row.algorithm}\t{row.active_from.isoformat()}"
                f"\t{state}\t{uses}"
            )
        if keeper.legacy is not None:
            typer.echo(f"legacy\tdata\t-\t-\t旧格式\t{await keeper.legacy_values()}")

    _run(context.obj, read)


@app.command()
def rotate(
    context: typer.Context,
    algorithm: Annotated[Algorithm | None, typer.Option(help="aes-256-gcm 或 sm4-gcm")] = None,
) -> None:
    """Adds a new data key; every instance seals with it once all have loaded it."""
    key_id = _run(context.obj, lambda keeper: keeper.rotate(algorithm=algorithm))
    typer.echo(f"新数据密钥 {key_id} 已加入；服务会在后台把旧值重新加密")


@app.command()
def reseal(context: typer.Context) -> None:
    """Re-seals every value not under the active key now."""
    total = _run(context.obj, lambda keeper: keeper.reseal(most=10**9))
    typer.echo(f"重新加密 {total} 个值")


@app.command()
def retire(context: typer.Context, key_id: str) -> None:
    """Retires a data key; refused while it may seal or any value uses it."""
    try:
        _run(context.obj, lambda keeper: keeper.retire(key_id))
    except RetireRefused as refused:
        typer.echo(f"不能停用：{refused.reason_zh}", err=True)
        raise typer.Exit(code=2) from refused
    typer.echo(f"密钥 {key_id} 已停用")


def main() -> None:
    """Console entry point."""
    app()
