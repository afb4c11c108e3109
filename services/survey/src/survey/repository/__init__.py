"""survey's SQL: the only room that reads and writes its tables; it returns domain objects."""

from survey.repository.store import SurveyRepository

__all__ = ["SurveyRepository"]
