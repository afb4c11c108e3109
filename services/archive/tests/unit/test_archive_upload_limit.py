"""A document upload is limited in size before the uploader's token is checked.

The app runs in-process with no database and no broker: each request here is answered
before a handler, or the token check, runs.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from archive.api.documents import ENVELOPE_BYTES
from archive.main import create_app
from archive.settings import Settings
from civic.asyncapi import DOCS_ENV
from devstack import tokens

from .fakes import NO_KEYS_LOADED

pytestmark = pytest.mark.unit

MiB = 1024 * 1024
CHUNK = 64 * 1024
BOUNDARY = "scan-boundary"
DOCUMENT_MAX = 10 * MiB


class StreamedScan:
    """A multipart upload of one scan, streamed in 64 KiB chunks, counting what was read."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.yielded = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield (
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="kind"\r\n\r\nid_card\r\n'
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="file"; filename="scan.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n%PDF-1.7\n"
        ).encode()
        while self.yielded < self.size:
            if self.yielded > 4 * DOCUMENT_MAX:
                raise RuntimeError(f"archive read {self.yielded} bytes, far past the limit")
            self.yielded += CHUNK
            yield b"x" * CHUNK
        yield f"\r\n--{BOUNDARY}--\r\n".encode()


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    public_key = tokens.ensure_keys(tmp_path).read_text()
    settings = Settings.model_validate(
        {**DOCS_ENV, **NO_KEYS_LOADED, "auth_public_key_pem": public_key}
    )
    assert settings.document_max_bytes == DOCUMENT_MAX
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(settings)), base_url="http://archive"
    ) as c:
        yield c


async def upload(client: httpx.AsyncClient, scan: StreamedScan) -> httpx.Response:
    return await client.post(
        f"/files/{uuid.uuid4()}/documents",
        content=scan,
        headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
    )


async def test_an_unauthenticated_3_gb_upload_is_413_after_reading_about_the_limit(
    client: httpx.AsyncClient,
) -> None:
    scan = StreamedScan(3 * 1024 * MiB)
    got = await upload(client, scan)
    assert got.status_code == 413, got.text
    assert got.json()["code"] == "body_too_large"
    assert scan.yielded <= DOCUMENT_MAX + ENVELOPE_BYTES + CHUNK


async def test_a_declared_length_past_the_upload_limit_is_413_unread(
    client: httpx.AsyncClient,
) -> None:
    got = await client.post(
        f"/files/{uuid.uuid4()}/documents",
        content=b"x" * (DOCUMENT_MAX + ENVELOPE_BYTES + 1),
        headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
    )
    assert got.status_code == 413 and got.json()["code"] == "body_too_large"


async def test_a_scan_past_the_shared_limit_but_within_the_documents_reaches_the_token_check(
    client: httpx.AsyncClient,
) -> None:
    got = await upload(client, StreamedScan(5 * MiB))
    assert got.status_code == 401 and got.json()["code"] == "token_missing"
