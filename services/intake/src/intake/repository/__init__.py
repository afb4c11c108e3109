"""Queries and writes of intake's tables on a unit of work's session."""
