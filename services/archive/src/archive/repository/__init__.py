"""Queries and writes on ``uow.session``: files, history, orders, records, boards, documents.

They return domain objects (``archive.domain.files.ArchiveFile`` and the frozen records of
``archive.domain.stored``), never rows.
"""
