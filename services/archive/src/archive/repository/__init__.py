"""Queries and writes on ``uow.session``: files, history, orders, records, boards, documents."""

from __future__ import annotations

from typing import TypeAlias

from sqlalchemy.engine import RowMapping

#: One row as a repository reads it: a read-only mapping from column name to value.
Row: TypeAlias = RowMapping
