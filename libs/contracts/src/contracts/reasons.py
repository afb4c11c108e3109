"""Reason, outcome and kind codes carried by events, each with Chinese labels.

Every list ends in ``other`` so that a producer never needs a new value to say something
unforeseen (adding a value is additive, but old consumers with strict enums would reject it).
"""

from __future__ import annotations

from contracts.labels import ZhEnum, zh_labels


@zh_labels(
    {
        "applicant_request": "申请人撤回",
        "duplicate_application": "重复申请",
        "deceased": "申请人死亡",
        "moved_out": "迁出本地",
        "other": "其他",
    }
)
class WithdrawalReason(ZhEnum):
    """Why an application was withdrawn."""

    APPLICANT_REQUEST = "applicant_request"
    DUPLICATE_APPLICATION = "duplicate_application"
    DECEASED = "deceased"
    MOVED_OUT = "moved_out"
    OTHER = "other"


@zh_labels(
    {
        "identity_mismatch": "身份信息不符",
        "not_reachable": "多次入户未见本人",
        "special_condition_not_confirmed": "特殊情形未核实",
        "no_service_need": "无服务需求",
        "information_untrue": "申请信息不实",
        "other": "其他",
    }
)
class PreliminaryFailReason(ZhEnum):
    """Why the village survey team did not pass an application at preliminary review (初审)."""

    IDENTITY_MISMATCH = "identity_mismatch"
    NOT_REACHABLE = "not_reachable"
    SPECIAL_CONDITION_NOT_CONFIRMED = "special_condition_not_confirmed"
    NO_SERVICE_NEED = "no_service_need"
    INFORMATION_UNTRUE = "information_untrue"
    OTHER = "other"


@zh_labels(
    {
        "category_not_eligible": "不属于服务对象范围",
        "special_condition_missing": "不具备失能半失能、重病或重度残疾情形",
        "no_service_need": "无服务需求",
        "information_untrue": "申请信息不实",
        "duplicate_application": "重复申请",
        "moved_out": "已迁出本地",
        "deceased": "申请人已死亡",
        "other": "其他",
    }
)
class RejectionReason(ZhEnum):
    """Why the township rejected an application at review."""

    CATEGORY_NOT_ELIGIBLE = "category_not_eligible"
    SPECIAL_CONDITION_MISSING = "special_condition_missing"
    NO_SERVICE_NEED = "no_service_need"
    INFORMATION_UNTRUE = "information_untrue"
    DUPLICATE_APPLICATION = "duplicate_application"
    MOVED_OUT = "moved_out"
    DECEASED = "deceased"
    OTHER = "other"


@zh_labels(
    {
        "assistance_stopped": "社会救助终止",
        "assistance_suspended": "社会救助暂停",
        "assistance_resumed": "社会救助恢复",
        "category_reassessed": "救助类别重新认定",
        "moved": "户籍或居住地迁移",
        "deceased": "死亡",
        "entered_institution": "入住供养机构",
        "recipient_request": "本人申请",
        "information_untrue": "信息不实",
        "other": "其他",
    }
)
class StatusChangeReason(ZhEnum):
    """Why a recipient's status changed."""

    ASSISTANCE_STOPPED = "assistance_stopped"
    ASSISTANCE_SUSPENDED = "assistance_suspended"
    ASSISTANCE_RESUMED = "assistance_resumed"
    CATEGORY_REASSESSED = "category_reassessed"
    MOVED = "moved"
    DECEASED = "deceased"
    ENTERED_INSTITUTION = "entered_institution"
    RECIPIENT_REQUEST = "recipient_request"
    INFORMATION_UNTRUE = "information_untrue"
    OTHER = "other"


@zh_labels(
    {
        "recipient_suspended": "服务对象暂停救助",
        "recipient_resumed": "服务对象恢复救助",
        "recipient_stopped": "服务对象停止救助",
        "recipient_deceased": "服务对象死亡",
        "recipient_transferred": "服务对象迁移",
        "category_changed": "服务对象类别变更",
        "item_withdrawn": "服务事项撤销",
        "provider_suspended": "服务供给主体暂停",
        "provider_declined": "服务供给主体拒单",
        "officer_request": "工作人员调整",
        "other": "其他",
    }
)
class OrderChangeReason(ZhEnum):
    """Why a service order was paused, resumed or cancelled."""

    RECIPIENT_SUSPENDED = "recipient_suspended"
    RECIPIENT_RESUMED = "recipient_resumed"
    RECIPIENT_STOPPED = "recipient_stopped"
    RECIPIENT_DECEASED = "recipient_deceased"
    RECIPIENT_TRANSFERRED = "recipient_transferred"
    CATEGORY_CHANGED = "category_changed"
    ITEM_WITHDRAWN = "item_withdrawn"
    PROVIDER_SUSPENDED = "provider_suspended"
    PROVIDER_DECLINED = "provider_declined"
    OFFICER_REQUEST = "officer_request"
    OTHER = "other"


@zh_labels(
    {
        "capacity_full": "服务能力已满",
        "out_of_area": "超出服务区域",
        "item_not_offered": "不提供该服务事项",
        "recipient_refused": "服务对象拒绝",
        "other": "其他",
    }
)
class DeclineReason(ZhEnum):
    """Why a provider declined an order."""

    CAPACITY_FULL = "capacity_full"
    OUT_OF_AREA = "out_of_area"
    ITEM_NOT_OFFERED = "item_not_offered"
    RECIPIENT_REFUSED = "recipient_refused"
    OTHER = "other"


@zh_labels(
    {
        "order_not_active": "服务订单未生效或已停止",
        "recipient_not_active": "服务对象不在册",
        "duplicate_record": "重复记录",
        "outside_order_period": "超出服务期限",
        "item_not_in_order": "非订单服务事项",
        "missing_evidence": "缺少服务凭证",
        "quantity_exceeds_plan": "服务数量超出方案",
        "other": "其他",
    }
)
class RecordRefusalReason(ZhEnum):
    """Why dispatch refused a provider's service record."""

    ORDER_NOT_ACTIVE = "order_not_active"
    RECIPIENT_NOT_ACTIVE = "recipient_not_active"
    DUPLICATE_RECORD = "duplicate_record"
    OUTSIDE_ORDER_PERIOD = "outside_order_period"
    ITEM_NOT_IN_ORDER = "item_not_in_order"
    MISSING_EVIDENCE = "missing_evidence"
    QUANTITY_EXCEEDS_PLAN = "quantity_exceeds_plan"
    OTHER = "other"


@zh_labels(
    {
        "evaluation_failed": "绩效评价不合格",
        "agreement_ended": "服务协议到期或解除",
        "misconduct": "违规服务",
        "voluntary": "主动申请暂停",
        "other": "其他",
    }
)
class ProviderSuspensionReason(ZhEnum):
    """Why a provider was suspended."""

    EVALUATION_FAILED = "evaluation_failed"
    AGREEMENT_ENDED = "agreement_ended"
    MISCONDUCT = "misconduct"
    VOLUNTARY = "voluntary"
    OTHER = "other"


@zh_labels(
    {
        "not_accepted_in_time": "未按时接单",
        "change_not_acknowledged": "变更通知未按时确认",
        "missed_service": "未按方案提供服务",
        "complaint": "投诉",
        "other": "其他",
    }
)
class EscalationKind(ZhEnum):
    """Why an order was escalated to an officer."""

    NOT_ACCEPTED_IN_TIME = "not_accepted_in_time"
    CHANGE_NOT_ACKNOWLEDGED = "change_not_acknowledged"
    MISSED_SERVICE = "missed_service"
    COMPLAINT = "complaint"
    OTHER = "other"


@zh_labels(
    {
        "needs_changed": "服务需求变化",
        "recipient_request": "服务对象本人申请",
        "reassessed": "重新评估",
        "provider_change": "更换服务供给主体",
        "emergency_confirmed": "临时救助经审核确认",
        "other": "其他",
    }
)
class ServiceChangeReason(ZhEnum):
    """Why an active recipient's approved services were changed (及时进行优化、增减)."""

    NEEDS_CHANGED = "needs_changed"
    RECIPIENT_REQUEST = "recipient_request"
    REASSESSED = "reassessed"
    PROVIDER_CHANGE = "provider_change"
    EMERGENCY_CONFIRMED = "emergency_confirmed"
    OTHER = "other"
