"""tests/dataplane: the checkout's root on sys.path, so the data plane imports as ``tools.dataplane``."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


import shutil  # noqa: E402
import subprocess  # noqa: E402

import pytest  # noqa: E402

BASE_IMAGE = "debian:bookworm-slim"


@pytest.fixture(scope="session", autouse=True)
def base_image() -> None:
    """Every data plane image starts FROM the local Debian base image; tools/base-image builds it when missing
    (the end-to-end run removes it on purpose at its start, and may run side by side with these tests)."""
    if (
        shutil.which("docker") is None
        or subprocess.run(["docker", "info"], capture_output=True, check=False).returncode
    ):
        pytest.skip("needs a Docker engine (tools/localenv up docker)")
    if subprocess.run(["docker", "image", "inspect", BASE_IMAGE], capture_output=True, check=False).returncode:
        built = subprocess.run(
            [str(ROOT / "tools" / "base-image")], capture_output=True, text=True, timeout=900, check=False
        )
        assert built.returncode == 0, f"tools/base-image failed:\n{built.stderr[-3000:]}"
