"""Queries and writes on ``uow.session``: files, history, orders, records, boards, documents."""
