"""Why a service record is not billed (kept and listed, never dropped), with Chinese labels."""

from __future__ import annotations

from contracts.labels import ZhEnum, zh_labels


@zh_labels(
    {
        "awaiting_recipient": "尚未收到服务对象审核确认信息，待核",
        "awaiting_order": "尚未收到对应服务工单，待核",
        "recipient_not_yet_active": "服务日期早于救助生效日期",
        "recipient_suspended": "服务对象暂停救助期间",
        "recipient_stopped": "服务对象已停止救助",
        "recipient_deceased": "服务对象已死亡",
        "order_not_active": "服务日期不在工单有效期内",
        "order_paused": "服务工单暂停期间",
        "order_cancelled": "服务工单已终止",
        "provider_mismatch": "服务供给主体与工单不符",
        "no_catalogue": "该县(区)服务日期尚无收费标准",
        "item_not_in_catalogue": "收费标准中无此服务事项",
        "unit_mismatch": "计量单位与收费标准不符",
        "no_fee": "收费标准为0元，只记录不结算",
        "unpaid_mode": "慈善救济服务只记录不结算",
        "neighbour_subsidy": "邻里互助服务按年发放补贴，不按月结算",
        "spot_check_failed": "抽查未通过，不予支付",
        "inspection_failed": "检查督查未通过，不予支付",
        "complaint_substantiated": "投诉查证属实，不予支付",
        "item_withdrawn": "服务事项已调整取消，自生效日期起不予结算",
        "fund_restricted": "资金用途不符，待县级处理",
        "fund_refused": "资金用途不符，县级决定不予结算",
    }
)
class NotBillableReason(ZhEnum):
    """Reason a delivered service is not (or no longer) payable."""

    AWAITING_RECIPIENT = "awaiting_recipient"
    AWAITING_ORDER = "awaiting_order"
    RECIPIENT_NOT_YET_ACTIVE = "recipient_not_yet_active"
    RECIPIENT_SUSPENDED = "recipient_suspended"
    RECIPIENT_STOPPED = "recipient_stopped"
    RECIPIENT_DECEASED = "recipient_deceased"
    ORDER_NOT_ACTIVE = "order_not_active"
    ORDER_PAUSED = "order_paused"
    ORDER_CANCELLED = "order_cancelled"
    PROVIDER_MISMATCH = "provider_mismatch"
    NO_CATALOGUE = "no_catalogue"
    ITEM_NOT_IN_CATALOGUE = "item_not_in_catalogue"
    UNIT_MISMATCH = "unit_mismatch"
    NO_FEE = "no_fee"
    UNPAID_MODE = "unpaid_mode"
    NEIGHBOUR_SUBSIDY = "neighbour_subsidy"
    SPOT_CHECK_FAILED = "spot_check_failed"
    INSPECTION_FAILED = "inspection_failed"
    COMPLAINT_SUBSTANTIATED = "complaint_substantiated"
    ITEM_WITHDRAWN = "item_withdrawn"
    #: No fund the county's rules allow may pay it (专款专用): held for the county.
    FUND_RESTRICTED = "fund_restricted"
    #: The county resolved such a hold by refusing it: unpaid for good.
    FUND_REFUSED = "fund_refused"


#: Reasons that may clear once a late event arrives (the record is re-checked then).
WAITING: frozenset[NotBillableReason] = frozenset(
    {NotBillableReason.AWAITING_RECIPIENT, NotBillableReason.AWAITING_ORDER}
)


@zh_labels({"billed": "已计费", "not_billable": "不予结算", "pending": "待核"})
class BillingStatus(ZhEnum):
    """Where a service record stands for payment."""

    BILLED = "billed"
    NOT_BILLABLE = "not_billable"
    PENDING = "pending"
