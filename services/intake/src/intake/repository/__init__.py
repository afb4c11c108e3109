"""intake's SQL: the only room that reads and writes its tables; it returns domain objects."""

from intake.repository.records import IntakeRecords

__all__ = ["IntakeRecords"]
