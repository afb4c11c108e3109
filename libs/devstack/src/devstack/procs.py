"""Process, port and path helpers shared by the launchers."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Coroutine, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from civic import clock

T = TypeVar("T")


class DevstackError(RuntimeError):
    """A component of the local stack could not be prepared, started or stopped."""


def find_repo_root(start: Path | None = None) -> Path:
    """Walks up from ``start`` (default: cwd) to the directory with ``services/`` and ``libs/``."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "services").is_dir() and (candidate / "libs").is_dir():
            return candidate
    package_root = Path(__file__).resolve().parents[4]
    if (package_root / "services").is_dir() and (package_root / "libs").is_dir():
        return package_root
    raise DevstackError(f"no repository root (a directory with services/ and libs/) above {here}")


def port_open(port: int, host: str = "127.0.0.1", timeout: float = 0.3) -> bool:
    """True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


#: Ports handed out by ``free_port`` in the last hours, one empty file each, shared by every
#: process on the machine (a CI run starts several test stacks at once).
PORT_CLAIMS = Path(tempfile.gettempdir()) / "devstack-port-claims"
_CLAIM_TTL_S = 6 * 3600


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is unused now and that no other process of this machine
    was handed in the last hours.

    The kernel's free port is free only until someone binds it; two test stacks starting
    together were handed the same one, and one stack's dispatch answered for another's. A
    claim file created exclusively makes the hand-out unique across processes."""
    PORT_CLAIMS.mkdir(exist_ok=True)
    for _ in range(200):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        if _claim(PORT_CLAIMS / str(port)):
            return port
    raise DevstackError("no free TCP port left to claim")


def _claim(path: Path) -> bool:
    with contextlib.suppress(FileNotFoundError):
        if clock.now().timestamp() - path.stat().st_mtime > _CLAIM_TTL_S:
            path.unlink(missing_ok=True)  # a claim of hours ago: that stack is gone
    try:
        path.touch(exist_ok=False)
    except FileExistsError:
        return False
    return True


def read_pid(pid_file: Path) -> int | None:
    """The pid stored in ``pid_file``, or None when absent or unreadable."""
    try:
        return int(pid_file.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def pid_alive(pid: int | None, marker: str | None = None) -> bool:
    """True when ``pid`` runs (not a zombie) and, if given, its command line contains ``marker``."""
    if pid is None or pid <= 0:
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return False
    if stat.rsplit(")", 1)[-1].split()[0] in ("Z", "X"):
        return False
    return marker is None or marker in cmdline


def running(proc: subprocess.Popen[bytes] | None, pid: int | None, marker: str | None) -> bool:
    """True while a process runs: our own child by its handle, else by pid and command line.

    Right after spawning, the child's command line is still the parent's until it execs,
    so a check by command line alone would call a slow-starting child dead.
    """
    if proc is not None:
        return proc.poll() is None
    return pid_alive(pid, marker)


def tail(path: Path, lines: int = 40) -> str:
    """The last ``lines`` lines of a text file ('' when missing)."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def spawn(
    cmd: Sequence[str],
    *,
    log_file: Path,
    pid_file: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> subprocess.Popen[bytes]:
    """Starts ``cmd`` detached in its own session, output appended to ``log_file``."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("ab") as log:
        proc = subprocess.Popen(
            list(cmd),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            start_new_session=True,
        )
    pid_file.write_text(f"{proc.pid}\n")
    return proc


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)


def wait_dead(pid: int, timeout: float, proc: subprocess.Popen[bytes] | None = None) -> bool:
    """Waits until ``pid`` is gone (reaping our own child); True if it died in time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # A zombie leader may still have exiting threads holding sockets; only reaping is final.
        gone = proc.poll() is not None if proc is not None else not pid_alive(pid)
        if gone:
            return True
        time.sleep(0.05)
    return False


def wait_ports_closed(ports: Sequence[int], timeout: float = 10.0) -> None:
    """Waits until nothing accepts connections on ``ports`` (sockets outlive a dying pid)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(port_open(p, timeout=0.1) for p in ports):
        time.sleep(0.05)


def terminate(pid: int, timeout: float = 15.0, proc: subprocess.Popen[bytes] | None = None) -> None:
    """SIGTERM to the process group of ``pid``; SIGKILL if it outlives ``timeout``."""
    _signal_group(pid, signal.SIGTERM)
    if not wait_dead(pid, timeout, proc):
        _signal_group(pid, signal.SIGKILL)
        wait_dead(pid, 5.0, proc)


def children_of(pid: int) -> list[int]:
    """The pids whose parent is ``pid`` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def kill_hard(pid: int, proc: subprocess.Popen[bytes] | None = None) -> None:
    """SIGKILL to the process group of ``pid`` and wait for it to vanish."""
    _signal_group(pid, signal.SIGKILL)
    wait_dead(pid, 5.0, proc)


def run_coro(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Runs a coroutine to completion from sync code, even when this thread already runs a loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(factory())
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(factory())).result()


def run_checked(
    cmd: Sequence[str],
    *,
    what: str,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 600.0,
) -> str:
    """Runs ``cmd`` to completion; raises DevstackError with its output tail when it fails."""
    try:
        done = subprocess.run(
            list(cmd),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise DevstackError(f"{what} timed out after {timeout:.0f}s: {' '.join(cmd)}") from exc
    output = (done.stdout or "") + (done.stderr or "")
    if done.returncode != 0:
        last = "\n".join(output.splitlines()[-30:])
        raise DevstackError(f"{what} failed (exit {done.returncode}):\n{last}")
    return output
