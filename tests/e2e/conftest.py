"""The local platform as a new user gets it, shared by every end-to-end test (tests/e2e).

The session fixture ``local_platform`` copies the working tree (the files git knows and the untracked ones it
does not ignore: no .venv, no .state, no build/) into a fresh folder, removes the base images from the Docker
engine, and runs the README's first command there, ``make up``, on private emulator and registry ports. So the
tests see exactly what a newcomer on a machine that has never seen the project gets: the venv made from
requirements.txt, the base images built, every tier converged. All tests of the folder share that one converged
platform (one ``make up`` per session: the slowest step is done once); tests/e2e/test_9_destroy.py removes it last.

Reuse an already converged platform while developing (no copy, no ``make up``, no destroy at the end):
    KSTORE_E2E_REUSE=<checkout> KSTORE_EMULATOR_PORT=... KSTORE_REGISTRY_PORT=... pytest tests/e2e
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Every image the Dockerfiles of the project start FROM (tools/base-image builds them locally).
BASE_IMAGES = ("debian:bookworm-slim",)
TIMINGS: dict[str, float] = {}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _copy_working_tree(dest: Path) -> None:
    """The checkout's files as a fresh clone of this working tree would have them (ignored files left out)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for raw in filter(None, listed):
        rel = Path(raw.decode())
        src = ROOT / rel
        if not src.exists() and not src.is_symlink():
            continue  # deleted in the working tree, not yet committed
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            target.symlink_to(os.readlink(src))
        else:
            shutil.copy2(src, target)
    subprocess.run(["git", "init", "-q"], cwd=dest, check=True)  # the linters read .gitignore through git


@dataclass
class LocalPlatform:
    root: Path
    env: dict[str, str]
    state_dir: Path
    emulator_url: str
    runs: dict[str, Any] = field(default_factory=dict)

    def run(self, argv: list[str], timeout: int = 1800) -> subprocess.CompletedProcess:
        """Run a command in the checkout with the platform's environment (output captured as text)."""
        return subprocess.run(
            argv, cwd=self.root, env=self.env, capture_output=True, text=True, timeout=timeout, check=False
        )

    def timed(self, name: str, argv: list[str], timeout: int = 3600) -> subprocess.CompletedProcess:
        """``run`` that records its wall time under ``name`` (printed at the end of the session)."""
        start = time.monotonic()
        result = self.run(argv, timeout=timeout)
        TIMINGS[name] = round(time.monotonic() - start, 1)
        return result

    def boto3_client(self, service: str) -> Any:
        import boto3

        return boto3.client(
            service,
            endpoint_url=self.emulator_url,
            region_name="eu-west-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )


def _environment(checkout: Path, emulator_port: int, registry_port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KSTORE_", "AWS_", "VIRTUAL_ENV", "ANSIBLE_"))}
    # The README's commands start from a shell without the test venv on PATH: make puts the checkout's own first.
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if "/.venv/" not in p)
    env.update(
        KSTORE_EMULATOR_PORT=str(emulator_port),
        KSTORE_REGISTRY_PORT=str(registry_port),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
    )
    env["PATH"] = f"{checkout / '.venv/bin'}{os.pathsep}{env['PATH']}"
    env["ANSIBLE_CONFIG"] = str(checkout / "ansible.cfg")
    return env


@pytest.fixture(scope="session")
def local_platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalPlatform]:
    reuse = os.environ.get("KSTORE_E2E_REUSE")
    if reuse:
        checkout = Path(reuse).resolve()
        env = _environment(
            checkout,
            int(os.environ.get("KSTORE_EMULATOR_PORT", "4566")),
            int(os.environ.get("KSTORE_REGISTRY_PORT", "5001")),
        )
        state = Path(os.environ.get("KSTORE_STATE_DIR", checkout / ".state"))
        env["KSTORE_STATE_DIR"] = str(state)
        yield LocalPlatform(checkout, env, state, f"http://127.0.0.1:{env['KSTORE_EMULATOR_PORT']}")
        return

    checkout = tmp_path_factory.mktemp("fresh") / "kstore.platform"
    _copy_working_tree(checkout)
    emulator_port, registry_port = _free_port(), _free_port()
    env = _environment(checkout, emulator_port, registry_port)
    platform = LocalPlatform(checkout, env, checkout / ".state", f"http://127.0.0.1:{emulator_port}")
    for image in BASE_IMAGES:
        subprocess.run(["docker", "image", "rm", image], capture_output=True, check=False)
    platform.runs["before"] = {
        "base_images_present": [
            image
            for image in BASE_IMAGES
            if subprocess.run(["docker", "image", "inspect", image], capture_output=True).returncode == 0
        ],
        "venv": (checkout / ".venv").exists(),
        "state": (checkout / ".state").exists(),
    }
    platform.runs["first"] = platform.timed("make up (from nothing)", ["make", "up"])
    try:
        yield platform
    finally:
        platform.run(["tools/localenv", "down", "emulator", "registry"], timeout=120)
        report = ROOT / ".state" / "e2e-timings.json"
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(json.dumps(TIMINGS, indent=2) + "\n")
        print("\ne2e wall times (s):", json.dumps(TIMINGS))
