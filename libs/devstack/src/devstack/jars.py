"""Fetches the Apache Kafka broker jars from Maven Central (deploy/local/kafka/pom.xml)."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
from pathlib import Path

from devstack.procs import DevstackError, find_repo_root, run_checked

MARKER = ".devstack-complete"


def pom_path(repo_root: Path | None = None) -> Path:
    """The pom.xml that lists the broker runtime."""
    return (repo_root or find_repo_root()) / "deploy" / "local" / "kafka" / "pom.xml"


def default_cache_dir(repo_root: Path | None = None) -> Path:
    """``$DEVSTACK_KAFKA_LIBS`` or ``<repo>/.state/kafka-libs``."""
    override = os.environ.get("DEVSTACK_KAFKA_LIBS")
    if override:
        return Path(override).expanduser().resolve()
    return (repo_root or find_repo_root()) / ".state" / "kafka-libs"


def _fingerprint(pom: Path) -> str:
    return hashlib.sha256(pom.read_bytes()).hexdigest()


def jars_ready(cache_dir: Path, pom: Path) -> bool:
    """True when ``cache_dir`` holds the jars produced from this exact pom."""
    marker = cache_dir / MARKER
    if not marker.is_file() or not any(cache_dir.glob("kafka_2.13-*.jar")):
        return False
    return marker.read_text().strip() == _fingerprint(pom)


def _run_maven(pom: Path, out_dir: Path) -> None:
    if shutil.which("mvn") is None:
        raise DevstackError("maven (mvn) is not installed; apt-get install -y maven openjdk-17-jdk")
    build_dir = out_dir.parent / f"{out_dir.name}.build"
    shutil.rmtree(build_dir, ignore_errors=True)
    build_dir.mkdir(parents=True)
    # Maven writes target/ next to the pom; building a copy keeps the repo tree clean.
    shutil.copy2(pom, build_dir / "pom.xml")
    try:
        run_checked(
            ["mvn", "-B", "-q", "-Dstyle.color=never", "package", f"-Dkafka.libs.dir={out_dir}"],
            what="maven (fetching Kafka jars)",
            cwd=build_dir,
            timeout=900,
        )
    finally:
        shutil.rmtree(build_dir, ignore_errors=True)


def ensure_jars(cache_dir: Path | None = None, *, repo_root: Path | None = None) -> Path:
    """Returns a directory of Kafka broker jars, running Maven only when they are missing."""
    pom = pom_path(repo_root)
    cache_dir = (cache_dir or default_cache_dir(repo_root)).resolve()
    if jars_ready(cache_dir, pom):
        return cache_dir
    cache_dir.parent.mkdir(parents=True, exist_ok=True)
    lock_path = cache_dir.parent / f".{cache_dir.name}.lock"
    with lock_path.open("w") as lock:
        # Two test sessions may race to fill the cache; the second waits and reuses it.
        fcntl.flock(lock, fcntl.LOCK_EX)
        if jars_ready(cache_dir, pom):
            return cache_dir
        staging = cache_dir.parent / f"{cache_dir.name}.tmp-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        try:
            _run_maven(pom, staging)
            if not any(staging.glob("kafka_2.13-*.jar")):
                raise DevstackError(f"maven finished but left no kafka_2.13 jar in {staging}")
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        (staging / MARKER).write_text(_fingerprint(pom) + "\n")
        shutil.rmtree(cache_dir, ignore_errors=True)
        staging.rename(cache_dir)
    return cache_dir


def kafka_version(libs_dir: Path) -> str:
    """The Kafka version of the jars in ``libs_dir`` (from the kafka_2.13 jar name)."""
    for jar in libs_dir.glob("kafka_2.13-*.jar"):
        stem = jar.name.removeprefix("kafka_2.13-").removesuffix(".jar")
        if stem[:1].isdigit():
            return stem
    raise DevstackError(f"no kafka_2.13 jar in {libs_dir}")
