"""HTTP request and response models of review, fully described for the officers' apps."""

from review.schemas.decision import (
    ApproveIn,
    DecisionIn,
    DecisionRead,
    FrequencyIn,
    ItemIn,
    NeedAssessmentIn,
    RejectIn,
)
from review.schemas.reads import (
    CaseList,
    CaseRead,
    CaseSummary,
    FindingsRead,
    NeedAssessmentRead,
    PreliminaryRead,
    RecipientList,
    RecipientRead,
)
from review.schemas.status import STATUS_EXAMPLES, StatusChangeIn

__all__ = [
    "STATUS_EXAMPLES",
    "ApproveIn",
    "CaseList",
    "CaseRead",
    "CaseSummary",
    "DecisionIn",
    "DecisionRead",
    "FindingsRead",
    "FrequencyIn",
    "ItemIn",
    "NeedAssessmentIn",
    "NeedAssessmentRead",
    "PreliminaryRead",
    "RecipientList",
    "RecipientRead",
    "RejectIn",
    "StatusChangeIn",
]
