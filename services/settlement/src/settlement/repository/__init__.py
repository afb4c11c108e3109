"""Queries and writes on ``uow.session``, returning domain objects; the settlement SQL."""
