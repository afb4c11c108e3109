"""AsyncAPI of dispatch: `faststream docs gen --factory dispatch.asyncapi:asyncapi_app`."""

from __future__ import annotations

from faststream import FastStream

from civic.asyncapi import DOCS_ENV, specification_app
from dispatch.bootstrap import build
from dispatch.main import DESCRIPTION, TITLE
from dispatch.settings import Settings


def asyncapi_app() -> FastStream:
    """Builds dispatch's broker (no connections) for the AsyncAPI generator."""
    parts = build(Settings.model_validate(DOCS_ENV))
    return specification_app(parts.runtime, title=TITLE, description=DESCRIPTION)
