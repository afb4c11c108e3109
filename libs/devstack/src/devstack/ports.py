"""Every TCP port of a local stack: fixed (shifted by an offset) for `make up`, free ones for
throwaway test stacks."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping

from devstack import procs
from devstack.services import SERVICES


@dataclasses.dataclass(frozen=True)
class Ports:
    """Every TCP port the stack listens on. With more than one Kafka node, ``kafka_extra``
    holds nodes 2.. (client, controller); with more than one instance per service,
    ``instances`` holds each service's instance ports and ``services`` are the balancer's."""

    kafka: int = 19092
    kafka_controller: int = 19093
    postgres: int = 55432
    sink: int = 14318
    services: Mapping[str, int] = dataclasses.field(default_factory=lambda: dict(SERVICES))
    kafka_extra: tuple[tuple[int, int], ...] = ()
    instances: Mapping[str, tuple[int, ...]] = dataclasses.field(default_factory=dict)
    balancer: int = 14400
    prometheus: int = 9090
    alertmanager: int = 9093

    @property
    def kafka_nodes(self) -> list[tuple[int, int]]:
        """(client, controller) port of every Kafka node."""
        return [(self.kafka, self.kafka_controller), *self.kafka_extra]

    @classmethod
    def offset(cls, delta: int, *, kafka_nodes: int = 1, instances: int = 1) -> Ports:
        """The default ports shifted by ``delta`` (to run a second stack beside the dev one);
        node n's ports are node 1's plus 10·(n−1), instance n's its service's plus 100·n."""
        base = cls()
        services = {name: port + delta for name, port in base.services.items()}
        return cls(
            kafka=base.kafka + delta,
            kafka_controller=base.kafka_controller + delta,
            postgres=base.postgres + delta,
            sink=base.sink + delta,
            services=services,
            kafka_extra=tuple(
                (base.kafka + delta + 10 * n, base.kafka_controller + delta + 10 * n)
                for n in range(1, kafka_nodes)
            ),
            instances=_instance_ports(services, instances, lambda port, n: port + 100 * n),
            balancer=base.balancer + delta,
            prometheus=base.prometheus + delta,
            alertmanager=base.alertmanager + delta,
        )

    @classmethod
    def free(cls, *, kafka_nodes: int = 1, instances: int = 1) -> Ports:
        """Ports the kernel reports unused right now (for throwaway test stacks)."""
        free = procs.free_port
        services = {name: free() for name in SERVICES}
        return cls(
            kafka=free(),
            kafka_controller=free(),
            postgres=free(),
            sink=free(),
            services=services,
            kafka_extra=tuple((free(), free()) for _ in range(1, kafka_nodes)),
            instances=_instance_ports(services, instances, lambda port, n: free()),
            balancer=free(),
            prometheus=free(),
            alertmanager=free(),
        )


def _instance_ports(
    services: Mapping[str, int], count: int, port_of: Callable[[int, int], int]
) -> dict[str, tuple[int, ...]]:
    if count <= 1:
        return {}  # one instance listens on the service's own port, with no balancer
    return {
        name: tuple(port_of(port, n) for n in range(1, count + 1))
        for name, port in services.items()
    }
