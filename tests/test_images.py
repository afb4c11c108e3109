"""The services' image (one recipe, `deploy/service.Dockerfile`, the build argument SERVICE
names the service) cannot be built here (no Docker engine), so its build stage is replayed
for each service: the files it COPYs go into an empty folder, the same `uv sync` runs there,
and the service must import and list its migrations from what was copied, nothing else."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from devstack.services import SERVICES

pytestmark = pytest.mark.packaging
ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "deploy/service.Dockerfile"
IGNORED = shutil.ignore_patterns("__pycache__", "tests", ".pytest_cache", ".mypy_cache")


def uv_command() -> list[str]:
    """uv as `make bootstrap` installed it: on the PATH, or as a module of the system Python."""
    found = shutil.which("uv")
    return [found] if found else ["python3", "-m", "uv"]


def build_stage(dockerfile: Path, service: str) -> list[list[str]]:
    """The instructions of the first stage for ``service``, each split into words."""
    stage: list[list[str]] = []
    for line in dockerfile.read_text().splitlines():
        words = shlex.split(line.replace("${SERVICE}", service), comments=True)
        if not words:
            continue
        if words[0] == "FROM" and stage:
            break
        stage.append(words)
    return stage


def replay_copies(stage: list[list[str]], into: Path) -> None:
    for words in stage:
        if words[0] != "COPY" or any(w.startswith("--from") for w in words):
            continue
        *sources, target = words[1:]
        for source in sources:
            src = ROOT / source
            if src.is_dir():  # Docker copies a folder's contents into the target
                shutil.copytree(src, into / target, ignore=IGNORED, dirs_exist_ok=True)
            else:
                dest = into / target / src.name if target.endswith("/") else into / target
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dest)


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_the_image_installs_and_starts_from_what_its_dockerfile_copies(
    service: str, tmp_path: Path
) -> None:
    stage = build_stage(DOCKERFILE, service)
    replay_copies(stage, tmp_path)
    (run,) = [w for w in stage if w[0] == "RUN"]
    assert run[1:] == ["uv", "sync", "--locked", "--no-dev", "--package", service]
    env = {
        k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT")
    }
    env |= {"UV_PYTHON_DOWNLOADS": "never", "UV_LINK_MODE": "symlink"}  # speed; read-only use
    subprocess.run(
        [*uv_command(), *run[2:]], cwd=tmp_path, env=env, check=True, capture_output=True
    )
    python = tmp_path / ".venv/bin/python"
    probe = f"import {service}.main, sys; assert callable({service}.main.create_app)"
    subprocess.run([python, "-c", probe], cwd=tmp_path, check=True, capture_output=True)
    history = subprocess.run(
        [tmp_path / ".venv/bin/alembic", "-c", f"services/{service}/alembic.ini", "history"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
    )
    assert "(head)" in history.stdout
    dev_only = subprocess.run([python, "-c", "import pytest"], cwd=tmp_path, capture_output=True)
    assert dev_only.returncode != 0, "test tools must not be in the image"


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_compose_builds_each_service_from_the_one_recipe(service: str) -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    build = compose["services"][service]["build"]
    assert build == {
        "context": ".",
        "dockerfile": "deploy/service.Dockerfile",
        "args": {"SERVICE": service},
    }
    # The final stage's CMD, with SERVICE as the image's environment sets it.
    cmd = " ".join(build_stage_cmd(DOCKERFILE)).replace("$SERVICE", service)
    assert f"services/{service}/alembic.ini upgrade head" in cmd
    assert f"uvicorn {service}.main:create_app --factory" in cmd
    assert "ENV PATH=/app/.venv/bin:$PATH PYTHONUNBUFFERED=1 SERVICE=${SERVICE}" in (
        DOCKERFILE.read_text()
    )


def test_no_service_keeps_a_recipe_of_its_own() -> None:
    assert sorted(ROOT.glob("services/*/Dockerfile")) == []


def build_stage_cmd(dockerfile: Path) -> list[str]:
    """The final stage's CMD, as the JSON list Docker reads."""
    lines = [ln for ln in dockerfile.read_text().splitlines() if ln.startswith("CMD ")]
    loaded: list[str] = yaml.safe_load(lines[-1][4:])
    return loaded


CONSOLE_DOCKERFILE = ROOT / "deploy/console.Dockerfile"


def stages(dockerfile: Path) -> dict[str, list[list[str]]]:
    """Each named stage's instructions, a stage built FROM another one's preceded by them."""
    found: dict[str, list[list[str]]] = {}
    current: list[list[str]] = []
    text = dockerfile.read_text().replace("\\\n", " ")  # continued lines as one
    for line in text.splitlines():
        words = shlex.split(line, comments=True)
        if words and words[0] == "FROM":
            current = list(found.get(words[1], []))  # FROM <an earlier stage>
            found[words[-1]] = current
        elif words:
            current.append(words)
    return found


@pytest.mark.parametrize(
    ("stage", "package", "probe"),
    [
        ("build", "console", "import console.main as m; assert callable(m.create_app)"),
        (
            "dev-sign-in-build",
            "devstack",
            "import devstack.services as s, devstack.oidc_issuer; assert callable(s.dev_sign_in_app)",
        ),
    ],
)
def test_the_console_and_its_sign_in_install_from_what_their_recipe_copies(
    stage: str, package: str, probe: str, tmp_path: Path
) -> None:
    steps = stages(CONSOLE_DOCKERFILE)[stage]
    replay_copies(steps, tmp_path)
    (run,) = [w for w in steps if w[0] == "RUN"]
    assert run[1:] == ["uv", "sync", "--locked", "--no-dev", "--package", package]
    env = {
        k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT")
    }
    env |= {"UV_PYTHON_DOWNLOADS": "never", "UV_LINK_MODE": "symlink"}
    subprocess.run(
        [*uv_command(), *run[2:]], cwd=tmp_path, env=env, check=True, capture_output=True
    )
    python = tmp_path / ".venv/bin/python"
    subprocess.run([python, "-c", probe], cwd=tmp_path, check=True, capture_output=True)
    dev_only = subprocess.run([python, "-c", "import pytest"], cwd=tmp_path, capture_output=True)
    assert dev_only.returncode != 0, "test tools must not be in the image"
    if package == "console":  # the sign-in stays out of the console's image
        has = subprocess.run([python, "-c", "import devstack"], cwd=tmp_path, capture_output=True)
        assert has.returncode != 0


def test_the_console_image_serves_the_locked_htmx_and_echarts_without_migrating() -> None:
    recipe = CONSOLE_DOCKERFILE.read_text()
    assets = " ".join(" ".join(w) for w in stages(CONSOLE_DOCKERFILE)["assets"])
    script = (ROOT / "scripts/ensure-console-assets.sh").read_text()
    # The image and `make bootstrap` install the same lock the same way, and copy the same files.
    assert "npm ci --ignore-scripts" in assets and "npm ci --ignore-scripts" in script
    for built in ("htmx.org/dist/htmx.min.js", "echarts/dist/echarts.min.js"):
        assert f"node_modules/{built}" in assets and f'"{built}"' in script
    assert "COPY --from=assets /assets/vendor services/console/src/console/static/vendor" in recipe
    lock = yaml.safe_load((ROOT / "services/console/package-lock.json").read_text())
    pinned = lock["packages"][""]["dependencies"]
    assert set(pinned) == {"htmx.org", "echarts"}
    assert all(version[0].isdigit() for version in pinned.values()), "exact pins only"
    cmd = " ".join(build_stage_cmd(CONSOLE_DOCKERFILE))
    assert cmd.startswith("uvicorn console.main:create_app --factory") and "alembic" not in cmd
    ignored = (ROOT / ".gitignore").read_text()
    assert "services/console/node_modules/" in ignored
    assert "services/console/src/console/static/vendor/*.js" in ignored
