"""One judgement of outage vs. bad work, for HTTP (503), consumers (wait) and the relay."""

from __future__ import annotations

import asyncpg
import pytest
from aiokafka.errors import KafkaConnectionError
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_dbapi

from civic.errors import is_database_outage
from civic.outages import is_transient

pytestmark = pytest.mark.unit
Dbapi = AsyncAdapt_asyncpg_dbapi


def as_sqlalchemy_raises(driver_error: Exception, kind: type[Exception]) -> Exception:
    """Wraps an asyncpg error the way SQLAlchemy's asyncpg dialect hands it to our code."""
    adapted = kind(str(driver_error), driver_error)
    return sa_exc.DBAPIError.instance("select 1", {}, adapted, Dbapi.Error)


@pytest.mark.parametrize(
    ("driver_error", "kind"),
    [
        (
            asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
            Dbapi.OperationalError,
        ),
        (asyncpg.exceptions.AdminShutdownError("terminating connection"), Dbapi.OperationalError),
        (
            asyncpg.exceptions.ReadOnlySQLTransactionError("read-only transaction"),
            Dbapi.InternalError,
        ),
        (asyncpg.exceptions.TooManyConnectionsError("too many clients"), Dbapi.OperationalError),
        (asyncpg.exceptions.DeadlockDetectedError("deadlock detected"), Dbapi.InternalError),
        (asyncpg.exceptions.SerializationError("could not serialize"), Dbapi.InternalError),
        (asyncpg.exceptions.ConnectionFailureError("connection failure"), Dbapi.OperationalError),
    ],
)
def test_each_outage_of_postgresql_is_waited_out(driver_error: Exception, kind: type) -> None:
    wrapped = as_sqlalchemy_raises(driver_error, kind)
    assert is_transient(wrapped) and is_database_outage(wrapped)


@pytest.mark.parametrize(
    ("driver_error", "kind"),
    [
        (asyncpg.exceptions.UniqueViolationError("duplicate key"), Dbapi.IntegrityError),
        (asyncpg.exceptions.UndefinedColumnError("no such column"), Dbapi.ProgrammingError),
        (asyncpg.exceptions.NumericValueOutOfRangeError("out of range"), Dbapi.DataError),
    ],
)
def test_a_bug_or_bad_data_is_not_an_outage(driver_error: Exception, kind: type) -> None:
    assert not is_transient(as_sqlalchemy_raises(driver_error, kind))


def test_the_pool_running_dry_and_kafka_going_away_are_outages() -> None:
    assert is_transient(sa_exc.TimeoutError("QueuePool limit reached"))
    assert is_transient(KafkaConnectionError("broker away"))
    assert is_transient(ConnectionRefusedError())
    assert not is_transient(ValueError("a rule was broken"))
