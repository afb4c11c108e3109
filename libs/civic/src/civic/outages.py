"""Is this failure the infrastructure's (wait and try again) or the work's (give up on it)?

One answer for the whole platform: the HTTP side answers 503 with Retry-After (nothing was
stored, a retry is safe), the consumers wait the outage out instead of dead-lettering the
event, and the outbox relay backs off. PostgreSQL says which by its SQLSTATE:

* class 08: connection exception; 40: transaction rollback (serialization failure, deadlock);
  53: insufficient resources (too many connections, disk full); 57: operator intervention
  (admin shutdown, crash shutdown, "the database system is starting up");
* 25006: read-only transaction (a failover left us on a replica).

Through SQLAlchemy's asyncpg dialect these arrive as ``DBAPIError`` subclasses whose ``orig``
carries the SQLSTATE; the pool's own ``sqlalchemy.exc.TimeoutError`` and a dropped
connection count too. Kafka's connection and timeout errors are outages as well.
"""

from __future__ import annotations

from aiokafka import errors as kafka_errors
from sqlalchemy import exc as sa_exc

TRANSIENT_CLASSES = frozenset({"08", "40", "53", "57"})
TRANSIENT_STATES = frozenset({"25006"})
_KAFKA_OUTAGES = (
    kafka_errors.KafkaConnectionError,
    kafka_errors.KafkaTimeoutError,
    kafka_errors.NodeNotReadyError,
    kafka_errors.RequestTimedOutError,
    kafka_errors.NotLeaderForPartitionError,
    kafka_errors.LeaderNotAvailableError,
    kafka_errors.NotEnoughReplicasError,
    kafka_errors.NotEnoughReplicasAfterAppendError,
)


def sqlstate_of(exc: BaseException) -> str | None:
    """The SQLSTATE PostgreSQL gave, wherever the drivers put it."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        state = getattr(current, "sqlstate", None) or getattr(current, "pgcode", None)
        if isinstance(state, str):
            return state
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else current.__cause__
    return None


def is_transient(exc: BaseException) -> bool:
    """True for failures of the infrastructure (database, network, broker), not of the work."""
    if isinstance(exc, (sa_exc.TimeoutError, *_KAFKA_OUTAGES)):
        return True
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    state = sqlstate_of(exc)
    if state is not None:
        return state[:2] in TRANSIENT_CLASSES or state in TRANSIENT_STATES
    if isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError):
        return True
    return isinstance(exc, OSError | ConnectionError | TimeoutError)
