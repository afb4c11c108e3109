"""survey's use cases: each opens its unit of work, applies a rule, stores, emits, commits."""

from survey.handlers.findings import submit_findings
from survey.handlers.review import record_preliminary_review
from survey.handlers.tasks import assign_team, cancel_task, list_tasks, open_task, read_task

__all__ = [
    "assign_team",
    "cancel_task",
    "list_tasks",
    "open_task",
    "read_task",
    "record_preliminary_review",
    "submit_findings",
]
