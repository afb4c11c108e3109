"""A PostgreSQL server from the Debian packages, data and socket under a state directory.

Logins over TCP need a password (scram-sha-256): the superuser's and each service's come
from the stack's secrets folder (``db/<name>.password``), made on first run. Each service
gets its own role that owns its own database and nothing else.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import stat
import time
from pathlib import Path

from devstack import procs
from devstack.procs import DevstackError

PG_ROOT = Path("/usr/lib/postgresql")
DB_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
SERVER_SETTINGS = {
    "shared_buffers": "256MB",
    "max_connections": "200",
    "fsync": "on",
    "synchronous_commit": "on",
    "work_mem": "8MB",
    "maintenance_work_mem": "64MB",
    "max_wal_size": "1GB",
    "log_min_duration_statement": "1000",
}
SOCKET_PATH_MAX = 100  # sun_path holds 108 bytes including "/.s.PGSQL.<port>"


def find_bin_dir() -> Path:
    """The newest /usr/lib/postgresql/<major>/bin holding pg_ctl."""
    candidates = [p for p in PG_ROOT.glob("*/bin") if (p / "pg_ctl").exists()]
    if not candidates:
        raise DevstackError(
            "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin; "
            "install them with: apt-get install -y postgresql-15"
        )
    return max(candidates, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)


def _as_postgres(cmd: list[str]) -> list[str]:
    # The server refuses to run as root, so root drops to the packaged postgres user.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def _owner_is_root() -> bool:
    return os.geteuid() == 0


def _open_ancestors(path: Path) -> None:
    # The postgres user must traverse every parent (pytest tmp dirs are 0700 for root).
    for parent in path.parents:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH and parent.stat().st_uid == os.geteuid():
            parent.chmod(mode | stat.S_IXOTH)


class PostgresServer:
    """One PostgreSQL cluster listening on 127.0.0.1:``port``."""

    def __init__(self, state_dir: Path, port: int = 55432, *, secrets_dir: Path) -> None:
        self.state_dir = Path(state_dir).resolve()
        self.port = port
        self.secrets_dir = secrets_dir
        self._bin: Path | None = None

    def password(self, role: str = "postgres") -> str:
        """The role's password from the secrets folder."""
        return (self.secrets_dir / "db" / f"{role}.password").read_text().strip()

    @property
    def data_dir(self) -> Path:
        """PGDATA."""
        return self.state_dir / "data"

    @property
    def log_file(self) -> Path:
        """Server log written by pg_ctl."""
        return self.state_dir / "postgres.log"

    def bin(self, tool: str) -> str:
        """Absolute path of a PostgreSQL program."""
        if self._bin is None:
            self._bin = find_bin_dir()
        return str(self._bin / tool)

    def url(self, dbname: str = "postgres") -> str:
        """SQLAlchemy asyncpg URL of ``dbname`` as the superuser (tests and tools)."""
        return f"postgresql+asyncpg://postgres:{self.password()}@127.0.0.1:{self.port}/{dbname}"

    def service_url(self, name: str) -> str:
        """The URL a service connects with, as its own role (the password comes from a file)."""
        return f"postgresql+asyncpg://{name}@127.0.0.1:{self.port}/{name}"

    def password_file(self, role: str) -> Path:
        """Where the role's password is kept."""
        return self.secrets_dir / "db" / f"{role}.password"

    def _prepare_dirs(self) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        if _owner_is_root():
            _open_ancestors(self.state_dir)
            shutil.chown(self.state_dir, "postgres", "postgres")

    def initdb(self) -> None:
        """Creates the cluster once (trust auth, UTF8, C.UTF-8)."""
        self._prepare_dirs()
        if not (self.data_dir / "PG_VERSION").exists():
            pwfile = self.state_dir / "initdb.pw"  # readable by postgres for initdb only
            pwfile.write_text(self.password())
            if _owner_is_root():
                shutil.chown(pwfile, "postgres", "postgres")
            pwfile.chmod(0o600)
            cmd = [
                self.bin("initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                "postgres",
                # The socket stays trusted (only root and postgres reach it); TCP asks.
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                f"--pwfile={pwfile}",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ]
            try:
                procs.run_checked(_as_postgres(cmd), what="initdb", cwd=self.state_dir, timeout=120)
            finally:
                pwfile.unlink(missing_ok=True)
        self._write_settings()

    def _write_settings(self) -> None:
        settings = dict(SERVER_SETTINGS, port=str(self.port), listen_addresses="'127.0.0.1'")
        socket_dir = str(self.state_dir)
        fits = len(socket_dir) + len(f"/.s.PGSQL.{self.port}") <= SOCKET_PATH_MAX
        settings["unix_socket_directories"] = f"'{socket_dir}'" if fits else "''"
        text = "".join(f"{key} = {value}\n" for key, value in settings.items())
        conf = self.data_dir / "devstack.conf"
        conf.write_text(text)
        main_conf = self.data_dir / "postgresql.conf"
        if "include_if_exists = 'devstack.conf'" not in main_conf.read_text():
            with main_conf.open("a") as fh:
                fh.write("\ninclude_if_exists = 'devstack.conf'\n")
        if _owner_is_root():
            shutil.chown(conf, "postgres", "postgres")

    def pid(self) -> int | None:
        """The postmaster pid from postmaster.pid."""
        return procs.read_pid(self.data_dir / "postmaster.pid")

    def is_running(self) -> bool:
        """True when this cluster's postmaster lives and accepts TCP connections."""
        return procs.pid_alive(self.pid(), "postgres") and procs.port_open(self.port)

    def start(self, timeout: float = 60.0) -> None:
        """initdb if needed, then start and wait (pg_ctl -w); no-op when already running."""
        if procs.pid_alive(self.pid(), "postgres"):
            return
        if procs.port_open(self.port):
            raise DevstackError(f"port {self.port} is taken by another process; pick another")
        self.initdb()
        cmd = [
            self.bin("pg_ctl"),
            "-D",
            str(self.data_dir),
            "-l",
            str(self.log_file),
            "-w",
            "-t",
            str(int(timeout)),
            "start",
        ]
        try:
            procs.run_checked(
                _as_postgres(cmd), what="pg_ctl start", cwd=self.state_dir, timeout=timeout + 10
            )
        except DevstackError as exc:
            raise DevstackError(f"{exc}\n--- server log ---\n{procs.tail(self.log_file)}") from exc

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Blocks until ``select 1`` succeeds over TCP."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.is_running():
                try:
                    self.psql("select 1", timeout=5)
                    return
                except DevstackError:
                    pass
            time.sleep(0.1)
        log = procs.tail(self.log_file)
        raise DevstackError(f"postgres not ready after {timeout:.0f}s:\n{log}")

    def stop(self, timeout: float = 30.0) -> None:
        """Fast shutdown via pg_ctl (rolls back open transactions)."""
        if not procs.pid_alive(self.pid(), "postgres"):
            return
        cmd = [
            self.bin("pg_ctl"),
            "-D",
            str(self.data_dir),
            "-m",
            "fast",
            "-w",
            "-t",
            str(int(timeout)),
            "stop",
        ]
        procs.run_checked(
            _as_postgres(cmd), what="pg_ctl stop", cwd=self.state_dir, timeout=timeout + 10
        )

    def kill_hard(self) -> None:
        """SIGKILL the postmaster and every backend, as a crash would (the next start
        recovers from the write-ahead log)."""
        pid = self.pid()
        if pid is None or not procs.pid_alive(pid, "postgres"):
            return
        children = procs.children_of(pid)
        for victim in (pid, *children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(victim, signal.SIGKILL)
        for victim in (pid, *children):
            procs.wait_dead(victim, 10.0, None)
        procs.wait_ports_closed([self.port])
        # Where nobody reaps orphans (no init in a sandbox) the dead postmaster stays a zombie,
        # and its pid file would make the next one think it still runs.
        (self.data_dir / "postmaster.pid").unlink(missing_ok=True)
        for stale in self.state_dir.glob(f".s.PGSQL.{self.port}*"):
            stale.unlink(missing_ok=True)

    def psql(self, sql: str, dbname: str = "postgres", timeout: float = 30.0) -> str:
        """Runs one SQL command through psql over TCP and returns its unaligned output."""
        cmd = [
            self.bin("psql"),
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-tA",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-d",
            dbname,
            "-c",
            sql,
        ]
        env = dict(os.environ, PGCONNECT_TIMEOUT="5", PGPASSWORD=self.password())
        return procs.run_checked(cmd, what="psql", env=env, timeout=timeout).strip()

    def create_service_database(self, name: str) -> None:
        """A login role ``name`` (password from the secrets) owning database ``name``."""
        if not DB_NAME.match(name):
            raise ValueError(f"database names are lower-case identifiers: {name!r}")
        password = self.password(name).replace("'", "''")
        exists = self.psql(f"select 1 from pg_roles where rolname = '{name}'") == "1"
        verb = "alter" if exists else "create"
        self.psql(f"{verb} role \"{name}\" login password '{password}'")
        if self.create_database(name):
            self.psql(f'alter database "{name}" owner to "{name}"')

    def create_database(self, name: str) -> bool:
        """Creates database ``name`` unless it exists; True if it was created."""
        if not DB_NAME.match(name):
            raise ValueError(f"database names are lower-case identifiers: {name!r}")
        if self.psql(f"select 1 from pg_database where datname = '{name}'") == "1":
            return False
        try:
            self.psql(f'create database "{name}"')
        except DevstackError as exc:
            if "already exists" in str(exc):
                return False
            raise
        return True
