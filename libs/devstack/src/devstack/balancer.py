"""One port per service in front of its instances: HAProxy (Debian's package), configured here.

A request goes to an instance whose ``/readyz`` answers 200 (checked every second; two
failures take it out, two successes put it back), round robin among them; a request that
cannot connect is retried on another instance. ``X-Forwarded-For`` carries the caller's
address, so the services' trusted-proxy rule still finds who asked.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

from devstack.children import ChildProcess
from devstack.procs import DevstackError

_DEFAULTS = """\
global
    maxconn 4096

defaults
    mode http
    option forwardfor
    option redispatch
    retries 2
    timeout connect 2s
    timeout client 120s
    timeout server 120s
    timeout http-request 30s
    default-server inter 1s fall 2 rise 2

frontend monitor
    bind 127.0.0.1:{monitor_port}
    monitor-uri /healthz
"""


def haproxy_binary() -> str:
    """The HAProxy program, or a clear error naming the script that installs it."""
    found = shutil.which("haproxy") or (
        "/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None
    )
    if found is None:
        raise DevstackError("HAProxy is missing: run scripts/ensure-haproxy.sh (or make bootstrap)")
    return found


def config(
    fronts: Mapping[str, int], instances: Mapping[str, Sequence[int]], monitor_port: int
) -> str:
    """haproxy.cfg: each service's public port in front of its instances' ports."""
    parts = [_DEFAULTS.format(monitor_port=monitor_port)]
    for name, port in fronts.items():
        servers = "\n".join(
            f"    server {name}-{number} 127.0.0.1:{instance_port} check"
            for number, instance_port in enumerate(instances[name], 1)
        )
        parts.append(
            f"frontend {name}\n    bind 127.0.0.1:{port}\n    default_backend {name}_instances\n\n"
            f"backend {name}_instances\n    balance roundrobin\n"
            f"    option httpchk GET /readyz\n{servers}\n"
        )
    return "\n".join(parts)


class Balancer(ChildProcess):
    """The HAProxy process of a stack whose services run more than one instance."""

    def __init__(self, state_dir: Path, monitor_port: int) -> None:
        self.config_file = state_dir / "haproxy" / "haproxy.cfg"
        super().__init__(
            "haproxy",
            [haproxy_binary(), "-db", "-f", str(self.config_file)],
            port=monitor_port,
            run_dir=state_dir / "run",
            log_file=state_dir / "logs" / "haproxy.log",
            health_path="/healthz",
            marker=str(self.config_file),
        )

    def configure(self, fronts: Mapping[str, int], instances: Mapping[str, Sequence[int]]) -> None:
        """Writes the configuration (before ``start``)."""
        self.config_file.parent.mkdir(parents=True, exist_ok=True)
        self.config_file.write_text(config(fronts, instances, self.port))
