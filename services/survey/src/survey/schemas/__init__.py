"""survey's HTTP request and response models, fully described for the 智慧民政 app team."""

from survey.schemas.findings import FindingsIn, FindingsRead, FindingsReceipt
from survey.schemas.review import (
    PreliminaryFail,
    PreliminaryPass,
    PreliminaryReviewIn,
    PreliminaryReviewRead,
)
from survey.schemas.tasks import SurveyTaskPage, SurveyTaskRead, SurveyTaskSummary, TeamIn, TeamRead

__all__ = [
    "FindingsIn",
    "FindingsRead",
    "FindingsReceipt",
    "PreliminaryFail",
    "PreliminaryPass",
    "PreliminaryReviewIn",
    "PreliminaryReviewRead",
    "SurveyTaskPage",
    "SurveyTaskRead",
    "SurveyTaskSummary",
    "TeamIn",
    "TeamRead",
]
