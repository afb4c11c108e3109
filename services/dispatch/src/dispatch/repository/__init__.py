"""Queries and writes on ``uow.session``, one module per table family."""
