"""AsyncAPI of review: `faststream docs gen --factory review.asyncapi:asyncapi_app`."""

from __future__ import annotations

from faststream import FastStream

from civic.asyncapi import DOCS_ENV, specification_app
from review.bootstrap import build
from review.main import DESCRIPTION, TITLE
from review.settings import Settings


def asyncapi_app() -> FastStream:
    """Builds review's broker (no connections) for the AsyncAPI generator."""
    return specification_app(
        build(Settings.model_validate(DOCS_ENV)), title=TITLE, description=DESCRIPTION
    )
