"""The day-2 playbooks (playbooks/ops): syntax against the local SSM inventory, and their batch planning.

Nothing here connects to a host (the emulator runs no SSM agent): `--tags plan` runs only the always-tagged planning
and batch checks, which run on the controller.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests/fixtures"))
import ssm_hosts  # noqa: E402

PLAYBOOKS = ["patch", "rotate", "logs", "shell"]


def ansible_playbook(emulator_url: str, playbook: str, *args: str) -> subprocess.CompletedProcess:
    env = dict(
        os.environ,
        KSTORE_EMULATOR_PORT=str(urlparse(emulator_url).port),
        ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
        ANSIBLE_NOCOLOR="1",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    return subprocess.run(
        ["ansible-playbook", "-i", "inventories/local/ssm.yml", f"playbooks/ops/{playbook}.yml", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def hosts(emulator: Any) -> dict:
    emulator.reset()
    return ssm_hosts.prepare(emulator.url, count=8)


@pytest.mark.parametrize("playbook", PLAYBOOKS)
def test_syntax(emulator: Any, hosts: dict, playbook: str) -> None:
    proc = ansible_playbook(emulator.url, playbook, "--syntax-check")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _batches(stdout: str) -> list[list[str]]:
    """Hosts of each batch of the second play, from the check task's `ok: [host -> localhost]` lines."""
    return [[line] for line in re.findall(r"ok: \[(i-[0-9a-f]+) -> localhost\]", stdout)]


def _plan(stdout: str) -> str:
    return re.search(r"msg: (\d+ host\(s\) in batches of .*)", stdout).group(1)


def test_patch_goes_one_az_at_a_time_within_the_share(emulator: Any, hosts: dict) -> None:
    proc = ansible_playbook(emulator.url, "patch", "--tags", "plan")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # 8 online cluster hosts + the managed instance outside the cluster is not in ecs_container_instances
    assert "8 host(s) in batches of 2, 2, 2, 2 (at most 2 = 25 %, one AZ at a time)" in _plan(proc.stdout)
    assert len(_batches(proc.stdout)) == 4


def test_patch_share_is_configurable_but_capped(emulator: Any, hosts: dict) -> None:
    proc = ansible_playbook(emulator.url, "patch", "--tags", "plan", "-e", "ops_max_share=50")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "batches of 4, 4 (at most 4 = 50 %" in _plan(proc.stdout)
    refused = ansible_playbook(emulator.url, "patch", "--tags", "plan", "-e", "ops_max_share=60")
    assert refused.returncode != 0
    assert "must be a whole percentage from 1 to 50" in refused.stdout


def test_an_overridden_serial_is_refused(emulator: Any, hosts: dict) -> None:
    proc = ansible_playbook(emulator.url, "patch", "--tags", "plan", "-e", json.dumps({"ops__batch_sizes": [5]}))
    assert proc.returncode != 0
    assert "This batch holds 5 of 8 hosts (at most 2 allowed" in proc.stdout


def test_logs_batches_may_span_azs(emulator: Any, hosts: dict) -> None:
    proc = ansible_playbook(emulator.url, "logs", "--tags", "plan")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "8 host(s) in batches of 2, 2, 2, 2 (at most 2 = 25 %)" in _plan(proc.stdout)


def test_shell_needs_a_command(emulator: Any, hosts: dict) -> None:
    proc = ansible_playbook(emulator.url, "shell")
    assert proc.returncode != 0
    assert "Set shell_console_args" in proc.stdout
    wrong_host = ansible_playbook(
        emulator.url, "shell", "-e", json.dumps({"shell_console_args": ["cache:clear"], "shell_host": "i-nope"})
    )
    assert wrong_host.returncode != 0
    assert "shell_host (i-nope) is not a host of ecs_container_instances" in wrong_host.stdout


def test_no_host_is_not_blamed_on_the_share(emulator: Any, hosts: dict) -> None:
    for playbook, extra in (("patch", {}), ("logs", {}), ("shell", {"shell_console_args": ["cache:clear"]})):
        proc = ansible_playbook(
            emulator.url, playbook, "--tags", "plan", "-e", json.dumps({**extra, "ops_hosts": "no_such_group"})
        )
        assert proc.returncode != 0, playbook
        output = " ".join(proc.stdout.split())
        assert "No host matched ops_hosts (no_such_group)" in output, output
        assert "must be a whole percentage" not in output, output


# Against the cluster tier converged for real (tests/integration/conftest.py: converged_cluster), not hosts made by
# tests/fixtures/ssm_hosts.py.


def test_patch_plans_the_cluster_tier_instances(converged_cluster: Any) -> None:
    proc = ansible_playbook(converged_cluster.url, "patch", "--tags", "plan")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 host(s) in batches of 1, 1 (at most 1 = 25 %, one AZ at a time)" in _plan(proc.stdout)
    assert len(_batches(proc.stdout)) == 2


def test_shell_resolves_the_platform_not_the_os(converged_cluster: Any) -> None:
    """platform_name in a play over SSM hosts is the platform's (group_vars/all), not SSM's OS name."""
    proc = ansible_playbook(
        converged_cluster.url, "shell", "--tags", "plan", "-e", json.dumps({"shell_console_args": ["cache:clear"]})
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    output = " ".join(proc.stdout.split())
    assert "in the running kstore-local-shop container on i-" in output, output
    assert "(ECS cluster kstore-local-cluster)" in output, output
    assert "Amazon Linux" not in output, output


def test_cluster_name_fallback_on_the_hosts(converged_cluster: Any) -> None:
    """ops_cluster_name (vars/ops.yml), the cluster when the inventory names none, as a play over the hosts sees it."""
    env = dict(
        os.environ,
        KSTORE_EMULATOR_PORT=str(urlparse(converged_cluster.url).port),
        ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_CALLBACK_RESULT_FORMAT="json",
    )
    proc = subprocess.run(
        [
            str(Path(sys.executable).parent / "ansible"),
            *("ecs_container_instances", "-i", "inventories/local/ssm.yml", "-e", "@playbooks/ops/vars/ops.yml"),
            *("-m", "ansible.builtin.debug", "-a", "var=ops_cluster_name"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count('"ops_cluster_name": "kstore-local-cluster"') == 2, proc.stdout
