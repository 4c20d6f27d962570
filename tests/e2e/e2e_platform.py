"""The local platform of the end-to-end tests: a fresh copy of the checkout, its environment and runner."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
# Every image the Dockerfiles of the project start FROM (tools/base-image builds them locally).
BASE_IMAGES = ("debian:bookworm-slim",)
TIMINGS: dict[str, float] = {}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def copy_working_tree(dest: Path) -> None:
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


def platform_environment(
    checkout: Path, emulator_port: int, registry_port: int, edge_ports: tuple[int, int] | None = None
) -> dict[str, str]:
    """The environment of the README's commands in ``checkout``; ``edge_ports``: the local edge's loopback ports
    (HTTP, HTTPS), default the environment's or 8080/8443."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KSTORE_", "AWS_", "VIRTUAL_ENV", "ANSIBLE_"))}
    # The README's commands start from a shell without the test venv on PATH: make puts the checkout's own first.
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if "/.venv/" not in p)
    env.update(
        KSTORE_EMULATOR_PORT=str(emulator_port),
        KSTORE_REGISTRY_PORT=str(registry_port),
        KSTORE_EDGE_HTTP_PORT=str(edge_ports[0] if edge_ports else os.environ.get("KSTORE_EDGE_HTTP_PORT", "8080")),
        KSTORE_EDGE_HTTPS_PORT=str(edge_ports[1] if edge_ports else os.environ.get("KSTORE_EDGE_HTTPS_PORT", "8443")),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
    )
    env["PATH"] = f"{checkout / '.venv/bin'}{os.pathsep}{env['PATH']}"
    env["ANSIBLE_CONFIG"] = str(checkout / "ansible.cfg")
    return env
