"""review's use cases: cases and decisions, the registry and each recipient's status."""

from review.handlers.cases import (
    decide_application,
    file_case_event,
    keep_catalogue,
    list_queue,
    read_case,
)
from review.handlers.city_reports import (
    apply_city_status,
    confirm_city_report,
    list_city_reports,
    read_county_settings,
    reject_city_report,
    set_county_settings,
)
from review.handlers.emergencies import (
    end_due_emergencies,
    list_emergencies,
    open_emergency,
    read_emergency,
)
from review.handlers.recipients import (
    change_status,
    end_due_suspensions,
    list_recipients,
    read_recipient,
)
from review.handlers.service_changes import (
    decide_change,
    list_changes,
    propose_change,
    read_change,
)

__all__ = [
    "apply_city_status",
    "change_status",
    "confirm_city_report",
    "decide_application",
    "decide_change",
    "end_due_emergencies",
    "end_due_suspensions",
    "file_case_event",
    "keep_catalogue",
    "list_changes",
    "list_city_reports",
    "list_emergencies",
    "list_queue",
    "list_recipients",
    "open_emergency",
    "propose_change",
    "read_case",
    "read_change",
    "read_county_settings",
    "read_emergency",
    "read_recipient",
    "reject_city_report",
    "set_county_settings",
]
