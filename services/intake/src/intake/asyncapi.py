"""AsyncAPI of intake: `faststream docs gen --factory intake.asyncapi:asyncapi_app`."""

from __future__ import annotations

from faststream import FastStream

from civic.asyncapi import DOCS_ENV, specification_app
from intake.bootstrap import build
from intake.main import DESCRIPTION, TITLE
from intake.settings import Settings


def asyncapi_app() -> FastStream:
    """Builds intake's broker (no connections) for the AsyncAPI generator."""
    return specification_app(
        build(Settings.model_validate(DOCS_ENV)), title=TITLE, description=DESCRIPTION
    )
