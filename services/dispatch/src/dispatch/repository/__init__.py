"""Queries and writes on ``uow.session``, one module per table family."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: A stored row as a repository reads it (column name → value; typed loosely so that
#: SQLAlchemy's RowMapping and a test's plain dict both fit). Orders, order changes,
#: recipients, doorbells and alerts, and registered providers come back as domain objects;
#: the smaller read models (neighbour helpers and services, plans, service records,
#: contact details and who read them) still come back as rows.
Row = Mapping[Any, Any]
