"""The two kinds of channel a county configures, both plain HTTP (httpx):

* an SMS gateway's API: ``POST endpoint`` ``{"phone", "template_code", "params",
  "reference", "callback_url"}``;
* WeChat template messages: ``POST endpoint`` ``{"touser": openid, "template_id",
  "data": {key: {"value": ...}}, "client_msg_id", "callback_url"}``; WeChat answers 200
  with ``errcode`` (0 sent, -1 busy: try again, anything else refused).

Every body is signed with the channel's secret (``X-Signature: sha256=<hex HMAC>``), and the
gateway signs its delivery receipts the same way (``verify``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from civic.notify.rules import ChannelKind, Verdict, verdict_of_status

SIGNATURE_HEADER = "X-Signature"


@dataclass(frozen=True)
class ChannelConfig:
    """A county's channel: where to send, which template serves each purpose, the secret."""

    county_code: str
    kind: ChannelKind
    endpoint_url: str
    templates: Mapping[str, str]
    secret: str = field(repr=False)


@dataclass(frozen=True)
class Delivery:
    """One message as the channel needs it (the address opened only for this call)."""

    message_id: uuid.UUID
    address: str = field(repr=False)
    template_code: str
    params: Mapping[str, str]
    callback_url: str | None


@dataclass(frozen=True)
class Attempt:
    """What one attempt came to: the verdict, the gateway's reference, or why not."""

    verdict: Verdict
    gateway_ref: str | None = None
    error: str | None = None


def sign(secret: str, body: bytes) -> str:
    """The signature header value of ``body``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, signature: str | None) -> bool:
    """True if ``signature`` is the channel's signature of ``body``."""
    return bool(signature) and hmac.compare_digest(signature or "", sign(secret, body))


def body_of(kind: ChannelKind, delivery: Delivery) -> dict[str, Any]:
    """What the channel's API takes for one message."""
    reference = str(delivery.message_id)
    if kind is ChannelKind.WECHAT:
        return {
            "touser": delivery.address,
            "template_id": delivery.template_code,
            "data": {k: {"value": v} for k, v in delivery.params.items()},
            "client_msg_id": reference,
            "callback_url": delivery.callback_url,
        }
    return {
        "phone": delivery.address,
        "template_code": delivery.template_code,
        "params": dict(delivery.params),
        "reference": reference,
        "callback_url": delivery.callback_url,
    }


async def deliver(client: httpx.AsyncClient, config: ChannelConfig, delivery: Delivery) -> Attempt:
    """Hands one message to the county's channel; never raises for the channel's faults."""
    body = json.dumps(body_of(config.kind, delivery), ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(config.secret, body)}
    try:
        answer = await client.post(config.endpoint_url, content=body, headers=headers)
    except httpx.TimeoutException as exc:
        return Attempt(Verdict.RETRY, error=f"timeout: {type(exc).__name__}")
    except httpx.TransportError as exc:
        return Attempt(Verdict.RETRY, error=f"connection: {type(exc).__name__}")
    verdict = verdict_of_status(answer.status_code)
    if verdict is not Verdict.SENT:
        return Attempt(verdict, error=f"HTTP {answer.status_code}: {answer.text[:200]}")
    return _accepted(config.kind, answer)


def _accepted(kind: ChannelKind, answer: httpx.Response) -> Attempt:
    try:
        said = answer.json()
    except ValueError:
        said = {}
    said = said if isinstance(said, dict) else {}
    if kind is ChannelKind.WECHAT:
        code = said.get("errcode", 0)
        if code == -1:
            return Attempt(Verdict.RETRY, error="wechat errcode -1 (busy)")
        if code != 0:
            return Attempt(Verdict.FAIL, error=f"wechat errcode {code}: {said.get('errmsg')}")
        ref = said.get("msgid")
    else:
        ref = said.get("message_id")
    return Attempt(Verdict.SENT, gateway_ref=None if ref is None else str(ref))
