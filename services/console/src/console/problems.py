"""What a service's refusal or absence looks like on a page: Chinese, never a stack trace."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: The services' names as staff know them.
SERVICE_NAMES_ZH = {
    "intake": "申请受理",
    "survey": "入户调查",
    "review": "审核确认",
    "dispatch": "服务派单",
    "settlement": "资金结算",
    "archive": "档案公示",
}
_STATUS_ZH = {
    401: "登录已失效，请重新登录",
    403: "无权执行此操作",
    404: "未找到相关记录",
    409: "当前状态下不能执行此操作",
    413: "提交的内容过大",
    422: "提交的内容有误，请检查后重试",
    429: "操作过于频繁，请稍后重试",
}


@dataclass(frozen=True)
class Shown:
    """A message for the page: a title, its code, and messages per form field."""

    message: str
    code: str
    status: int
    fields: dict[str, str] = field(default_factory=dict)
    unavailable: bool = False


def field_name(path: str) -> str:
    """The form field of a problem's dotted path: ``body.applicant.name`` → ``applicant.name``."""
    parts = path.split(".")
    if parts and parts[0] in ("body", "query", "path"):
        parts = parts[1:]
    # A list item's error (``requested_item_codes.0``) belongs to the list's field.
    while parts and parts[-1].isdigit():
        parts = parts[:-1]
    return ".".join(parts)


def from_problem(status: int, body: Any) -> Shown:
    """Reads an RFC 9457 problem document (or anything else) into a page message."""
    doc = body if isinstance(body, dict) else {}
    message = str(doc.get("detail") or doc.get("title") or _STATUS_ZH.get(status, "操作未成功"))
    fields: dict[str, str] = {}
    for err in doc.get("errors") or []:
        if isinstance(err, dict) and err.get("field"):
            name = field_name(str(err["field"]))
            fields.setdefault(name, str(err.get("message") or "取值无效"))
    return Shown(message, str(doc.get("code") or f"http_{status}"), status, fields)


def unavailable(service: str) -> Shown:
    """The message for a service that is down, slow or failing."""
    name = SERVICE_NAMES_ZH.get(service, service)
    return Shown(f"{name}服务暂不可用，请稍后再试", "service_unavailable", 503, unavailable=True)
