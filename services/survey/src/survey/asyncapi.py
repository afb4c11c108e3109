"""AsyncAPI of survey: `faststream docs gen --factory survey.asyncapi:asyncapi_app`."""

from __future__ import annotations

from faststream import FastStream

from civic.asyncapi import DOCS_ENV, specification_app
from survey.bootstrap import build
from survey.main import DESCRIPTION, TITLE
from survey.settings import Settings


def asyncapi_app() -> FastStream:
    """Builds survey's broker (no connections) for the AsyncAPI generator."""
    settings = Settings.model_validate(DOCS_ENV)
    return specification_app(build(settings), title=TITLE, description=DESCRIPTION)
