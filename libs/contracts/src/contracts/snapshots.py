"""Committed JSON Schema snapshots, one per event version: ``schemas/<event_type>.v<N>.json``.

python -m contracts.snapshots check            # non-zero on breaking or stale snapshots
python -m contracts.snapshots write            # refuses to record a breaking change
python -m contracts.snapshots write --allow-breaking
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from contracts.compat import breaking_changes
from contracts.envelope import Event
from contracts.registry import all_events

#: Where the snapshots live in the source tree (libs/contracts/schemas).
DEFAULT_DIR = Path(__file__).resolve().parents[2] / "schemas"
WRITE_HINT = "run `python -m contracts.snapshots write` and commit libs/contracts/schemas"


def snapshot_name(cls: type[Event]) -> str:
    """File name of an event's snapshot, e.g. ``review.RecipientApproved.v1.json``."""
    fields = cls.model_fields
    return f"{fields['event_type'].default}.v{fields['schema_version'].default}.json"


def current_schema(cls: type[Event]) -> dict[str, Any]:
    """The event's JSON Schema as it is now, round-tripped through JSON."""
    loaded: dict[str, Any] = json.loads(render(cls.model_json_schema()))
    return loaded


def render(schema: dict[str, Any]) -> str:
    """Serialises a schema the way snapshots are stored (stable, diff-friendly)."""
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _load(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def check(directory: Path = DEFAULT_DIR) -> tuple[list[str], list[str]]:
    """Returns (breaking changes, stale or missing snapshots) against the committed files."""
    breaking: list[str] = []
    stale: list[str] = []
    expected = set()
    for cls in all_events():
        name = snapshot_name(cls)
        expected.add(name)
        old, new = _load(directory / name), current_schema(cls)
        if old is None:
            stale.append(f"{name}: no snapshot")
        elif old != new:
            problems = breaking_changes(old, new)
            breaking += [f"{name}: {p}" for p in problems]
            if not problems:
                stale.append(f"{name}: snapshot out of date (compatible change)")
    for orphan in sorted(p.name for p in directory.glob("*.json") if p.name not in expected):
        breaking.append(f"{orphan}: event removed or renamed (snapshot has no event class)")
    return breaking, stale


def write(directory: Path = DEFAULT_DIR, *, allow_breaking: bool = False) -> list[str]:
    """Writes every snapshot; returns the breaking changes it refused (or allowed) to record."""
    directory.mkdir(parents=True, exist_ok=True)
    refused: list[str] = []
    for cls in all_events():
        path = directory / snapshot_name(cls)
        old, new = _load(path), current_schema(cls)
        problems = breaking_changes(old, new) if old is not None else []
        if problems and not allow_breaking:
            refused += [f"{path.name}: {p}" for p in problems]
            continue
        if old != new:
            path.write_text(render(new), encoding="utf-8")
    return refused


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the ``check`` or ``write`` command."""
    parser = argparse.ArgumentParser(prog="python -m contracts.snapshots")
    parser.add_argument("command", choices=("check", "write"))
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="snapshot directory")
    parser.add_argument("--allow-breaking", action="store_true", help="write even breaking changes")
    args = parser.parse_args(argv)
    if args.command == "check":
        breaking, stale = check(args.dir)
        for line in breaking:
            print(f"BREAKING {line}")
        for line in stale:
            print(f"STALE    {line}")
        if stale:
            print(WRITE_HINT)
        if breaking:
            print("A breaking change needs a new event version on a new topic (v2); see README.")
        return 1 if breaking or stale else 0
    refused = write(args.dir, allow_breaking=args.allow_breaking)
    for line in refused:
        print(f"{'WROTE BREAKING' if args.allow_breaking else 'REFUSED'} {line}")
    if refused and not args.allow_breaking:
        print("Not written. Add a v2 event on a new topic, or pass --allow-breaking.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
