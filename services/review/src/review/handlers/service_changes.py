"""Changes to an active recipient's services (及时进行优化、增减): proposed by the village,
a coordinator, the township (or for the recipient), decided by the township — or the county
for institutional care; an approval announces the whole new set once."""

from __future__ import annotations

import uuid
from typing import Any

from civic import clock, idempotency
from civic.errors import Forbidden, NotFound
from civic.idempotency import Answer
from civic.security import Principal, ensure_jurisdiction
from civic.uow import UnitOfWork
from contracts.enums import Role
from contracts.review import ChangeSource, ItemProvider
from contracts.settlement import version_in_force
from review import repository as repo
from review.domain import events
from review.domain import service_change as rules
from review.domain.access import ChangeQuery
from review.domain.decision import Catalogue, Recipient
from review.domain.service_change import ChangeRequest, ChangeState, Outcome, Proposal
from review.handlers.common import jurisdiction_scope, retry_of

#: The proposer's role → the source the event names (the first role held wins).
SOURCES: dict[Role, ChangeSource] = {
    Role.TOWNSHIP_OFFICER: ChangeSource.TOWNSHIP,
    Role.COORDINATOR: ChangeSource.COORDINATOR,
    Role.VILLAGE_STAFF: ChangeSource.VILLAGE_STAFF,
}


def source_of(proposer: Principal, *, for_recipient: bool) -> ChangeSource:
    """Who the change comes from: the recipient's own request, or the proposer's office."""
    if for_recipient:
        return ChangeSource.RECIPIENT
    return next(source for role, source in SOURCES.items() if proposer.has_any(role))


async def _recipient(uow: UnitOfWork, recipient_id: uuid.UUID, who: Principal) -> Recipient:
    found = await repo.get_recipient(uow.session, recipient_id, lock=True)
    if found is None:
        raise NotFound("未找到该服务对象", code="recipient_not_found")
    ensure_jurisdiction(who, found.village_code)
    return found


async def _outcome(uow: UnitOfWork, r: Recipient, proposal: Proposal) -> Outcome:
    versions: list[Catalogue] = await repo.catalogue_versions(uow.session, r.county_code)
    catalogue = version_in_force(versions, proposal.effective_date)
    return rules.apply_changes(r.items, proposal.changes, catalogue)


async def propose_change(
    recipient_id: uuid.UUID,
    proposal: Proposal,
    *,
    for_recipient: bool,
    uow: UnitOfWork,
    proposer: Principal,
    idempotency_key: str | None,
) -> ChangeRequest:
    """Files a change request for the township (or county) to decide; nothing is announced
    yet. A retry with the same Idempotency-Key gets the first answer."""
    body = {**proposal.model_dump(mode="json"), "for_recipient": for_recipient}
    retry = retry_of(idempotency_key, scope=f"review.service-change:{recipient_id}", body=body)
    async with uow:
        r = await _recipient(uow, recipient_id, proposer)
        if (first := await idempotency.replayed(retry, uow)) is not None:
            return await _filed(uow, first.body)
        rules.ensure_in_service(r)
        rules.check_effective(proposal.effective_date, clock.today())
        outcome = await _outcome(uow, r, proposal)
        request = ChangeRequest(
            change_id=uuid.uuid4(),
            recipient_id=r.recipient_id,
            **r.model_dump(include={"person_id", "county_code", "township_code", "village_code"}),
            state=ChangeState.PENDING,
            source=source_of(proposer, for_recipient=for_recipient),
            proposal=proposal,
            county_decides=rules.county_decides(outcome),
            requested_by=proposer.user_id,
            requested_at=clock.now(),
            outcome=outcome,  # a preview: the approval works it out again on the set it finds
        )
        await repo.add_change(uow.session, request)
        # Only the id: the reason and note stay sealed in the request's row.
        await idempotency.remember(retry, uow, Answer(201, {"change_id": str(request.change_id)}))
        await uow.commit()
    return request


async def _filed(uow: UnitOfWork, answer: dict[str, Any]) -> ChangeRequest:
    """The request a retried proposal filed the first time (its answer keeps only the id)."""
    filed = await repo.get_change(uow.session, uuid.UUID(answer["change_id"]))
    assert filed is not None, "a request is kept in the transaction that kept its answer"
    return filed


def ensure_may_decide(officer: Principal, *, county: bool) -> None:
    """The township decides, the county when institutional care is added or changed to."""
    if county and not officer.has_any(Role.COUNTY_OFFICER):
        raise Forbidden(
            "涉及集中供养(机构照护)的服务调整由县(区)民政部门审批", code="county_decides"
        )
    if not county and not officer.has_any(Role.TOWNSHIP_OFFICER):
        raise Forbidden("服务事项调整由服务对象所在乡镇(街道)审核", code="township_decides")


async def _approve(
    uow: UnitOfWork, request: ChangeRequest, chosen: tuple[ItemProvider, ...], officer: Principal
) -> ChangeRequest:
    r = await _recipient(uow, request.recipient_id, officer)
    rules.ensure_in_service(r)
    outcome = rules.with_providers(await _outcome(uow, r, request.proposal), chosen)
    # The set may have changed since the proposal: who decides follows what is approved now.
    ensure_may_decide(officer, county=request.county_decides or rules.county_decides(outcome))
    p = request.proposal
    after = r.model_copy(
        update={
            "items": outcome.approved_items,
            "services_version": r.services_version + 1,
            "self_care_level": p.self_care_level or r.self_care_level,
        }
    )
    event = events.services_changed(
        after,
        request.change_id,
        effective_date=p.effective_date,
        added_item_codes=outcome.added,
        removed_item_codes=outcome.removed,
        changed_item_codes=outcome.changed,
        item_providers=outcome.item_providers,
        reason_code=p.reason_code,
        reason_zh=p.reason_zh,
        source=request.source,
        decided_by=officer.user_id,
    )
    await repo.save_services(uow.session, after)
    uow.emit(event)
    return request.model_copy(
        update={
            "state": ChangeState.APPROVED,
            "services_version": after.services_version,
            "outcome": outcome,
        }
    )


async def decide_change(
    change_id: uuid.UUID,
    *,
    approve: bool,
    item_providers: tuple[ItemProvider, ...] = (),
    refusal_zh: str | None = None,
    uow: UnitOfWork,
    officer: Principal,
    idempotency_key: str | None,
) -> ChangeRequest:
    """Approves (new services and RecipientServicesChanged in one commit) or refuses (kept with
    its reason, nothing announced) a pending change request."""
    body = {
        "approve": approve,
        "item_providers": [p.model_dump(mode="json") for p in item_providers],
        "refusal_zh": refusal_zh,
    }
    retry = retry_of(
        idempotency_key, scope=f"review.service-change-decision:{change_id}", body=body
    )
    async with uow:
        request = await repo.get_change(uow.session, change_id, lock=True)
        if request is None:
            raise NotFound("未找到该服务调整申请", code="change_not_found")
        ensure_jurisdiction(officer, request.village_code)
        if await idempotency.replayed(retry, uow) is not None:
            return request  # decided by the first try: read from its sealed row
        rules.ensure_pending(request)
        ensure_may_decide(officer, county=request.county_decides)
        if approve:
            decided = await _approve(uow, request, item_providers, officer)
        else:
            decided = request.model_copy(
                update={"state": ChangeState.REFUSED, "refusal_zh": refusal_zh}
            )
        decided = decided.model_copy(
            update={"decided_by": officer.user_id, "decided_at": clock.now()}
        )
        await repo.decide_change(uow.session, decided)
        await idempotency.remember(retry, uow, Answer(200, {"change_id": str(change_id)}))
        await uow.commit()
    return decided


async def list_changes(
    query: ChangeQuery, *, uow: UnitOfWork, principal: Principal
) -> tuple[list[ChangeRequest], int]:
    """One page of change requests within the caller's jurisdiction, oldest first."""
    where = jurisdiction_scope(principal, query.village_code)
    async with uow:
        return await repo.list_changes(uow.session, query, where)


async def read_change(
    change_id: uuid.UUID, *, uow: UnitOfWork, principal: Principal
) -> ChangeRequest:
    """A change request with its decision (a refusal's reason too), within the jurisdiction."""
    async with uow:
        found = await repo.get_change(uow.session, change_id)
    if found is None:
        raise NotFound("未找到该服务调整申请", code="change_not_found")
    ensure_jurisdiction(principal, found.village_code)
    return found
