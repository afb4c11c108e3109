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
from review.repository.city_reports import (
    city_report_known,
    confirms_city_stops,
    decide_city_report,
    get_city_report,
    get_county_setting,
    hold_city_report,
    list_city_reports,
    save_county_setting,
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
    "city_report_known",
    "confirms_city_stops",
    "decide_city_report",
    "get_assessment",
    "get_case",
    "get_city_report",
    "get_county_setting",
    "get_recipient",
    "hold_city_report",
    "list_cases",
    "list_city_reports",
    "list_recipients",
    "open_recipient_of",
    "save_case",
    "save_county_setting",
    "save_status_change",
    "start_case",
    "status_reference_known",
    "suspensions_due",
]
