"""Queries and writes of review's tables, on the unit of work's session."""

from review.repository.cases import (
    add_assessment,
    add_catalogue,
    catalogue_in_force,
    get_assessment,
    get_case,
    list_cases,
    save_case,
    start_case,
)
from review.repository.recipients import (
    add_recipient,
    get_recipient,
    list_recipients,
    open_recipient_of,
    save_status_change,
    status_reference_known,
    suspensions_due,
)

__all__ = [
    "add_assessment",
    "add_catalogue",
    "add_recipient",
    "catalogue_in_force",
    "get_assessment",
    "get_case",
    "get_recipient",
    "list_cases",
    "list_recipients",
    "open_recipient_of",
    "save_case",
    "save_status_change",
    "start_case",
    "status_reference_known",
    "suspensions_due",
]
