"""Helpers for the emulator tests: boto3 clients and amazon.aws / community.aws module runs against the emulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest

VENV_BIN = Path(sys.executable).parent

AnsibleRuns = Callable[..., list[dict[str, Any]]]


@pytest.fixture()
def aws(clean_emulator: Any) -> Callable[[str], Any]:
    """A boto3 client factory for the (emptied) emulator; AWS_ENDPOINT_URL is already set by ``emulator``."""

    def client(service: str) -> Any:
        return boto3.client(service, region_name="eu-west-1", endpoint_url=clean_emulator.url)

    return client


@pytest.fixture()
def ansible_runs(clean_emulator: Any, tmp_path: Path) -> AnsibleRuns:
    """Run one module on localhost against the (emptied) emulator, once per args dict, as the tasks of one playbook.

    ``first, second = ansible_runs("amazon.aws.backup_vault", args, args)``: the results in order; a failed task
    fails the test.
    """

    def run(module: str, *task_args: dict[str, Any]) -> list[dict[str, Any]]:
        return _run_playbook(module, list(task_args), tmp_path)

    return run


def _run_playbook(module: str, task_args: list[dict[str, Any]], tmp_path: Path) -> list[dict[str, Any]]:
    playbook = tmp_path / "playbook.yml"
    tasks = [{"name": f"run {i}", module: args} for i, args in enumerate(task_args, 1)]
    playbook.write_text(json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}]))
    env = dict(
        os.environ,
        ANSIBLE_LOAD_CALLBACK_PLUGINS="1",
        ANSIBLE_STDOUT_CALLBACK="ansible.posix.json",
        ANSIBLE_PIPELINING="1",
        ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-tmp"),
        ANSIBLE_HOME=str(tmp_path / "ansible-home"),
    )
    command = [
        str(VENV_BIN / "ansible-playbook"),
        *("-i", "localhost,", "-c", "local", "-e", f"ansible_python_interpreter={sys.executable}"),
        str(playbook),
    ]
    proc = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)
    try:
        output = json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise AssertionError(f"ansible-playbook output is not JSON:\n{proc.stdout}\n{proc.stderr}") from None
    results = [task["hosts"]["localhost"] for task in output["plays"][0]["tasks"]]
    for result in results:
        assert not result.get("failed"), result.get("msg", result)
    assert len(results) == len(task_args), results
    return results
