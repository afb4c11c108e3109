"""review's domain: pure rules and entities (no I/O, no FastAPI, no SQLAlchemy sessions).

``case`` holds the case assembled from events in any order; ``decision`` the state machine,
the eligibility rule, item checks and the new recipient; ``events`` the translation to and
from the contracts.
"""
