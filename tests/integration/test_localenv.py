"""tools/localenv: starts and stops the emulator idempotently, and says clearly what is in the way."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCALENV = str(ROOT / "tools/localenv")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def localenv(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["/bin/bash", LOCALENV, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_emulator_up_is_idempotent_and_down_stops_it(tmp_path: Path) -> None:
    port = _free_port()
    env = dict(os.environ, KSTORE_EMULATOR_PORT=str(port), KSTORE_STATE_DIR=str(tmp_path))
    try:
        first = localenv("up", "emulator", env=env)
        assert first.returncode == 0, first.stderr
        assert "is ready" in first.stdout
        second = localenv("up", "emulator", env=env)
        assert second.returncode == 0 and "already running" in second.stdout
        status = localenv("status", "emulator", env=env)
        assert status.returncode == 0 and f"127.0.0.1:{port}" in status.stdout
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_kstore/health", timeout=5) as resp:
            assert "ec2_natgateway_tag_resource_type" in json.load(resp)["patches"]
    finally:
        down = localenv("down", "emulator", env=env)
    assert down.returncode == 0 and "emulator stopped" in down.stdout
    status = localenv("status", "emulator", env=env)
    assert status.returncode == 1 and "emulator  down" in status.stdout


def test_a_taken_port_is_named(tmp_path: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        env = dict(os.environ, KSTORE_EMULATOR_PORT=str(port), KSTORE_STATE_DIR=str(tmp_path))
        result = localenv("up", "emulator", env=env)
    assert result.returncode == 1
    assert f"port {port} for the emulator is taken by" in result.stderr
    assert "KSTORE_EMULATOR_PORT" in result.stderr


def test_a_missing_program_names_its_debian_package(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("dirname", "mkdir", "curl"):  # all that runs before the registry's program is looked up
        (bin_dir / tool).symlink_to(shutil.which(tool))
    env = dict(
        os.environ, PATH=str(bin_dir), KSTORE_REGISTRY_PORT=str(_free_port()), KSTORE_STATE_DIR=str(tmp_path / "s")
    )
    result = localenv("up", "registry", env=env)
    assert result.returncode == 1
    assert "install the Debian package 'docker-registry'" in result.stderr


def test_missing_venv_points_at_a_make_target_that_exists(tmp_path: Path) -> None:
    env = dict(
        os.environ,
        KSTORE_EMULATOR_PORT=str(_free_port()),
        KSTORE_STATE_DIR=str(tmp_path / "state"),
        KSTORE_VENV=str(tmp_path / "no-venv"),
    )
    result = localenv("up", "emulator", env=env)
    assert result.returncode != 0
    assert "run 'make deps' first" in result.stderr, result.stderr
    dry_run = subprocess.run(["make", "-n", "deps"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert dry_run.returncode == 0 and "tools/install-deps" in dry_run.stdout, dry_run.stderr


def test_registry_purge_forgets_a_repository(tmp_path: Path) -> None:
    env = dict(os.environ, KSTORE_REGISTRY_PORT=str(_free_port()), KSTORE_STATE_DIR=str(tmp_path))
    try:
        assert localenv("up", "registry", env=env).returncode == 0
        repo = tmp_path / "registry/data/docker/registry/v2/repositories/kstore-local-prestashop/_manifests/tags"
        repo.mkdir(parents=True)
        purged = localenv("registry-purge", "kstore-local-prestashop", env=env)
        assert purged.returncode == 0, purged.stderr
        assert "repository kstore-local-prestashop purged" in purged.stdout
        assert not repo.parents[1].exists()
        again = localenv("registry-purge", "kstore-local-prestashop", env=env)
        assert again.returncode == 0 and "no repository kstore-local-prestashop" in again.stdout
        refused = localenv("registry-purge", "../escape", env=env)
        assert refused.returncode != 0 and "bad repository name" in refused.stderr
    finally:
        localenv("down", "registry", env=env)
