"""AsyncAPI of archive: `faststream docs gen --factory archive.asyncapi:asyncapi_app`."""

from __future__ import annotations

from faststream import FastStream

from archive.bootstrap import build
from archive.main import DESCRIPTION, TITLE
from archive.settings import Settings
from civic.asyncapi import DOCS_ENV, specification_app


def asyncapi_app() -> FastStream:
    """Builds archive's broker (no connections) for the AsyncAPI generator."""
    settings = Settings.model_validate(DOCS_ENV)
    return specification_app(build(settings), title=TITLE, description=DESCRIPTION)
