"""The two channels' request bodies and signatures (pure; the HTTP path is tested against
devstack's real gateway in dispatch's integration test)."""

from __future__ import annotations

import uuid

import pytest

from civic.notify.channels import Delivery, body_of, sign, verify
from civic.notify.model import Outgoing
from civic.notify.rules import ChannelKind

pytestmark = pytest.mark.unit

MESSAGE = uuid.UUID("00000000-0000-0000-0000-000000000001")
DELIVERY = Delivery(MESSAGE, "13812345678", "SMS_1", {"code": "AB12"}, "http://cb/x")


def test_an_sms_carries_phone_template_code_and_params() -> None:
    assert body_of(ChannelKind.SMS, DELIVERY) == {
        "phone": "13812345678",
        "template_code": "SMS_1",
        "params": {"code": "AB12"},
        "reference": str(MESSAGE),
        "callback_url": "http://cb/x",
    }


def test_a_wechat_message_carries_openid_template_id_and_data() -> None:
    body = body_of(ChannelKind.WECHAT, DELIVERY)
    assert (body["touser"], body["template_id"]) == ("13812345678", "SMS_1")
    assert body["data"] == {"code": {"value": "AB12"}}


def test_signatures_verify_only_with_the_secret_and_the_same_body() -> None:
    signature = sign("s3cret", b"{}")
    assert verify("s3cret", b"{}", signature)
    assert not verify("other", b"{}", signature)
    assert not verify("s3cret", b"{ }", signature)
    assert not verify("s3cret", b"{}", None)


def test_the_address_is_not_in_a_delivery_repr() -> None:
    assert "13812345678" not in repr(DELIVERY)


def test_an_outgoing_message_refuses_personal_data() -> None:
    with pytest.raises(ValueError):
        Outgoing("k", "u", "341702", "341702001", "decision", {"id": "34170219800101001X"})
