"""Queries and writes on ``uow.session``; the set-based settlement SQL lives here."""
