"""Three (or more) Kafka nodes on this machine as one KRaft cluster, secured as one broker is.

Every node is broker and controller; all of them vote. Topics are replicated three times with
``min.insync.replicas=2`` (``Quorum``), so with producers at ``acks=all`` one node may crash
without a write being lost or refused. Clients bootstrap from every node's address.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Sequence
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient

from civic.bus.access import KafkaAccess
from devstack.kafka import KafkaServer, Quorum, access_of, probe
from devstack.procs import run_coro


class KafkaCluster:
    """``len(ports)`` nodes whose files live under ``state_dir/node-<id>``."""

    def __init__(
        self,
        state_dir: Path,
        ports: Sequence[tuple[int, int]],
        *,
        partitions: int = 6,
        libs_dir: Path | None = None,
        secrets_dir: Path | None = None,
    ) -> None:
        self.state_dir = Path(state_dir)
        self.secrets_dir = secrets_dir or self.state_dir / "secrets"
        self.partitions = partitions
        voters = ",".join(f"{i}@127.0.0.1:{ctrl}" for i, (_, ctrl) in enumerate(ports, 1))
        self.quorum = Quorum(replication=min(3, len(ports)))
        self.nodes = [
            KafkaServer(
                self.state_dir / f"node-{node_id}",
                port,
                controller_port,
                partitions=partitions,
                libs_dir=libs_dir,
                secrets_dir=self.secrets_dir,
                quorum=Quorum(node_id, voters, self.quorum.replication),
                cluster_id_file=self.state_dir / "cluster.id",
            )
            for node_id, (port, controller_port) in enumerate(ports, 1)
        ]

    @property
    def libs_dir(self) -> Path | None:
        """The jar directory every node runs from."""
        return self.nodes[0].libs_dir

    @libs_dir.setter
    def libs_dir(self, libs: Path | None) -> None:
        for node in self.nodes:
            node.libs_dir = libs

    @property
    def bootstrap(self) -> str:
        """Every node's host:port, comma separated (a client finds the rest from any one)."""
        return ",".join(node.bootstrap for node in self.nodes)

    def access(self, principal: str = "admin") -> KafkaAccess:
        """How ``principal`` connects to the cluster (SCRAM over TLS with the platform's CA)."""
        return access_of(self.bootstrap, self.secrets_dir, principal)

    def node(self, node_id: int) -> KafkaServer:
        """The node with this id (1-based, as in ``node.id``)."""
        return self.nodes[node_id - 1]

    def pid(self) -> list[int | None]:
        """Each node's pid."""
        return [node.pid() for node in self.nodes]

    def is_running(self) -> bool:
        """True when every node runs and listens."""
        return all(node.is_running() for node in self.nodes)

    def start(self) -> None:
        """Starts every node that is not running; does not wait (they need each other)."""
        for node in self.nodes:
            node.start()

    def wait_ready(self, timeout: float = 90.0) -> None:
        """Blocks until every node answers metadata requests (the quorum has formed)."""
        for node in self.nodes:
            node.wait_ready(timeout)

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM every node at once (each waits for its controlled shutdown)."""
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(self.nodes)) as pool:
            list(pool.map(lambda node: node.stop(timeout), self.nodes))

    def kill_hard(self) -> None:
        """SIGKILL every node, as a power loss would."""
        for node in self.nodes:
            node.kill_hard()

    def under_replicated(self) -> list[str]:
        """``topic/partition`` of every partition with fewer in-sync replicas than replicas."""
        return run_coro(lambda: _under_replicated(self.access()))


async def _under_replicated(access: KafkaAccess) -> list[str]:
    names = await probe(access)
    admin = AIOKafkaAdminClient(**access.aiokafka(), request_timeout_ms=10000)
    await admin.start()
    try:
        described = await admin.describe_topics(names)
    finally:
        await admin.close()
    return sorted(
        f"{topic['topic']}/{part['partition']}"
        for topic in described
        for part in topic["partitions"]
        if len(part["isr"]) < len(part["replicas"])
    )
