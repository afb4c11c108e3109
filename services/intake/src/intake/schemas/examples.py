"""Example bodies for the OpenAPI document, so an app team sees real shapes (fake people)."""

from __future__ import annotations

from typing import Any

from civic.errors import PROBLEM_RESPONSES
from intake.schemas.common import problem_example

# Valid-looking but invented ID numbers (correct check characters, 贵池区 region code).
APPLICATION: dict[str, Any] = {
    "wechat": {
        "summary": "微信公众号提交 (an elder living alone)",
        "value": {
            "channel": "wechat",
            "applicant": {
                "name": "张桂英",
                "id_number": "341702195001010036",
                "phone": "13805661234",
            },
            "household": {"members": []},
            "category": "tekun",
            "special_conditions": ["semi_disabled_elder"],
            "requested_item_codes": ["LC-03", "CL-01"],
            "consent_to_data_use": True,
            "village_code": "341702100201",
        },
    },
    "window": {
        "summary": "乡镇窗口代录 (a marginal family with a seriously ill member)",
        "value": {
            "channel": "window",
            "applicant": {
                "name": "李建国",
                "id_number": "341723196210100034",
                "phone": "0566-2021234",
            },
            "household": {
                "members": [
                    {"relation": "child", "name": "李小红", "id_number": "341702201506010021"}
                ]
            },
            "category": "dibao_marginal",
            "special_conditions": ["seriously_ill"],
            "requested_item_codes": ["HC-01", "CB-01"],
            "consent_to_data_use": True,
            "village_code": "341702100202",
        },
    },
}

DISCOVERY: dict[str, Any] = {
    "found": {
        "summary": "协理员走访发现 (a person who did not apply)",
        "value": {
            "person": {"name": "王秀兰", "id_number": "341702195001010036"},
            "category": "dibao",
            "special_conditions": ["disabled_elder"],
            "need_categories": ["life_care"],
            "requested_item_codes": ["LC-01"],
            "situation_zh": "独居，行动不便，无人照料",
            "village_code": "341702100201",
        },
    }
}

REGISTRATION: dict[str, Any] = {
    "confirm": {
        "summary": "受理登记并分类",
        "value": {
            "category": "tekun",
            "special_conditions": ["semi_disabled_elder"],
            "requested_item_codes": ["LC-03", "CL-01"],
            "need_categories": ["health_care"],
        },
    },
    "verified": {
        "summary": "核实待核实事项后受理登记 (an app's application with checks)",
        "value": {
            "category": "tekun",
            "requested_item_codes": ["LC-03"],
            "checks_verified": True,
        },
    },
}

WITHDRAWAL: dict[str, Any] = {
    "applicant": {"summary": "申请人撤回", "value": {"reason_code": "applicant_request"}},
    "moved": {
        "summary": "工作人员登记迁出",
        "value": {"reason_code": "moved_out", "reason_zh": "已随子女迁居外省"},
    },
}

_BAD_ID = problem_example(
    422,
    "bad_check_char",
    "提交的数据未通过校验，未作任何保存",
    errors=[
        {
            "field": "body.applicant.id_number",
            "code": "bad_check_char",
            "message": "身份证号码校验位错误",
        }
    ],
)
# Staff only: an applicant app is never refused this way (its application waits for the
# township with an `open_application` check), and staff see the other application's id only
# when their jurisdiction covers it.
_OPEN = problem_example(
    409,
    "open_application_exists",
    "该申请人已有正在办理的申请，请勿重复提交",
    errors=[
        {
            "field": "body.applicant.id_number",
            "code": "open_application_exists",
            "message": "该申请人已有正在办理的申请，请勿重复提交",
        }
    ],
    extra={"application_id": "0b6f3c52-8d0e-4a55-9a77-2f1f4c8f0e11"},
)


def responses_with(**examples: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    """PROBLEM_RESPONSES with example problem documents for some statuses (e.g. _422=...)."""
    out = {status: dict(spec) for status, spec in PROBLEM_RESPONSES.items()}
    for status, example in examples.items():
        code = int(status.lstrip("_"))
        # FastAPI adds the Problem schema to this media type; the body is sent as
        # application/problem+json, which the description says.
        out[code]["content"] = {"application/json": {"example": example}}
    return out


SUBMIT_RESPONSES = responses_with(_422=_BAD_ID, _409=_OPEN)
