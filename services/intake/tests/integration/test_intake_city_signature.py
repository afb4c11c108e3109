"""Issues 13 and 16: intake acts on a city report only when the city system signed its exact
bytes and the ID number in it, sealed to intake, opens for that report."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from typing import Any

import jwt
import pytest
from aiokafka import AIOKafkaConsumer
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, x25519

from civic.bus.grants import CITY_SYSTEM
from contracts import topics
from contracts.inbound import AssistanceStatusReported
from contracts.intake import CityStatusResolved
from devstack.infra import Infra
from devstack.journeys import city
from intake.adapters.sealing import id_number_index
from intake.orm import city_status_report, person

pytestmark = pytest.mark.integration

ADMIN = {"roles": ["admin"], "user_id": "city-assistance-system"}
DLQ = topics.dlq(topics.ASSISTANCE_STATUS_INBOUND)


def report(
    intake: Any, id_number: str, status: str = "stopped", **overrides: Any
) -> AssistanceStatusReported:
    """A report of the city system with a case id of its own (no phone-like digit run), its
    number sealed to intake's inbound key (or to ``public``, if given)."""
    values: dict[str, Any] = {
        "case_id": "CZ-{}K{}".format(*(uuid.uuid4().hex[i : i + 5] for i in (0, 5))),
        "status": status,
        "category": "dibao",
        "effective_date": date(2024, 7, 1),
        "reason_code": "TB01",
        "county_code": "341702",
        "township_code": "341702100",
        "village_code": "341702100201",
    }
    public = overrides.pop("public", intake.inbound_key)
    return city.sealed_report(id_number, public, **{**values, **overrides})


async def dead_letter_of(infra: Infra, value: bytes, timeout: float = 60) -> dict[str, str]:
    """The headers of the dead letter whose value is ``value`` (reads the DLQ from the start)."""
    consumer = AIOKafkaConsumer(
        DLQ, **infra.kafka.aiokafka(), group_id=None, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        async with asyncio.timeout(timeout):
            while True:
                batch = await consumer.getmany(timeout_ms=500)
                for record in (r for rs in batch.values() for r in rs):
                    if record.value == value:
                        return {k: v.decode() for k, v in record.headers}
    finally:
        await consumer.stop()


async def nothing_taken_in(intake: Any, r: AssistanceStatusReported, id_number: str) -> bool:
    """No report row for its case and no person for its ID number."""
    case = city_status_report.c.case_id == r.case_id
    known = person.c.id_number_index == id_number_index(id_number)
    return (
        await intake.count(city_status_report, case) == 0 and await intake.count(person, known) == 0
    )


async def test_a_report_the_city_system_signed_and_sent_itself_is_taken_in(
    intake: Any, infra: Infra
) -> None:
    signed = report(intake, intake.new_id_number())
    await city.produce_signed_report(infra.access(CITY_SYSTEM), signed, intake.city_key)
    [(event, _)] = await intake.read(
        topics.INTAKE_APPLICATIONS,
        lambda e: isinstance(e, CityStatusResolved) and e.case_id == signed.case_id,
    )
    assert event.status.value == "stopped"


async def test_an_unsigned_report_is_dead_lettered_with_the_reason_and_changes_nothing(
    intake: Any, infra: Infra
) -> None:
    number = intake.new_id_number()
    unsigned = report(intake, number)
    value = unsigned.to_json_bytes()
    await intake.send_raw(topics.ASSISTANCE_STATUS_INBOUND, value, unsigned.case_id, [])
    letter = await dead_letter_of(infra, value)
    assert letter["x-dlq-error"] == "refused: bad_city_signature: no signature"
    assert (letter["x-dlq-consumer-group"], letter["x-dlq-attempts"]) == ("intake", "1")
    assert await nothing_taken_in(intake, unsigned, number)


@pytest.mark.parametrize("forgery", ["other_bytes", "other_key", "attached"])
async def test_a_badly_signed_report_is_dead_lettered_and_changes_nothing(
    intake: Any, infra: Infra, forgery: str
) -> None:
    number = intake.new_id_number()
    forged = report(intake, number, status="deceased")
    value = forged.to_json_bytes()
    signature = {
        # A genuine signature of another report, replayed on this one.
        "other_bytes": city.sign(report(intake, number).to_json_bytes(), intake.city_key),
        "other_key": city.sign(value, _foreign_key()),
        "attached": _attached(value, intake.city_key),
    }[forgery]
    headers = [(city.KAFKA_HEADER, signature.encode())]
    await intake.send_raw(topics.ASSISTANCE_STATUS_INBOUND, value, forged.case_id, headers)
    letter = await dead_letter_of(infra, value)
    assert letter["x-dlq-error"].startswith("refused: bad_city_signature")
    assert letter[city.KAFKA_HEADER] == signature  # kept, for the operators to see
    assert await nothing_taken_in(intake, forged, number)


def unopenable(intake: Any, number: str, flaw: str) -> AssistanceStatusReported:
    """A signed report whose number intake cannot open: sealed for another report, to
    another key, or altered on the way."""
    sent = report(intake, number, "deceased")
    if flaw == "other_report":
        return sent.model_copy(update={"sealed_id_number": report(intake, number).sealed_id_number})
    if flaw == "other_key":
        foreign = x25519.X25519PrivateKey.generate().public_key()
        pem = foreign.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return report(intake, number, "deceased", public=pem)
    at = len("hpke1.") + 10  # in the sealed bytes: each character carries 6 bits of them
    char = "A" if sent.sealed_id_number[at] != "A" else "B"
    altered = sent.sealed_id_number[:at] + char + sent.sealed_id_number[at + 1 :]
    return sent.model_copy(update={"sealed_id_number": altered})


@pytest.mark.parametrize("flaw", ["other_report", "other_key", "altered"])
async def test_a_report_whose_number_does_not_open_is_dead_lettered_and_blocks_nothing(
    intake: Any, infra: Infra, flaw: str
) -> None:
    number = intake.new_id_number()
    broken = unopenable(intake, number, flaw)
    # The same case id is the same Kafka key: the next report waits behind the refused one.
    after = report(intake, intake.new_id_number(), "suspended", case_id=broken.case_id)
    await intake.publish(broken, after)

    letter = await dead_letter_of(infra, broken.to_json_bytes())
    assert letter["x-dlq-error"].startswith("refused: unopenable_id_number")
    assert (letter["x-dlq-consumer-group"], letter["x-dlq-attempts"]) == ("intake", "1")
    [(event, _)] = await intake.read(
        topics.INTAKE_APPLICATIONS,
        lambda e: isinstance(e, CityStatusResolved) and e.case_id == broken.case_id,
    )
    assert event.status.value == "suspended"  # the refused report came first, and went nowhere
    known = person.c.id_number_index == id_number_index(number)
    assert await intake.count(person, known) == 0


async def test_over_http_only_a_signed_body_is_taken_in(intake: Any) -> None:
    number = intake.new_id_number()
    r = report(intake, number, status="suspended")
    # Over HTTP the number travels in clear (TLS to intake), not sealed.
    exclude = {"event_id", "occurred_at", "subject_key", "sealed_id_number", "schema_version"}
    body = r.model_dump(mode="json", exclude=exclude) | {"id_number": number}
    admin = intake.auth(**ADMIN)

    missing = await intake.post_report(body, admin, signed=False)
    assert missing.status_code == 401, missing.text
    problem = missing.json()
    assert problem["code"] == "bad_city_signature" and "签名" in problem["title"]
    assert problem["errors"][0]["field"] == "header.X-City-Signature"

    # Signed, but over other bytes than those sent (one field changed after signing).
    content = city.sign(b'{"status":"suspended"}', intake.city_key)
    wrong = await intake.post_report(body, {**admin, city.HTTP_HEADER: content}, signed=False)
    assert wrong.status_code == 401 and wrong.json()["code"] == "bad_city_signature"
    assert "无效" in wrong.json()["title"]
    assert await nothing_taken_in(intake, r, number)

    signed = await intake.post_report(body, admin)
    assert signed.status_code == 202, signed.text
    assert signed.json()["repeated"] is False


async def test_the_signature_is_checked_after_the_caller_and_before_the_body(intake: Any) -> None:
    officer = intake.auth(["township_officer"], division="341702100")
    body = {"case_id": "CZ-1"}  # not a report at all
    assert (await intake.post_report(body, officer, signed=False)).status_code == 403
    unsigned = await intake.post_report(body, intake.auth(**ADMIN), signed=False)
    assert unsigned.status_code == 401 and unsigned.json()["code"] == "bad_city_signature"
    invalid = await intake.post_report(body, intake.auth(**ADMIN))
    assert invalid.status_code == 422


def _foreign_key() -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    plain = serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, plain)


def _attached(value: bytes, key: bytes) -> str:
    """A valid signature, but with the payload attached: not the agreed detached form."""
    return jwt.api_jws.encode(value, key, algorithm="ES256")
