from __future__ import annotations

import json
from pathlib import Path

import jwt
import pytest
from typer.testing import CliRunner

from devstack import tokens
from devstack.cli import app

pytestmark = pytest.mark.unit


def test_token_command_prints_a_verifiable_jwt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEVSTACK_STATE", str(tmp_path))
    result = CliRunner().invoke(
        app, ["token", "--role", "county_admin", "--role", "viewer", "--division", "341702"]
    )
    assert result.exit_code == 0, result.output
    public = tokens.public_key_path(tmp_path / "secrets").read_text()
    claims = jwt.decode(
        result.output.strip(), public, algorithms=["RS256"], audience="chizhou-assistance"
    )
    assert claims["roles"] == ["county_admin", "viewer"]
    assert claims["division"] == "341702"


def test_trace_command_prints_the_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEVSTACK_STATE", str(tmp_path))
    trace = "ab" * 16
    rows = [
        {
            "trace_id": trace,
            "span_id": "1" * 16,
            "parent_span_id": None,
            "name": "root",
            "kind": "SERVER",
            "service_name": "intake",
            "start_unix_nano": 0,
            "end_unix_nano": 2_000_000,
            "attributes": {},
        },
        {
            "trace_id": trace,
            "span_id": "2" * 16,
            "parent_span_id": "1" * 16,
            "name": "child",
            "kind": "CONSUMER",
            "service_name": "review",
            "start_unix_nano": 1,
            "end_unix_nano": 1_000_001,
            "attributes": {},
        },
    ]
    (tmp_path / "spans.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows) + '{"torn')
    result = CliRunner().invoke(app, ["trace", trace])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "root [SERVER] (intake) 2.0 ms",
        "└─ child [CONSUMER] (review) 1.0 ms",
    ]
    missing = CliRunner().invoke(app, ["trace", "cd" * 16])
    assert missing.exit_code == 1


def test_up_refuses_unknown_service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEVSTACK_STATE", str(tmp_path))
    result = CliRunner().invoke(app, ["up", "--services", "billing"])
    assert result.exit_code == 1
    assert "unknown service" in result.output
