"""The settlement database's MetaData and column helpers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Column, DateTime, func

from civic.audit.table import define_read_audit
from civic.db import make_metadata

metadata = make_metadata()
#: Who read whose personal data (civic.audit), append-only.
read_audit = define_read_audit(metadata)


def fen(name: str, **kwargs: Any) -> Column[int]:
    """A money column: integer fen, never a float."""
    return Column(name, BigInteger, nullable=False, **kwargs)


def created_at(name: str = "created_at") -> Column[Any]:
    """A timestamp column filled by the database."""
    return Column(name, DateTime(timezone=True), nullable=False, server_default=func.now())
