"""The big-data mirror carries keyed pseudonyms, never an id in clear: the key is the platform's
(made on first run, required outside ENVIRONMENT=local) and reaches every unit of work through
the composition root."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from opentelemetry.sdk.trace import TracerProvider
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from civic import runtime as runtime_module
from civic.asyncapi import DOCS_ENV
from civic.pseudonyms import DEV_PSEUDONYM_KEY, Pseudonyms, new_key
from civic.runtime import Runtime, build_runtime
from civic.secrets import SERVICE_NAMES, ensure_secrets
from civic.settings import ServiceSettings
from civic.uow import UnitOfWork
from contracts import topics
from contracts.bigdata import EventMirrored
from contracts.review import RecipientApproved
from contracts.samples import sample

pytestmark = pytest.mark.unit

KEY = new_key().decode()
UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def approved(person: uuid.UUID) -> RecipientApproved:
    return sample(RecipientApproved, full=True, person_id=person, subject_key=str(person))


def rows_of(uow: UnitOfWork, event: RecipientApproved) -> dict[str, dict[str, Any]]:
    """The outbox rows one emit queues, by topic."""
    uow.emit(event)
    return {row["topic"]: row for row in uow.emitted}


def unit_of_work(pseudonyms: Pseudonyms | None) -> UnitOfWork:
    return UnitOfWork(cast("async_sessionmaker[AsyncSession]", None), pseudonyms=pseudonyms)


def test_one_id_has_one_pseudonym_unlike_the_id_and_another_keys() -> None:
    ours, theirs, person = Pseudonyms.from_secret(KEY), Pseudonyms(b"t" * 32), uuid.uuid4()
    assert ours(str(person)) == ours(str(person)) != person
    assert ours(str(person)) != theirs(str(person))
    assert ours(str(person)).version == 8  # never mistaken for one of our (v4/v5) ids
    assert KEY not in repr(ours)


@pytest.mark.parametrize("secret", ["bm90IGxvbmcgZW5vdWdo", "not base64 at all!"])
def test_a_key_too_short_or_not_base64_is_refused(secret: str) -> None:
    with pytest.raises(ValueError, match=r"32 bytes|base64"):
        Pseudonyms.from_secret(secret)


def test_the_mirror_a_unit_of_work_writes_carries_no_real_id() -> None:
    person = uuid.uuid4()
    event = approved(person)
    pseudonyms = Pseudonyms.from_secret(KEY)
    rows = rows_of(unit_of_work(pseudonyms), event)
    mirror = rows[topics.BIGDATA_EVENTS]
    real = set(UUID_TEXT.findall(rows[RecipientApproved.TOPIC]["payload"]))
    assert real and not real & set(UUID_TEXT.findall(mirror["payload"]))
    assert mirror["key"] == str(pseudonyms(str(person)))  # one person, one partition
    assert mirror["headers"] == {}  # no trace id shared with the source record
    parsed = EventMirrored.model_validate(json.loads(mirror["payload"]))
    assert parsed.person_id == pseudonyms(str(person))
    assert parsed.source_event_id == pseudonyms(str(event.event_id))


def test_a_unit_of_work_without_the_key_writes_no_mirror_rather_than_ids_in_clear() -> None:
    assert set(rows_of(unit_of_work(None), approved(uuid.uuid4()))) == {RecipientApproved.TOPIC}


def test_the_runtime_hands_every_unit_of_work_the_platform_pseudonyms() -> None:
    pseudonyms, person = Pseudonyms.from_secret(KEY), uuid.uuid4()
    relay = SimpleNamespace(wake=lambda: None)
    runtime = cast(Any, Runtime)(None, None, None, None, relay, None, None, pseudonyms)
    mirror = rows_of(runtime.uow(), approved(person))[topics.BIGDATA_EVENTS]
    assert mirror["key"] == str(pseudonyms(str(person)))


def test_build_runtime_takes_the_key_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without the process-wide logging and tracing set-up a service does at start.
    monkeypatch.setattr(runtime_module, "setup_logging", lambda *_: None)
    monkeypatch.setattr(runtime_module, "setup_tracing", lambda *_: TracerProvider())
    monkeypatch.setattr(runtime_module, "instrument_engine", lambda *_: None)
    values = {**DOCS_ENV, "service_name": "review", "bigdata_pseudonym_key": KEY}
    built = build_runtime(ServiceSettings.model_validate(values))
    person = uuid.uuid4()
    mirror = rows_of(built.uow(), approved(person))[topics.BIGDATA_EVENTS]
    assert mirror["key"] == str(Pseudonyms.from_secret(KEY)(str(person)))


SAFE: dict[str, Any] = {
    "service_name": "review",
    "environment": "production",
    "auth_public_key_pem": "k",
    "auth_issuer": "https://idp.chizhou.example",
    "database_url": "postgresql+asyncpg://review:Xk2-strong-pass@db/review",
    "kafka_password": "Strong-kafka-77a1",
    "kafka_ca_file": "/etc/chizhou/ca.crt",
}


@pytest.mark.parametrize("key", [None, "", DEV_PSEUDONYM_KEY])
def test_outside_local_the_platform_key_is_required(key: str | None) -> None:
    for environment in ("staging", "production"):
        with pytest.raises(ValidationError, match="BIGDATA_PSEUDONYM_KEY"):
            ServiceSettings(**SAFE | {"environment": environment, "bigdata_pseudonym_key": key})
    local = ServiceSettings(**SAFE | {"environment": "local", "bigdata_pseudonym_key": key})
    assert local.bigdata_pseudonyms()(KEY) == Pseudonyms.from_secret(DEV_PSEUDONYM_KEY)(KEY)


def test_an_unusable_key_is_refused_in_every_environment(tmp_path: Path) -> None:
    for environment in ("local", "production"):
        values = SAFE | {"environment": environment}
        with pytest.raises(ValidationError, match="BIGDATA_PSEUDONYM_KEY: unusable"):
            ServiceSettings(**values, bigdata_pseudonym_key="c2hvcnQ=")
        with pytest.raises(ValidationError, match="BIGDATA_PSEUDONYM_KEY: unusable"):
            ServiceSettings(**values, bigdata_pseudonym_key_file=tmp_path / "missing")


def test_first_run_makes_one_platform_key_and_gives_each_service_a_copy(tmp_path: Path) -> None:
    folder = ensure_secrets(tmp_path / "secrets")
    platform = (folder / "bigdata" / "pseudonym-key").read_text()
    copies = {name: folder / name / "bigdata-pseudonym-key" for name in SERVICE_NAMES}
    assert {path.read_text() for path in copies.values()} == {platform}
    assert all(path.stat().st_mode & 0o077 == 0 for path in copies.values())
    ensure_secrets(folder)  # a later run keeps the key: pseudonyms stay what they were
    assert (folder / "bigdata" / "pseudonym-key").read_text() == platform
    values = SAFE | {"bigdata_pseudonym_key_file": copies["review"]}
    settings = ServiceSettings(**values)
    assert settings.bigdata_pseudonyms()(KEY) == Pseudonyms.from_secret(platform)(KEY)
