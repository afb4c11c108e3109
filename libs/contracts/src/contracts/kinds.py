"""Kind and outcome codes for archive, settlement and the love doorbell, with Chinese labels."""

from __future__ import annotations

from contracts.labels import ZhEnum, zh_labels


@zh_labels(
    {
        "id_card_copy": "身份证复印件",
        "household_register_copy": "户口本复印件",
        "illness_proof": "疾病证明",
        "disability_certificate": "残疾证",
        "assistance_status_proof": "社会救助对象相关证明",
        "needs_assessment_form": "需求认定表",
        "service_receipt_record": "接受救助服务情况表",
        "service_plan": "服务方案",
        "service_agreement": "服务协议",
        "other": "其他材料",
    }
)
class DocumentKind(ZhEnum):
    """Kind of document in a person's file (一人一档)."""

    ID_CARD_COPY = "id_card_copy"
    HOUSEHOLD_REGISTER_COPY = "household_register_copy"
    ILLNESS_PROOF = "illness_proof"
    DISABILITY_CERTIFICATE = "disability_certificate"
    ASSISTANCE_STATUS_PROOF = "assistance_status_proof"
    NEEDS_ASSESSMENT_FORM = "needs_assessment_form"
    SERVICE_RECEIPT_RECORD = "service_receipt_record"
    SERVICE_PLAN = "service_plan"
    SERVICE_AGREEMENT = "service_agreement"
    OTHER = "other"


@zh_labels({"charge": "结算", "reversal": "冲销", "adjustment": "调整"})
class LedgerLineKind(ZhEnum):
    """Kind of settlement ledger line."""

    CHARGE = "charge"
    REVERSAL = "reversal"
    ADJUSTMENT = "adjustment"


@zh_labels({"monthly": "月度结算", "annual": "年度补贴"})
class StatementPeriod(ZhEnum):
    """Settlement period: monthly to providers, annual for neighbour-aid subsidies."""

    MONTHLY = "monthly"
    ANNUAL = "annual"


@zh_labels(
    {
        "confirmed": "核实无误",
        "discrepancy": "存在偏差",
        "not_delivered": "未提供服务",
        "unreachable": "无法核实",
    }
)
class SpotCheckOutcome(ZhEnum):
    """Result of a county spot check of one service record (抽查)."""

    CONFIRMED = "confirmed"
    DISCREPANCY = "discrepancy"
    NOT_DELIVERED = "not_delivered"
    UNREACHABLE = "unreachable"


@zh_labels({"sms": "短信", "app_push": "APP推送", "voice_call": "语音电话"})
class AlertChannel(ZhEnum):
    """How a love-doorbell alert reached a helper."""

    SMS = "sms"
    APP_PUSH = "app_push"
    VOICE_CALL = "voice_call"
