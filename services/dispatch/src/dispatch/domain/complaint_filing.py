"""Filing a complaint (投诉受理): how it came in, and whether what it names agrees.

The caller names the person and, if known, the order, the service record and the provider;
each must exist in dispatch and agree with the others (the order is the person's, the record
the order's, the provider the order's), or the filing is refused with nothing stored.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from contracts.enums import Role
from contracts.supervision import ComplaintCategory, ComplaintSource
from dispatch.domain.complaints import ComplaintRefused, Subject


@dataclass(frozen=True)
class Filing:
    """What a caller names when filing: the person and, if known, order, record, provider."""

    person_id: uuid.UUID
    category: ComplaintCategory
    description_zh: str
    order_id: uuid.UUID | None = None
    record_id: uuid.UUID | None = None
    provider_code: str | None = None
    worker_ref: str | None = None
    complainant_name: str | None = None
    complainant_phone: str | None = None


@dataclass(frozen=True)
class Named:
    """What the platform holds of the things a filing names (None: not named or not found)."""

    recipient_id: uuid.UUID | None
    county_code: str | None
    township_code: str | None
    village_code: str | None
    order_person_id: uuid.UUID | None = None
    order_provider_code: str | None = None
    record_order_id: uuid.UUID | None = None
    record_provider_code: str | None = None
    record_worker_ref: str | None = None
    provider_id: uuid.UUID | None = None


def source_of(roles: frozenset[Role]) -> ComplaintSource:
    """How a complaint came in, from who filed it: officers staff the city hotline."""
    if roles & {Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER}:
        return ComplaintSource.HOTLINE
    if roles & {Role.COORDINATOR, Role.VILLAGE_STAFF}:
        return ComplaintSource.VILLAGE_COORDINATOR
    if Role.PROVIDER in roles:
        return ComplaintSource.PROVIDER_REPORT
    return ComplaintSource.APP


def _refuse(code: str, message_zh: str, field: str) -> ComplaintRefused:
    return ComplaintRefused(code, message_zh, field=field)


def _check_order(filing: Filing, named: Named) -> None:
    if filing.order_id is None:
        return
    if named.order_person_id is None:
        raise _refuse("order_not_found", "未找到所述服务订单", "body.order_id")
    if named.order_person_id != filing.person_id:
        raise _refuse("order_of_another_person", "该服务订单不属于所述服务对象", "body.order_id")


def _check_record(filing: Filing, named: Named) -> None:
    if filing.record_id is None:
        return
    if named.record_order_id is None:
        raise _refuse("record_not_found", "未找到所述服务记录", "body.record_id")
    if filing.order_id is None:
        raise _refuse("record_needs_order", "指明服务记录时须同时指明其服务订单", "body.order_id")
    if named.record_order_id != filing.order_id:
        raise _refuse("record_of_another_order", "该服务记录不属于所述服务订单", "body.record_id")


def _provider_code(filing: Filing, named: Named) -> str | None:
    code = filing.provider_code or named.order_provider_code
    if filing.provider_code is not None and named.provider_id is None:
        raise _refuse("provider_not_found", "未找到所述服务供给主体", "body.provider_code")
    held = named.order_provider_code
    if filing.provider_code is not None and held is not None and held != filing.provider_code:
        raise _refuse(
            "provider_not_of_order", "所述服务供给主体并非该订单的承接机构", "body.provider_code"
        )
    return code


def subject_of(filing: Filing, named: Named) -> Subject:
    """Whom the complaint concerns, once person, order, record and provider agree."""
    if named.recipient_id is None or named.village_code is None:
        raise _refuse("person_not_found", "未找到所述服务对象", "body.person_id")
    _check_order(filing, named)
    _check_record(filing, named)
    code = _provider_code(filing, named)
    assert named.county_code is not None  # a recipient's row holds all three codes
    assert named.township_code is not None
    return Subject(
        person_id=filing.person_id,
        recipient_id=named.recipient_id,
        county_code=named.county_code,
        township_code=named.township_code,
        village_code=named.village_code,
        order_id=filing.order_id,
        record_id=filing.record_id,
        provider_id=named.provider_id if code else None,
        provider_code=code,
        worker_ref=filing.worker_ref or named.record_worker_ref,
    )
