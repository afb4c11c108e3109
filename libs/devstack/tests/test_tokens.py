from __future__ import annotations

from pathlib import Path

import jwt
import pytest

from devstack import tokens

pytestmark = pytest.mark.unit


def test_minted_token_verifies_with_the_public_key(tmp_path: Path) -> None:
    token = tokens.mint(
        tmp_path,
        user_id="u-1",
        roles=["township_reviewer", "viewer"],
        division="341702100",
        name="Zhang San",
        ttl_s=600,
    )
    public = tokens.public_key_path(tmp_path).read_text()
    claims = jwt.decode(
        token,
        public,
        algorithms=["RS256"],
        audience="chizhou-assistance",
        issuer="chizhou-assistance-dev",
    )
    assert claims["sub"] == "u-1"
    assert claims["roles"] == ["township_reviewer", "viewer"]
    assert claims["division"] == "341702100"
    assert claims["provider_code"] is None
    assert claims["exp"] - claims["iat"] == 600
    assert len(claims["jti"]) == 32
    assert jwt.get_unverified_header(token)["alg"] == "RS256"


def test_keys_are_made_once_and_private_key_is_private(tmp_path: Path) -> None:
    tokens.ensure_keys(tmp_path)
    first = tokens.public_key_path(tmp_path).read_bytes()
    tokens.mint(tmp_path, user_id="p", roles=["provider"], provider_code="P001")
    assert tokens.public_key_path(tmp_path).read_bytes() == first
    assert tokens.private_key_path(tmp_path).stat().st_mode & 0o077 == 0


def test_token_from_another_key_is_rejected(tmp_path: Path) -> None:
    token = tokens.mint(tmp_path / "a", user_id="u", roles=["x"])
    tokens.ensure_keys(tmp_path / "b")
    other = tokens.public_key_path(tmp_path / "b").read_text()
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, other, algorithms=["RS256"], audience="chizhou-assistance")


@pytest.mark.parametrize("division", ["3417", "34170210", "34170210020A"])
def test_malformed_division_is_refused(tmp_path: Path, division: str) -> None:
    with pytest.raises(ValueError, match="division"):
        tokens.mint(tmp_path, user_id="u", roles=["x"], division=division)
