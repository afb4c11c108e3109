"""survey's HTTP routes: parse, call a use case, shape the answer."""

from survey.api.routes import router

__all__ = ["router"]
