"""The one clock: Chizhou days, a started clock shared by processes, refused in production."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from civic import clock
from civic.clock import Clock
from civic.settings import ServiceSettings
from contracts.calendar import CHIZHOU

pytestmark = pytest.mark.unit

NEW_YEAR_EVE = datetime(2026, 12, 31, 23, 59, 50, tzinfo=CHIZHOU)


def settings(**values: object) -> ServiceSettings:
    base: dict[str, object] = {
        "service_name": "x",
        "auth_public_key_pem": "k",
        "auth_issuer": "https://idp.chizhou.example",
        "database_url": "postgresql+asyncpg://x:Strong-9f3a1c@db/x",
        "kafka_password": "Strong-kafka-77a1",
        "kafka_ca_file": "/etc/ssl/ca.pem",
        "bigdata_pseudonym_key": "UXJ4LXJlYWwtcGxhdGZvcm0ta2V5LW5vdC1kZXYtMDEh",
    }
    return ServiceSettings(**{**base, **values})  # type: ignore[arg-type]


def test_today_is_the_chizhou_day_whatever_utc_says() -> None:
    at = Clock.fixed(datetime(2026, 12, 31, 16, 0, 10, tzinfo=UTC))  # 00:00:10 on 1 January
    assert at.today() == date(2027, 1, 1) and at.month() == "2027-01"
    assert at.now().tzinfo is UTC


def test_a_started_clock_runs_on_from_its_start() -> None:
    anchor = clock.machine_now() - timedelta(seconds=20)
    started = Clock.starting_at(NEW_YEAR_EVE, anchor=anchor)
    # Twenty seconds have passed since the anchor: the new year has begun in Chizhou.
    assert started.today() == date(2027, 1, 1)
    later = started.now()
    assert timedelta(seconds=19) < later - NEW_YEAR_EVE < timedelta(seconds=60)
    assert started.now() >= later


def test_two_processes_given_the_same_start_and_anchor_agree() -> None:
    anchor = clock.machine_now()
    one, two = (Clock.starting_at(NEW_YEAR_EVE, anchor=anchor) for _ in range(2))
    assert abs(one.now() - two.now()) < timedelta(seconds=1)


def test_a_naive_start_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        Clock.starting_at(datetime(2026, 12, 31, 23, 59, 50))


def test_the_process_clock_can_be_swapped_for_a_block() -> None:
    before = clock.current()
    with clock.using(Clock.fixed(NEW_YEAR_EVE)):
        assert clock.today() == date(2026, 12, 31) and clock.month() == "2026-12"
    assert clock.current() is before


def test_settings_start_the_clock_locally_and_refuse_it_in_production() -> None:
    local = settings(environment="local", clock_start=NEW_YEAR_EVE.isoformat())
    assert local.clock().today() in (date(2026, 12, 31), date(2027, 1, 1))
    assert isinstance(settings().clock(), Clock)
    for environment in ("staging", "production"):
        with pytest.raises(ValidationError, match="CLOCK_START"):
            settings(environment=environment, clock_start=NEW_YEAR_EVE.isoformat())
