"""The minimised mirror of every step, on ``bigdata.events.v1``, for the city's big-data platform.

Privacy rule: pseudonymised ids and codes only. No names (not even masked), ID numbers, phones,
addresses, free text, special conditions, self-care levels or care needs. ``mirror_of`` copies a
whitelist of fields from a source event, so a new field on a source event never leaks here
by accident.

No id reaches the mirror in clear: every id (``person_id``, ``recipient_id``, ``order_id``...,
the Kafka key ``subject_key``, ``source_event_id`` and ``correlation_id``) is replaced by its
keyed pseudonym, an HMAC-SHA256 under the big-data platform's own key shown as a version-8 UUID
(``as_pseudonym``). One id has one pseudonym on every step and from every service, so the
platform still links a person's steps (and a step to the one that caused it); without the key,
a ``person_id`` read on a public board or another topic cannot be turned into its pseudonym.
The mirror's ``event_id`` is derived from the pseudonymised source id for the same reason, and
its Kafka key is the pseudonym of the source's key: one person's steps stay on one partition.

This module holds no key: ``mirror_of`` takes a ``Pseudonymiser`` (civic's ``Pseudonyms``, made
from the secret each service is given as BIGDATA_PSEUDONYM_KEY_FILE).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, ClassVar, Literal, Self, get_args

from pydantic import AwareDatetime, Field, model_validator

from contracts import topics
from contracts.envelope import Event
from contracts.fields import CountyCode, ItemCode, Period, ProviderCode, TownshipCode, VillageCode
from contracts.privacy import looks_like_id_number, looks_like_phone

ServiceName = Literal["intake", "survey", "review", "dispatch", "settlement", "archive"]
#: A lower-case code from one of the enumerations (category, status, reason...).
Code = Annotated[str, Field(pattern=r"^[a-z0-9_]{1,64}$")]

_ID_FIELDS = (  # noqa: SIM905
    "person_id household_id application_id survey_id recipient_id order_id record_id "
    "statement_id provider_id line_id spot_check_id alert_id file_id document_id plan_id "
    "complaint_id inspection_id change_id import_id"
).split()
_CODE_FIELDS = (  # noqa: SIM905
    "county_code township_code village_code new_county_code new_township_code "
    "new_village_code category new_category status previous_status channel item_code "
    "service_category mode funding_source unit reason_code kind outcome provider_type "
    "provider_code source supervision_level route"
).split()
_OTHER_FIELDS = (  # noqa: SIM905
    "version effective_date temporary_until period quantity amount_fen total_fen score"
).split()
_ITEM_LISTS = ("requested_item_codes", "recommended_item_codes")
_VERSION_ALIASES = ("status_version", "order_version", "board_version", "services_version")

#: Turns an id's canonical text (``canonical_id``) into its keyed pseudonym (``as_pseudonym``).
Pseudonymiser = Callable[[str], uuid.UUID]


def _id(description: str) -> Any:
    return Field(default=None, description=description)


def _pseudonym(of: str) -> Any:
    return Field(default=None, description=f"Pseudonym of {of}")


class EventMirrored(Event):
    """A step happened on the platform (pseudonymised ids, and codes, only)."""

    TOPIC: ClassVar[str] = topics.BIGDATA_EVENTS

    event_type: Literal["bigdata.EventMirrored"] = Field(
        default="bigdata.EventMirrored", description="Event name."
    )
    producer: ServiceName = Field(description="The service that published the source event.")
    subject_key: str = Field(
        min_length=1,
        max_length=64,
        description="Kafka key: the pseudonym of the source event's key (one person, one key).",
    )
    source_event_id: uuid.UUID = Field(description="Pseudonym of the source event's event_id.")
    source_event_type: str = Field(
        pattern=r"^[a-z]+\.[A-Za-z]+$", description="event_type of the source event."
    )
    source_topic: str = Field(
        pattern=r"^[a-z0-9.*-]+$", description="Topic (family) of the source event."
    )
    source_occurred_at: AwareDatetime = Field(description="When the source event happened.")
    correlation_id: str | None = Field(
        default=None,
        description="Pseudonym of the source event's correlation id (what caused it), if given.",
    )
    person_id: uuid.UUID | None = _pseudonym("the person, if the event is about one.")
    household_id: uuid.UUID | None = _pseudonym("the household, if given.")
    application_id: uuid.UUID | None = _pseudonym("the application, if given.")
    survey_id: uuid.UUID | None = _pseudonym("the survey, if given.")
    recipient_id: uuid.UUID | None = _pseudonym("the recipient, if given.")
    order_id: uuid.UUID | None = _pseudonym("the service order, if given.")
    record_id: uuid.UUID | None = _pseudonym("the service record, if given.")
    statement_id: uuid.UUID | None = _pseudonym("the settlement statement, if given.")
    provider_id: uuid.UUID | None = _pseudonym("the provider, if given.")
    line_id: uuid.UUID | None = _pseudonym("the ledger line, if given.")
    spot_check_id: uuid.UUID | None = _pseudonym("the spot check, if given.")
    alert_id: uuid.UUID | None = _pseudonym("the doorbell alert, if given.")
    file_id: uuid.UUID | None = _pseudonym("the archive file, if given.")
    document_id: uuid.UUID | None = _pseudonym("the archive document, if given.")
    plan_id: uuid.UUID | None = _pseudonym("the service plan, if given.")
    complaint_id: uuid.UUID | None = _pseudonym("the complaint, if given.")
    inspection_id: uuid.UUID | None = _pseudonym("the inspection, if given.")
    change_id: uuid.UUID | None = _pseudonym("the change of a recipient's services, if given.")
    import_id: uuid.UUID | None = _pseudonym("the go-live import run, if given.")
    county_code: CountyCode | None = _id("County-level division, if given.")
    township_code: TownshipCode | None = _id("Township/street, if given.")
    village_code: VillageCode | None = _id("Village/community, if given.")
    new_county_code: CountyCode | None = _id("New county-level division after a transfer.")
    new_township_code: TownshipCode | None = _id("New township/street after a transfer.")
    new_village_code: VillageCode | None = _id("New village/community after a transfer.")
    category: Code | None = _id("Recipient category code, if given.")
    new_category: Code | None = _id("New recipient category after a category change.")
    status: Code | None = _id("Recipient status code, if given.")
    previous_status: Code | None = _id("Previous recipient status code, if given.")
    channel: Code | None = _id("Application channel code, if given.")
    item_code: ItemCode | None = _id("Catalogue item code, if given.")
    item_codes: tuple[ItemCode, ...] = Field(default=(), description="Item codes of a list event.")
    service_category: Code | None = _id("Service category code, if given.")
    mode: Code | None = _id("Service mode code, if given.")
    funding_source: Code | None = _id("Funding source code, if given.")
    unit: Code | None = _id("Fee unit code, if given.")
    reason_code: Code | None = _id("Reason code, if given.")
    kind: Code | None = _id("Kind code (document, ledger line, escalation), if given.")
    outcome: Code | None = _id("Spot-check outcome code, if given.")
    provider_type: Code | None = _id("Provider type code, if given.")
    provider_code: ProviderCode | None = _id("Provider code, if given.")
    source: Code | None = _id("Where a status change was decided, or a complaint came from.")
    supervision_level: Code | None = _id("County, township or village: who handles or inspects.")
    route: Code | None = _id("How a person became a recipient (review, emergency, import).")
    version: int | None = _id("The subject's version after the source event, if given.")
    effective_date: date | None = _id("Effective date, if given.")
    temporary_until: date | None = _id("Last day of emergency care unless confirmed, if given.")
    period: Period | None = _id("Settlement period, if given.")
    quantity: int | None = _id("Units, if given.")
    amount_fen: int | None = _id("Amount in fen, if given.")
    total_fen: int | None = _id("Total in fen, if given.")
    score: int | None = _id("A provider's evaluation score out of 100, if given.")

    @model_validator(mode="after")
    def _no_personal_numbers(self) -> Self:
        if _is_uuid(self.subject_key):
            return self  # random hex can contain an 11-digit run; a UUID is never personal
        if looks_like_id_number(self.subject_key) or looks_like_phone(self.subject_key):
            raise ValueError("subject_key looks like an ID or phone number")
        return self


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def as_pseudonym(digest: bytes) -> uuid.UUID:
    """The first 16 bytes of a keyed digest as a version-8 UUID (never a v4/v5 id of ours)."""
    if len(digest) < 16:
        raise ValueError("a pseudonym needs a digest of at least 16 bytes")
    raw = bytearray(digest[:16])
    raw[6] = (raw[6] & 0x0F) | 0x80  # version 8: custom (RFC 9562)
    raw[8] = (raw[8] & 0x3F) | 0x80  # the RFC's variant
    return uuid.UUID(bytes=bytes(raw))


def canonical_id(text: str) -> str:
    """The text an id is pseudonymised from: a UUID in its lower-case 36-character form."""
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return text  # a key that is no UUID (a county code, a provider code) as it is


def mirror_event_id(source_event_id: uuid.UUID, mirrored_by: str) -> uuid.UUID:
    """The stable event_id of ``mirrored_by``'s mirror of one source event (same on replays).

    ``source_event_id`` is the pseudonymised one: derived from the real id, anyone could
    compute it and join the mirror to the source topic.
    """
    return uuid.uuid5(
        uuid.NAMESPACE_URL, f"urn:chizhou-assistance:mirror:{mirrored_by}:{source_event_id}"
    )


def _pseudonymous(pseudonym: Pseudonymiser) -> Callable[[object], uuid.UUID]:
    def of(value: object) -> uuid.UUID:
        made = pseudonym(canonical_id(str(value)))
        if made.version != 8:  # an identity or a plain hash would hand out the real id
            raise ValueError("the pseudonymiser must return version-8 UUIDs (as_pseudonym)")
        return made

    return of


def _copied(source: dict[str, Any], pseudo: Callable[[object], uuid.UUID]) -> dict[str, Any]:
    data: dict[str, Any] = {
        name: source[name]
        for name in (*_CODE_FIELDS, *_OTHER_FIELDS)
        if source.get(name) is not None
    }
    data |= {name: pseudo(source[name]) for name in _ID_FIELDS if source.get(name) is not None}
    for alias in _VERSION_ALIASES:
        if "version" not in data and source.get(alias) is not None:
            data["version"] = source[alias]
    items = [i["item_code"] for i in source.get("approved_items") or source.get("items") or ()]
    for name in _ITEM_LISTS:
        items.extend(source.get(name) or ())
    return data | {"item_codes": tuple(items)}


def mirror_of(
    event: Event,
    *,
    pseudonym: Pseudonymiser,
    producer: ServiceName | None = None,
    mirrored_by: ServiceName | None = None,
) -> EventMirrored:
    """Builds the minimised mirror of ``event``: a whitelist of its fields, ids pseudonymised.

    ``mirrored_by`` (a consumer mirroring what it read) gives the mirror a stable event_id
    (``mirror_event_id``): a redelivered or replayed source yields the same mirror id, and
    the platform deduplicates on it; across services it deduplicates on source_event_id.
    """
    source = event.model_dump(mode="json")
    chosen = producer or source["producer"]
    if chosen not in get_args(ServiceName):
        raise ValueError(f"only the platform's services mirror events, not {chosen!r}")
    pseudo = _pseudonymous(pseudonym)
    source_id = pseudo(event.event_id)
    cause = event.correlation_id
    return EventMirrored(
        **_copied(source, pseudo),
        producer=chosen,
        subject_key=str(pseudo(event.subject_key)),
        source_event_id=source_id,
        source_event_type=event.event_type,
        source_topic=type(event).TOPIC,
        source_occurred_at=event.occurred_at,
        correlation_id=str(pseudo(cause)) if cause else None,
        **({"event_id": mirror_event_id(source_id, mirrored_by)} if mirrored_by else {}),
    )


EVENTS = (EventMirrored,)
