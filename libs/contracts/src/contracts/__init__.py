"""Event contracts of the Chizhou social-assistance platform.

One module per producing service (``intake``, ``survey``, ``review``, ``dispatch``,
``provider``, ``settlement``, ``archive``), the inbound city feed (``inbound``), the
big-data mirror (``bigdata``); ``registry.parse`` reads any topic. Depends on pydantic only.
"""

from contracts.envelope import Event, KeyedEvent, PersonEvent
from contracts.registry import ContractError, all_events, event_class, parse

__all__ = [
    "ContractError",
    "Event",
    "KeyedEvent",
    "PersonEvent",
    "all_events",
    "event_class",
    "parse",
]
