"""The committed JSON Schema snapshots match the code, and the CLI guards against breaks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contracts import snapshots
from contracts.envelope import Event
from contracts.registry import all_events

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("cls", all_events(), ids=lambda c: c.__name__)
def test_event_has_a_committed_snapshot_equal_to_its_schema(cls: type[Event]) -> None:
    path = snapshots.DEFAULT_DIR / snapshots.snapshot_name(cls)
    assert path.exists(), f"no snapshot {path.name}: {snapshots.WRITE_HINT}"
    committed = json.loads(path.read_text(encoding="utf-8"))
    assert committed == snapshots.current_schema(cls), (
        f"{path.name} differs from the code: {snapshots.WRITE_HINT}"
    )


def test_snapshot_check_is_clean() -> None:
    breaking, stale = snapshots.check()
    assert (breaking, stale) == ([], [])


def _copy_snapshots(tmp_path: Path) -> Path:
    target = tmp_path / "schemas"
    target.mkdir()
    for path in snapshots.DEFAULT_DIR.glob("*.json"):
        (target / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return target


def _edit(directory: Path, name: str, edit: str) -> Path:
    path = directory / name
    schema = json.loads(path.read_text(encoding="utf-8"))
    if edit == "loosen":  # the committed schema was narrower: the code widened it
        schema["properties"]["reason_zh"]["anyOf"][0]["maxLength"] = 100
    else:  # the committed schema had a property the code no longer has
        schema["properties"]["removed_since"] = {"type": "string", "description": "gone"}
    path.write_text(snapshots.render(schema), encoding="utf-8")
    return path


def test_check_reports_breaking_changes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = _copy_snapshots(tmp_path)
    _edit(directory, "review.RecipientStatusChanged.v1.json", "break")
    assert snapshots.main(["check", "--dir", str(directory)]) == 1
    assert "BREAKING review.RecipientStatusChanged.v1.json: removed_since: property removed" in (
        capsys.readouterr().out
    )


def test_check_reports_stale_and_missing_snapshots(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = _copy_snapshots(tmp_path)
    _edit(directory, "review.RecipientStatusChanged.v1.json", "loosen")
    (directory / "intake.ApplicationSubmitted.v1.json").unlink()
    assert snapshots.main(["check", "--dir", str(directory)]) == 1
    out = capsys.readouterr().out
    assert "STALE    review.RecipientStatusChanged.v1.json: snapshot out of date" in out
    assert "STALE    intake.ApplicationSubmitted.v1.json: no snapshot" in out
    assert "python -m contracts.snapshots write" in out


def test_check_reports_a_removed_event(tmp_path: Path) -> None:
    directory = _copy_snapshots(tmp_path)
    (directory / "intake.Gone.v1.json").write_text("{}", encoding="utf-8")
    breaking, _ = snapshots.check(directory)
    assert breaking == [
        "intake.Gone.v1.json: event removed or renamed (snapshot has no event class)"
    ]


def test_write_refuses_a_breaking_change_unless_allowed(tmp_path: Path) -> None:
    directory = _copy_snapshots(tmp_path)
    path = _edit(directory, "review.RecipientStatusChanged.v1.json", "break")
    before = path.read_text(encoding="utf-8")
    assert snapshots.main(["write", "--dir", str(directory)]) == 1
    assert path.read_text(encoding="utf-8") == before
    assert snapshots.main(["write", "--dir", str(directory), "--allow-breaking"]) == 0
    assert snapshots.check(directory) == ([], [])


def test_write_records_compatible_changes_and_new_events(tmp_path: Path) -> None:
    directory = _copy_snapshots(tmp_path)
    _edit(directory, "review.RecipientStatusChanged.v1.json", "loosen")
    (directory / "intake.ApplicationSubmitted.v1.json").unlink()
    assert snapshots.main(["write", "--dir", str(directory)]) == 0
    assert snapshots.check(directory) == ([], [])
