"""The committed AsyncAPI documents are what the code generates today."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

from devstack.services import SERVICES

pytestmark = pytest.mark.unit
DOCS = Path(__file__).resolve().parents[1] / "docs" / "asyncapi"


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_the_committed_asyncapi_document_is_current(service: str) -> None:
    app = importlib.import_module(f"{service}.asyncapi").asyncapi_app()
    generated = app.schema.to_specification().to_jsonable()
    committed = json.loads((DOCS / f"{service}.json").read_text())
    assert generated == committed, f"docs/asyncapi/{service}.json is stale: run `make asyncapi`"


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_published_topic_documents_its_events(service: str) -> None:
    doc = json.loads((DOCS / f"{service}.json").read_text())
    bootstrap = importlib.import_module(f"{service}.bootstrap")
    published = {c["address"] for n, c in doc["channels"].items() if n.endswith(":publish")}
    assert published == set(bootstrap.PRODUCES)
    for name, message in doc["components"]["messages"].items():
        assert "EmptyPayload" not in json.dumps(message), f"{name} has no payload schema"
