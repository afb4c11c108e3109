"""Routes of the city system: its signed status reports and the monthly follow-up."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Header, Path, Request

from civic.audit import reads_personal
from civic.deps import UowDep
from civic.errors import PROBLEM_RESPONSES, Unauthorized
from intake.adapters.signatures import HTTP_HEADER, CitySignatures
from intake.api.roles import Admin
from intake.handlers import city, follow_up
from intake.repository import IntakeRecords
from intake.schemas.city import CITY_REPORT, AssistanceStatusIn, CityStatusReceipt, FollowUpRun

router = APIRouter(tags=["city system"], responses=PROBLEM_RESPONSES)


async def city_signed(
    request: Request,
    signature: Annotated[
        str | None,
        Header(
            alias=HTTP_HEADER,
            description="The city system's detached JWS (RFC 7515 Appendix F), ES256 over the "
            "exact request body: `<header>..<signature>`. Without a valid one: 401 "
            "`bad_city_signature`, nothing done.",
        ),
    ] = None,
) -> None:
    """Refuses a report whose body the city system did not sign (before it is read)."""
    signatures: CitySignatures = request.app.state.city_signatures
    if (why := signatures.refusal(await request.body(), signature)) is None:
        return
    message = (
        "缺少市救助系统签名，报告未被接受" if not signature else "市救助系统签名无效，报告未被接受"
    )
    raise Unauthorized(
        message, code="bad_city_signature", field=f"header.{HTTP_HEADER}", extra={"reason": why}
    )


CitySigned = Annotated[None, Depends(city_signed)]


@router.post(
    "/inbound/assistance-status",
    status_code=202,
    openapi_extra=reads_personal("city_report"),
    summary="市救助系统状态报告 (the city system reports a status change or a new admission)",
)
async def report_assistance_status(
    body: Annotated[AssistanceStatusIn, Body(openapi_examples=CITY_REPORT)],
    caller: Admin,
    _signed: CitySigned,
    uow: UowDep,
) -> CityStatusReceipt:
    """Takes a signed report, its ID number in clear over TLS; a repeat changes nothing."""
    records = IntakeRecords(uow)
    receipt = await city.resolve_city_status(
        body, id_number=body.id_number, uow=uow, records=records
    )
    return CityStatusReceipt(**vars(receipt))


@router.post(
    "/follow-ups/{month}",
    openapi_extra=reads_personal(None),
    summary="月度跟进 (open applications for people the city system newly admitted)",
)
async def run_follow_up(
    month: Annotated[str, Path(description="The month, YYYY-MM (not later than this month).")],
    caller: Admin,
    uow: UowDep,
) -> FollowUpRun:
    """Runs the monthly follow-up now (it also runs by itself at the start of each month)."""
    opened = await follow_up.open_follow_up_applications(month, uow=uow, records=IntakeRecords(uow))
    return FollowUpRun(month=month, opened=opened)
