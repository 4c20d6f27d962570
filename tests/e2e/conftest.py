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
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_platform import BASE_IMAGES, ROOT, TIMINGS, LocalPlatform, copy_working_tree, free_port, platform_environment


@pytest.fixture(scope="session")
def local_platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalPlatform]:
    reuse = os.environ.get("KSTORE_E2E_REUSE")
    if reuse:
        checkout = Path(reuse).resolve()
        env = platform_environment(
            checkout,
            int(os.environ.get("KSTORE_EMULATOR_PORT", "4566")),
            int(os.environ.get("KSTORE_REGISTRY_PORT", "5001")),
        )
        state = Path(os.environ.get("KSTORE_STATE_DIR", checkout / ".state"))
        env["KSTORE_STATE_DIR"] = str(state)
        yield LocalPlatform(checkout, env, state, f"http://127.0.0.1:{env['KSTORE_EMULATOR_PORT']}")
        return

    checkout = tmp_path_factory.mktemp("fresh") / "kstore.platform"
    copy_working_tree(checkout)
    emulator_port, registry_port = free_port(), free_port()
    env = platform_environment(checkout, emulator_port, registry_port, (free_port(), free_port()))
    platform = LocalPlatform(checkout, env, checkout / ".state", f"http://127.0.0.1:{emulator_port}")
    for image in BASE_IMAGES:
        subprocess.run(["docker", "image", "rm", image], capture_output=True, check=False)
    platform.runs["before"] = {
        "base_images_present": [
            image
            for image in BASE_IMAGES
            if subprocess.run(["docker", "image", "inspect", image], capture_output=True, check=False).returncode == 0
        ],
        "venv": (checkout / ".venv").exists(),
        "state": (checkout / ".state").exists(),
    }
    platform.runs["first"] = platform.timed("make up (from nothing)", ["make", "up"])
    try:
        yield platform
    finally:
        platform.run(["tools/localenv", "down", "dataplane", "emulator", "registry"], timeout=180)
        report = ROOT / ".state" / "e2e-timings.json"
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(json.dumps(TIMINGS, indent=2) + "\n")
        print("\ne2e wall times (s):", json.dumps(TIMINGS))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests that change the shared platform run last, whatever their names sort as: test_8_deploy.py (a new
    image: the views compare against what make up built), then test_9_destroy.py (removes it)."""
    last = {"test_8_deploy.py": 1, "test_9_destroy.py": 2}
    items.sort(key=lambda item: last.get(item.path.name, 0))
