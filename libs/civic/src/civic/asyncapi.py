"""AsyncAPI documents of the services, generated from the code by ``faststream docs gen``."""

from __future__ import annotations

from faststream import FastStream
from faststream.specification import AsyncAPI

from civic.runtime import Runtime

#: Settings that let a service be wired for documentation without any server.
DOCS_ENV = {
    "environment": "local",
    "database_url": "postgresql+asyncpg://docs@127.0.0.1:5432/docs",
    "auth_public_key_pem": "not-used-for-docs",
    "kafka_password": "not-used-for-docs",
    "kafka_ca_file": "not-read-for-docs.pem",
    "provisioner_password": "not-used-for-docs",  # dispatch's second principal
    "sealing_master_keys_dir": "not-read-for-docs",  # no key is loaded while documenting
    "asyncapi_docs": True,
}


def specification_app(runtime: Runtime, *, title: str, description: str) -> FastStream:
    """Wraps the service's broker in a FastStream app whose schema is its AsyncAPI."""
    spec = AsyncAPI(title=title, version="1.0.0", description=description)
    return FastStream(runtime.broker, specification=spec)
