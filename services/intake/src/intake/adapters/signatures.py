"""The city system's signature on each status report, checked before intake acts on it.

A report arrives on ``assistance.status.v2`` (the signature in the Kafka header
``x-city-signature``) or over HTTP (header ``X-City-Signature``). The signature is a JWS in
compact serialization with detached content (RFC 7515 Appendix F): ``<header>..<signature>``,
ES256 with the city system's P-256 key over the exact bytes of the record value or request
body. The payload is base64url-encoded in the signing input as usual; the unencoded option of
RFC 7797 (``"b64": false``, listed in ``"crit"``) is accepted too. The rule, for the city
system's developers, is in ``libs/contracts/README.md``; ``devstack.journeys.city.sign`` is
a worked example.

``CITY_REPORT_PUBLIC_KEY_FILE`` may hold more than one public key (PEM blocks one after the
other), so the city system can roll its key over without a gap.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from jwt.api_jws import PyJWS
from jwt.utils import base64url_encode

from civic.consumer import Delivery

#: Where the signature travels on Kafka and over HTTP.
KAFKA_HEADER = "x-city-signature"
HTTP_HEADER = "X-City-Signature"
#: The one algorithm accepted: ECDSA on P-256 with SHA-256.
ALGORITHM = "ES256"
#: Far longer than any ES256 signature in compact form (~140 characters).
_MAX_LENGTH = 2048
_PEM_BLOCK = re.compile(r"-----BEGIN PUBLIC KEY-----.+?-----END PUBLIC KEY-----", re.DOTALL)
_jws = PyJWS(algorithms=[ALGORITHM])


class BadKey(ValueError):
    """The configured key is not one or more P-256 public keys in PEM."""


def load_keys(pem: str) -> tuple[ec.EllipticCurvePublicKey, ...]:
    """Every public key in ``pem``; raises BadKey unless there is at least one, all P-256."""
    blocks = _PEM_BLOCK.findall(pem)
    if not blocks:
        raise BadKey("no PEM public key (-----BEGIN PUBLIC KEY-----) found")
    keys = []
    for block in blocks:
        key = load_pem_public_key(block.encode())
        if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
            raise BadKey("the city system's key must be an EC P-256 public key (ES256)")
        keys.append(key)
    return tuple(keys)


class CitySignatures:
    """Verifies the city system's detached ES256 signature over a report's exact bytes."""

    def __init__(self, keys: Sequence[ec.EllipticCurvePublicKey]) -> None:
        if not keys:
            raise BadKey("at least one key is needed")
        self._keys = tuple(keys)

    @classmethod
    def from_pem(cls, pem: str) -> CitySignatures:
        """From the PEM text of one or more public keys."""
        return cls(load_keys(pem))

    def refusal(self, value: bytes, signature: str | None) -> str | None:
        """Why ``signature`` does not vouch for ``value``, or None when it does."""
        if not signature:
            return "bad_city_signature: no signature"
        if len(signature) > _MAX_LENGTH:
            return "bad_city_signature: signature too long"
        parts = signature.strip().split(".")
        if len(parts) != 3 or parts[1] != "":
            return "bad_city_signature: not a detached JWS (<header>..<signature>)"
        try:
            header = jwt.get_unverified_header(signature.strip())
        except jwt.PyJWTError:
            return "bad_city_signature: unreadable JWS header"
        if header.get("alg") != ALGORITHM:
            return f"bad_city_signature: the algorithm must be {ALGORITHM}"
        if not any(self._verifies(parts, header, value, key) for key in self._keys):
            return "bad_city_signature: does not verify with the city system's key"
        return None

    def admit(self, delivery: Delivery) -> str | None:
        """The Kafka consumer's admission check: the signature in ``x-city-signature``."""
        return self.refusal(delivery.value, delivery.headers.get(KAFKA_HEADER))

    @staticmethod
    def _verifies(
        parts: list[str], header: dict[str, object], value: bytes, key: ec.EllipticCurvePublicKey
    ) -> bool:
        try:
            if header.get("b64", True) is False:  # RFC 7797: the payload as it is
                _jws.decode_complete(".".join(parts), key, [ALGORITHM], detached_payload=value)
            else:  # RFC 7515 Appendix F: put the encoded payload back, then verify
                attached = f"{parts[0]}.{base64url_encode(value).decode()}.{parts[2]}"
                _jws.decode_complete(attached, key, [ALGORITHM])
        except jwt.PyJWTError:
            return False
        return True
