"""review's use cases: cases and decisions, the registry and each recipient's status."""

from review.handlers.cases import (
    decide_application,
    file_case_event,
    keep_catalogue,
    list_queue,
    read_case,
)
from review.handlers.common import refusals
from review.handlers.recipients import (
    apply_city_status,
    change_status,
    list_recipients,
    read_recipient,
)

__all__ = [
    "apply_city_status",
    "change_status",
    "decide_application",
    "file_case_event",
    "keep_catalogue",
    "list_queue",
    "list_recipients",
    "read_case",
    "read_recipient",
    "refusals",
]
