"""AsyncAPI of settlement: `faststream docs gen --factory settlement.asyncapi:asyncapi_app`."""

from __future__ import annotations

from faststream import FastStream

from civic.asyncapi import DOCS_ENV, specification_app
from settlement.bootstrap import build
from settlement.main import DESCRIPTION, TITLE
from settlement.settings import Settings


def asyncapi_app() -> FastStream:
    """Builds settlement's broker (no connections) for the AsyncAPI generator."""
    return specification_app(
        build(Settings.model_validate(DOCS_ENV)), title=TITLE, description=DESCRIPTION
    )
