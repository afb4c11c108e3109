"""Detached child processes with a pid file, a log file and an HTTP readiness URL."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import httpx

from devstack import procs
from devstack.procs import DevstackError


class ChildProcess:
    """A long-running program we start, probe over HTTP and stop by pid file."""

    def __init__(
        self,
        name: str,
        cmd: Sequence[str],
        *,
        port: int,
        run_dir: Path,
        log_file: Path,
        health_path: str,
        marker: str,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.name = name
        self.cmd = list(cmd)
        self.port = port
        self.pid_file = run_dir / f"{name}.pid"
        self.log_file = log_file
        self.health_url = f"http://127.0.0.1:{port}{health_path}"
        self.marker = marker
        self.env = dict(env) if env is not None else None
        self.cwd = cwd
        self._proc: subprocess.Popen[bytes] | None = None

    def pid(self) -> int | None:
        """The pid from the pid file."""
        return procs.read_pid(self.pid_file)

    def alive(self) -> bool:
        """True while our process (checked by command line) exists."""
        return procs.running(self._proc, self.pid(), self.marker)

    def is_running(self) -> bool:
        """True when the process lives and its port accepts connections."""
        return self.alive() and procs.port_open(self.port)

    def start(self) -> None:
        """Spawns the program unless it already runs; refuses a port held by a stranger."""
        if self.alive():
            return
        if procs.port_open(self.port):
            raise DevstackError(f"{self.name}: port {self.port} is taken by another process")
        self._proc = procs.spawn(
            self.cmd, log_file=self.log_file, pid_file=self.pid_file, env=self.env, cwd=self.cwd
        )

    def _ready_once(self, client: httpx.Client) -> bool:
        try:
            return client.get(self.health_url).status_code == 200
        except httpx.HTTPError:
            return False

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Polls the health URL until it answers 200; raises with the log tail otherwise."""
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=2.0) as client:
            while time.monotonic() < deadline:
                if not self.alive():
                    raise DevstackError(
                        f"{self.name} exited during start:\n{procs.tail(self.log_file)}"
                    )
                if self._ready_once(client):
                    return
                time.sleep(0.1)
        raise DevstackError(
            f"{self.name} not ready at {self.health_url} after {timeout:.0f}s:\n"
            f"{procs.tail(self.log_file)}"
        )

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM, then SIGKILL after ``timeout``; removes the pid file."""
        pid = self.pid()
        if pid is not None and self.alive():
            procs.terminate(pid, timeout, self._proc)
            procs.wait_ports_closed([self.port])
        self.pid_file.unlink(missing_ok=True)
        self._proc = None

    def kill_hard(self) -> None:
        """SIGKILL, as a crash would: no shutdown hooks run (for fault tests)."""
        pid = self.pid()
        if pid is not None and self.alive():
            procs.kill_hard(pid, self._proc)
            procs.wait_ports_closed([self.port])
        self.pid_file.unlink(missing_ok=True)
        self._proc = None
