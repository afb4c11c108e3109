"""One Chinese line per event for a file's history (档案记录), made from the event alone."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from contracts import dispatch, intake, review, settlement, supervision, survey
from contracts.calendar import day_of
from contracts.enums import ServiceCategory
from contracts.envelope import Event


def yuan(fen: int) -> str:
    """Formats integer fen as yuan, e.g. -1250 → -12.50 元."""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d} 元"


def _categories(values: tuple[ServiceCategory, ...]) -> str:
    return "、".join(v.label_zh for v in values) or "未分类"


def _submitted(e: intake.ApplicationSubmitted) -> str:
    return f"提交申请（{e.channel.label_zh}，申请类别：{e.category.label_zh}）"


def _registered(e: intake.ApplicationRegistered) -> str:
    return f"受理登记（需求分类：{_categories(e.need_categories)}）"


def _city_report(e: intake.CityStatusResolved) -> str:
    what = f"{e.status.label_zh}（{e.category.label_zh}，自 {e.effective_date} 起）"
    return f"市社会救助信息系统报告：{what}"


def _survey_done(e: survey.SurveyCompleted) -> str:
    return f"完成入户调查（{e.visited_on}，自理能力：{e.self_care_level.label_zh}）"


def route_zh(route: str, temporary_until: object = None) -> str:
    """How a person became a recipient, with emergency care's last day (临时救助至 …)."""
    try:
        label = review.ApprovalRoute(route).label_zh
    except ValueError:  # an open enum: a route this version does not know is shown as it is
        label = route
    return f"{label}，临时救助至 {temporary_until}" if temporary_until else label


def _approved(e: review.RecipientApproved) -> str:
    what = f"{e.category.label_zh}，自 {e.effective_date} 起"
    if e.route is not review.ApprovalRoute.REVIEW or e.temporary_until:
        what += f"；{route_zh(e.route.value, e.temporary_until)}"
    return f"审核确认为服务对象（{what}）"


def _named(codes: Iterable[str], names: Mapping[str, str]) -> str:
    return "、".join(f"{names[c]}（{c}）" if c in names else c for c in codes)


def services_changed(e: review.RecipientServicesChanged, names: Mapping[str, str]) -> str:
    """The history line of a change of services, items by name where the catalogue names them."""
    parts = [
        f"{verb} {_named(codes, names)}"
        for verb, codes in (
            ("增加", e.added_item_codes),
            ("取消", e.removed_item_codes),
            ("调整", e.changed_item_codes),
        )
        if codes
    ]
    why = e.reason_code.label_zh + (f"：{e.reason_zh}" if e.reason_zh else "")
    line = (
        f"服务内容调整（第 {e.services_version} 版，自 {e.effective_date} 起）："
        f"{'；'.join(parts) or '服务事项不变'}；原因：{why}；"
        f"提出：{e.source.label_zh}；审核确认：{e.decided_by}"
    )
    return line + ("；临时救助经审核确认，不再限期" if e.ends_temporary_care else "")


def _status(e: review.RecipientStatusChanged) -> str:
    return (
        f"救助状态变更：{e.previous_status.label_zh} → {e.status.label_zh}"
        f"（{e.reason_code.label_zh}，自 {e.effective_date} 起）"
    )


def _order(e: dispatch.ServiceOrderCreated) -> str:
    return (
        f"转介服务：{e.item_code}（{e.mode.label_zh}）由 {e.provider_code} 提供，"
        f"自 {e.start_date} 起"
    )


def _order_change(verb: str) -> Callable[[Any], str]:
    def line(e: Any) -> str:
        return f"服务订单{verb}：{e.reason_code.label_zh}（自 {e.effective_date} 起）"

    return line


def _delivered(e: dispatch.ServiceDelivered) -> str:
    return f"服务记录：{e.service_date} {e.item_code} {e.quantity}{e.unit.label_zh}"


def _plan(e: dispatch.ServicePlanRecorded) -> str:
    items = "、".join(
        f"{i.item_code} 每{i.frequency.per.label_zh}{i.frequency.times}次" for i in e.items
    )
    until = f"至 {e.ends_on}" if e.ends_on else "起"
    return f"服务方案（第 {e.version} 版）：{e.provider_code} 自 {e.starts_on} {until}，{items}"


def _ledger(e: settlement.LedgerLinePosted) -> str:
    amount = f"{e.quantity}{e.unit.label_zh} {yuan(e.amount_fen)}"
    return f"结算{e.kind.label_zh}：{e.period} {e.item_code} {amount}"


def _complaint(e: supervision.ComplaintOpened) -> str:
    about = f"，涉及服务供给主体 {e.provider_code}" if e.provider_code else ""
    return (
        f"受理投诉（{e.source.label_zh}，{e.category.label_zh}{about}），"
        f"由{e.supervision_level.label_zh}于 {day_of(e.respond_by)} 前办结"
    )


def _complaint_escalated(e: supervision.ComplaintEscalated) -> str:
    return f"投诉逾期未办结，提请{e.supervision_level.label_zh}处理（{day_of(e.respond_by)} 前）"


def _complaint_resolved(e: supervision.ComplaintResolved) -> str:
    late = "，逾期办结" if e.overdue else ""
    return (
        f"投诉办结：{e.outcome.label_zh}（{e.supervision_level.label_zh}{late}），"
        f"{e.complainant_told_on} 已告知投诉人"
    )


def _inspection(e: supervision.InspectionRecorded) -> str:
    disallowed = f"，核减 {yuan(e.disallowed_fen)}" if e.disallowed_fen else ""
    return (
        f"{e.supervision_level.label_zh}{e.kind.label_zh}：{e.outcome.label_zh}"
        f"（{e.checked_on}{disallowed}）"
    )


_LINES: dict[type[Event], Callable[[Any], str]] = {
    intake.ApplicationSubmitted: _submitted,
    intake.ApplicationRegistered: _registered,
    intake.ApplicationWithdrawn: lambda e: f"撤回申请：{e.reason_code.label_zh}",
    intake.DiscoveryReported: lambda e: f"协理员主动发现并上报（{e.category.label_zh}）",
    intake.CityStatusResolved: _city_report,
    intake.RecipientImported: lambda e: (
        f"存量在册对象导入（{e.category.label_zh}，自 {e.effective_date} 起）"
    ),
    survey.SurveyTaskCreated: lambda e: f"安排入户调查（应于 {e.due_date} 前完成）",
    survey.SurveyTeamAssigned: lambda e: "指派入户调查组（村社区工作人员与社会救助协理员）",
    survey.SurveyCompleted: _survey_done,
    survey.PreliminaryReviewPassed: lambda e: (
        f"初审通过（建议类别：{e.recommended_category.label_zh}）"
    ),
    survey.PreliminaryReviewFailed: lambda e: f"初审未通过：{e.reason_code.label_zh}",
    review.RecipientApproved: _approved,
    review.ApplicationRejected: lambda e: f"审核未通过：{e.reason_code.label_zh}",
    review.RecipientStatusChanged: _status,
    review.RecipientServicesChanged: lambda e: services_changed(e, {}),
    dispatch.ServiceOrderCreated: _order,
    dispatch.ServiceOrderAccepted: lambda e: f"服务供给主体 {e.provider_code} 已接单",
    dispatch.ServiceOrderDeclined: lambda e: (
        f"服务供给主体 {e.provider_code} 拒单：{e.reason_code.label_zh}"
    ),
    dispatch.ServiceOrderPaused: _order_change("暂停"),
    dispatch.ServiceOrderResumed: _order_change("恢复"),
    dispatch.ServiceOrderCancelled: _order_change("终止"),
    dispatch.ServiceOrderEscalated: lambda e: (
        f"服务订单提请{e.escalated_to.label_zh}处理（{e.kind.label_zh}）"
    ),
    dispatch.ServiceDelivered: _delivered,
    dispatch.ServicePlanRecorded: _plan,
    dispatch.ServiceRecordRefused: lambda e: f"服务记录不予认可：{e.reason_code.label_zh}",
    settlement.LedgerLinePosted: _ledger,
    settlement.SpotCheckSampled: lambda e: f"服务记录被抽中进行 {e.year} 年度抽查",
    settlement.SpotCheckRecorded: lambda e: f"抽查结果：{e.outcome.label_zh}（{e.checked_on}）",
    supervision.ComplaintOpened: _complaint,
    supervision.ComplaintEscalated: _complaint_escalated,
    supervision.ComplaintResolved: _complaint_resolved,
    supervision.InspectionRecorded: _inspection,
}

#: The events that go into a person's history.
HISTORY_EVENTS: tuple[type[Event], ...] = tuple(_LINES)


def summary(event: Event) -> str:
    """The history line of an event (its type name for an event without one)."""
    line = _LINES.get(type(event))
    return line(event) if line is not None else event.event_type


def person_of(event: Event) -> uuid.UUID | None:
    """Whose file an event belongs in: a person's event names them; an inspection may (a visit
    to a provider names no one and belongs in no file)."""
    if isinstance(event, supervision.InspectionRecorded):
        return event.person_id
    return uuid.UUID(event.subject_key)
