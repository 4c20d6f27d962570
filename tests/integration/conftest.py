"""Helpers for the integration tests: run a playbook with the local inventory against the private emulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]

PlaybookRun = Callable[..., subprocess.CompletedProcess]
_TEST_STATE_DIR = tempfile.mkdtemp(prefix="kstore-tests-state-")


def ansible_playbook(
    emulator_url: str, playbook: str | Path, extra_vars: dict[str, Any], *args: str, timeout: int = 300
) -> subprocess.CompletedProcess:
    """``ansible-playbook <playbook> -i inventories/local -e <extra_vars> <args>`` from the checkout, pointed at the
    emulator at ``emulator_url`` (through KSTORE_EMULATOR_PORT, which the local inventory reads, and
    AWS_ENDPOINT_URL)."""
    env = dict(os.environ)
    # The tests' local files (stand-in release, image build folder, summary.json) never land in the checkout's
    # state directory, where they would overwrite what `make up` wrote.
    env.setdefault("KSTORE_STATE_DIR", _TEST_STATE_DIR)
    env.update(
        KSTORE_EMULATOR_PORT=str(urlparse(emulator_url).port),
        AWS_ENDPOINT_URL=emulator_url,
        ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
        ANSIBLE_NOCOLOR="1",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
    )
    return subprocess.run(
        ["ansible-playbook", str(playbook), "-i", "inventories/local", "-e", json.dumps(extra_vars), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="session")
def playbook_against() -> Callable[..., subprocess.CompletedProcess]:
    """``ansible_playbook(emulator_url, playbook, extra_vars, *args, timeout=300)``, for tests that choose the
    emulator themselves (test_audit.py: a module-wide platform, or one already converged elsewhere)."""
    return ansible_playbook


@pytest.fixture()
def run_playbook(clean_emulator: Any, tmp_path: Path) -> PlaybookRun:
    """Run a playbook (a path relative to the checkout, or a list of plays) against the emptied emulator."""

    def run(
        playbook: str | list[dict[str, Any]], extra_vars: dict[str, Any], *args: str
    ) -> subprocess.CompletedProcess:
        if not isinstance(playbook, str):
            path = tmp_path / "playbook.yml"
            path.write_text(json.dumps(playbook))  # JSON is YAML
            playbook = str(path)
        return ansible_playbook(clean_emulator.url, playbook, extra_vars, *args)

    return run


Rejection = Callable[..., None]


@pytest.fixture()
def assert_rejected(clean_emulator: Any) -> Rejection:
    """Check a run that bad input must stop: it failed, its output names each expected text (whitespace folded,
    since Ansible wraps messages), and the emulator saw no AWS request at all."""

    def check(result: subprocess.CompletedProcess, *expected: str) -> None:
        output = " ".join((result.stdout + result.stderr).split())
        assert result.returncode != 0, output
        for text in expected:
            assert text in output, output
        counts = clean_emulator.requests()
        assert counts["total"] == 0, counts

    return check


# The tiers the cluster tier needs, as small as they go: no NAT gateway, no VPC endpoint, no flow logs.
CLUSTER_TIERS = ("network", "security", "cluster")
CLUSTER_VARS = {
    "network_nat_mode": "none",
    "network_flow_logs_enabled": False,
    "network_endpoints": dict.fromkeys(
        ("s3", "ssm", "ssmmessages", "ec2messages", "ecr_api", "ecr_dkr", "logs", "secretsmanager"), False
    ),
}


@pytest.fixture(scope="session")
def converged_cluster(start_emulator: Callable[..., Any], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A private emulator holding the local platform's network, security and cluster tiers (playbooks/<tier>.yml on
    inventories/local, once per session): the Auto Scaling group's 2 instances, registered in kstore-local-cluster
    by tools/container_agent.py and managed by SSM. Read-only for the tests that share it."""
    playbook = tmp_path_factory.mktemp("converged_cluster") / "tiers.yml"
    playbook.write_text(json.dumps([{"import_playbook": str(ROOT / f"playbooks/{t}.yml")} for t in CLUSTER_TIERS]))
    with start_emulator() as converged:
        result = ansible_playbook(converged.url, playbook, CLUSTER_VARS, timeout=600)
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
        yield converged


# Tests that may build the base image (a site.yml preflight, tools/base-image) run last in this session. `make test`
# runs this session beside the end-to-end run, which removes the base image on purpose to prove that `make up`
# builds it on a fresh machine: rebuilt by one of these in between, it would hide that (and the e2e would fail).
LATE = {
    "test_audit.py",
    "test_bench.py",
    "test_collection.py",
    "test_golden_image_base_images.py",
    "test_prestashop_image.py",
}


def pytest_collection_modifyitems(items: list[Any]) -> None:
    items.sort(key=lambda item: item.path.name in LATE)
