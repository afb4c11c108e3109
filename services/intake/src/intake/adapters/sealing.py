"""Personal data at rest: sealed under intake's data keys; ID numbers found by a blind index.

An ID number is sensitive personal information (PIPL art. 28). The person table keeps it
only as ``civic.sealing`` ciphertext bound to the person's row, plus a keyed hash
(``id_number_index``) to find a person by number and keep one row per number; a copy of
the database without the master key shows neither. The applicant's phone and a
coordinator's description of the household's situation are sealed the same way. Keys,
rotation and the master key are described in ``docs/keys.md``; the repositories call the
functions below.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncEngine

from civic import sealing
from civic.db import make_engine
from civic.sealing.columns import SealedColumn
from civic.sealing.keeper import KeyKeeper, keeper_for
from civic.sealing.keyring import KeyUnknown, LegacyOpener, in_clear
from intake.adapters.legacy_sealing import Vault, legacy_opener
from intake.settings import Settings

PURPOSE = "intake.person.id_number"
PHONE = "intake.application.applicant_phone"
SITUATION = "intake.discovery.situation_zh"
#: A county's message channel secret and a person's phone or openid (civic.notify's purposes).
CHANNEL_SECRET = "intake.notification_channel.secret"
MESSAGE_ADDRESS = "intake.message_preference.address"
#: Every column intake seals (the keeper re-seals them after a rotation).
SEALED_COLUMNS = (
    SealedColumn("person", "person_id", "id_number", PURPOSE),
    SealedColumn("application", "application_id", "applicant_phone", PHONE),
    SealedColumn("discovery", "discovery_id", "situation_zh", SITUATION),
    SealedColumn("notification_channel", "county_code", "secret", CHANNEL_SECRET),
    SealedColumn("message_preference", "user_id", "address", MESSAGE_ADDRESS),
)


def seal_id_number(id_number: str, *, person_id: uuid.UUID) -> str:
    """The number sealed for this person's row (it opens in no other row)."""
    return sealing.ring().seal(id_number, purpose=PURPOSE, row=str(person_id))


def open_id_number(sealed: str, *, person_id: uuid.UUID) -> str:
    """The number a person's row holds."""
    return sealing.ring().open(sealed, purpose=PURPOSE, row=str(person_id))


def seal_text(value: str | None, *, purpose: str, row: uuid.UUID) -> str | None:
    """An optional field (phone, situation) sealed for its row."""
    return None if value is None else sealing.ring().seal(value, purpose=purpose, row=str(row))


def open_text(sealed: str | None, *, purpose: str, row: uuid.UUID) -> str | None:
    """An optional field as ``seal_text`` sealed it (or as it was stored before sealing)."""
    return None if sealed is None else sealing.ring().open(sealed, purpose=purpose, row=str(row))


def id_number_index(id_number: str) -> str:
    """The blind index: equal numbers give equal indexes; it cannot be reversed."""
    return sealing.ring().index(id_number, purpose=PURPOSE)


def make_keeper(settings: Settings, engine: AsyncEngine) -> KeyKeeper:
    """intake's keys: its master keys, its sealed column, and the pre-ring key if still set."""
    old_key = settings.legacy_id_number_key()
    vault = Vault.from_secret(old_key) if old_key else None
    return keeper_for(
        settings,
        engine,
        SEALED_COLUMNS,
        index_purposes=(PURPOSE,),
        legacy=_before_keys(vault),
        # Persons indexed before the ring stay findable by number.
        adopted_index_keys={PURPOSE: vault.index_key} if vault else {},
    )


def _before_keys(vault: Vault | None) -> LegacyOpener:
    """Opens values from before data keys: ID numbers under the old key, the rest in clear."""
    old_numbers = legacy_opener(vault) if vault else None

    def open_legacy(value: str, purpose: str, row: str) -> str:
        if purpose != PURPOSE:
            return in_clear(value, purpose, row)
        if old_numbers is None:
            raise KeyUnknown("ID_NUMBER_KEY 未配置：无法读取启用数据密钥之前加密的身份证号")
        return old_numbers(value, purpose, row)

    return open_legacy


def keeper_from_environment() -> KeyKeeper:
    """The keeper ``civic-keys intake`` works with (the service's own environment)."""
    settings = Settings()  # type: ignore[call-arg]
    engine = make_engine(settings.database_dsn(), pool_size=2)
    return make_keeper(settings, engine)
