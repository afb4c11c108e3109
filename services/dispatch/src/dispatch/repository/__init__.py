"""Queries and writes on ``uow.session``, one module per table family; they return domain
objects (frozen dataclasses from ``dispatch.domain``), never rows."""
