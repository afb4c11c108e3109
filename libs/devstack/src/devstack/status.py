"""What `make status` prints: every Kafka node, service instance and helper process of a
stack, running or not, with its address and pid."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from devstack.kafka import KafkaServer
from devstack.kafka_cluster import KafkaCluster
from devstack.services import SERVICES

if TYPE_CHECKING:
    from devstack.stack import Stack


def describe(stack: Stack) -> dict[str, Any]:
    """Running state and addresses of every component of ``stack`` (``make status``)."""
    services = {
        name: {
            "running": all(instance.is_running() for instance in stack.instances(name)),
            "url": stack.service_url(name),
            "instances": [
                {"port": instance.port, "running": instance.is_running(), "pid": instance.pid()}
                for instance in stack.instances(name)
            ],
        }
        for name in SERVICES
    }
    return {
        "state_dir": str(stack.state_dir),
        "kafka": {
            "running": stack.kafka.is_running(),
            "bootstrap": stack.kafka_bootstrap,
            "replication": stack.kafka.quorum.replication,
            "nodes": [
                {"node": node.quorum.node_id, "running": node.is_running(), "pid": node.pid()}
                for node in _nodes(stack.kafka)
            ],
        },
        "balancer": None
        if stack.balancer is None
        else {"running": stack.balancer.is_running(), "pid": stack.balancer.pid()},
        "postgres": {
            "running": stack.postgres.is_running(),
            "dsn": stack.postgres.url(),
            "pid": stack.postgres.pid(),
        },
        "otlp_sink": {
            "running": stack.sink.is_running(),
            "endpoint": f"http://127.0.0.1:{stack.ports.sink}",
            "file": str(stack.sink_file),
            "pid": stack.sink.pid(),
        },
        "jaeger": None if stack.jaeger is None else stack.jaeger.status(),
        "monitoring": _monitoring(stack),
        "services": services,
        # The staff console and its development sign-in (no database, no Kafka).
        "console": {
            process.name: {
                "running": process.is_running(),
                "url": f"http://127.0.0.1:{process.port}",
                "pid": process.pid(),
            }
            for process in stack.console()
        },
    }


def _monitoring(stack: Stack) -> dict[str, Any] | None:
    if not (stack.state_dir / "monitoring").exists():
        return None
    monitoring = stack.monitoring()
    return {
        process.name: {
            "running": process.is_running(),
            "url": f"http://127.0.0.1:{process.port}",
        }
        for process in (monitoring.prometheus, monitoring.alertmanager)
    }


def _nodes(kafka: KafkaServer | KafkaCluster) -> list[KafkaServer]:
    return kafka.nodes if isinstance(kafka, KafkaCluster) else [kafka]
