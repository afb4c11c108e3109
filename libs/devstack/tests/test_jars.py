from __future__ import annotations

import time
from pathlib import Path

import pytest

from devstack.jars import MARKER, ensure_jars, jars_ready, kafka_version, pom_path
from devstack.procs import DevstackError

pytestmark = pytest.mark.integration


def test_cached_jars_are_reused_without_maven(repo_root: Path) -> None:
    libs = ensure_jars(repo_root=repo_root)
    started = time.monotonic()
    assert ensure_jars(libs, repo_root=repo_root) == libs
    assert time.monotonic() - started < 0.5
    assert jars_ready(libs, pom_path(repo_root))
    assert kafka_version(libs).startswith("4.")
    assert any(libs.glob("slf4j-simple-*.jar"))


def test_maven_failure_raises_with_its_output(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "deploy/local/kafka").mkdir(parents=True)
    (repo / "deploy/local/kafka/pom.xml").write_text("<project><broken></project>")
    cache = tmp_path / "libs"
    with pytest.raises(DevstackError, match=r"(?s)maven \(fetching Kafka jars\) failed.*pom"):
        ensure_jars(cache, repo_root=repo)
    assert not (cache / MARKER).exists()
    assert not list(tmp_path.glob("libs.*"))  # staging and build dirs cleaned up
