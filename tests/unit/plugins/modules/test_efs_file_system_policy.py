"""kstore.platform.efs_file_system_policy: the real module code against the real emulator over HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from ansible_collections.kstore.platform.plugins.modules import efs_file_system_policy

# The emulator counts REST calls as "<service>:<METHOD> <path>": a write is a PUT, POST or DELETE.
WRITES = ("PUT", "POST", "DELETE")
ROLE = "arn:aws:iam::123456789012:role/shop-dev-task"
POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Action": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
        {
            "Sid": "TaskRoleThroughAccessPoints",
            "Effect": "Allow",
            "Principal": {"AWS": ROLE},
            "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
        },
    ],
}


@pytest.fixture()
def efs(clean_emulator: Any) -> Any:
    return boto3.client("efs", region_name="eu-west-1", endpoint_url=clean_emulator.url)


@pytest.fixture()
def fs_id(efs: Any, clean_emulator: Any) -> str:
    file_system_id = efs.create_file_system(CreationToken="shop-dev-efs")["FileSystemId"]
    clean_emulator.reset_requests()
    return file_system_id


@pytest.fixture()
def policy_task(run_module: Callable[..., dict], fs_id: str) -> Callable[..., dict]:
    def run(check_mode: bool = False, diff: bool = False, **args: Any) -> dict:
        module_args = {"file_system_id": fs_id, "policy": POLICY, **args}
        module_args = {key: value for key, value in module_args.items() if value is not None}
        return run_module(efs_file_system_policy.main, module_args, check_mode=check_mode, diff=diff)

    return run


def writes(emulator: Any) -> dict[str, int]:
    return {a: n for a, n in emulator.requests()["by_action"].items() if a.split(":", 1)[1].split(" ")[0] in WRITES}


def stored(efs: Any, fs_id: str) -> dict:
    return json.loads(efs.describe_file_system_policy(FileSystemId=fs_id)["Policy"])


def test_set_then_unchanged(policy_task: Callable[..., dict], efs: Any, fs_id: str, clean_emulator: Any) -> None:
    first = policy_task()
    assert first["changed"] is True and first["policy"] == POLICY
    assert stored(efs, fs_id) == POLICY
    clean_emulator.reset_requests()
    # the same policy written differently: statements reordered, a one-element list for a single value
    reordered = {"Version": "2012-10-17", "Statement": [POLICY["Statement"][1], POLICY["Statement"][0]]}
    reordered["Statement"][1] = {**reordered["Statement"][1], "Action": ["*"]}
    second = policy_task(policy=reordered)
    assert second["changed"] is False
    assert writes(clean_emulator) == {}


def test_change_is_written(policy_task: Callable[..., dict], efs: Any, fs_id: str) -> None:
    policy_task()
    smaller = {"Version": "2012-10-17", "Statement": [POLICY["Statement"][0]]}
    result = policy_task(policy=smaller, diff=True)
    assert result["changed"] is True
    assert result["diff"]["before"]["policy"] == POLICY and result["diff"]["after"]["policy"] == smaller
    assert stored(efs, fs_id) == smaller


def test_check_mode_writes_nothing(policy_task: Callable[..., dict], efs: Any, fs_id: str, clean_emulator: Any) -> None:
    result = policy_task(check_mode=True, diff=True)
    assert result["changed"] is True and result["diff"]["after"]["policy"] == POLICY
    assert writes(clean_emulator) == {}
    with pytest.raises(efs.exceptions.PolicyNotFound):
        efs.describe_file_system_policy(FileSystemId=fs_id)


def test_absent(policy_task: Callable[..., dict], efs: Any, fs_id: str, clean_emulator: Any) -> None:
    policy_task()
    assert policy_task(state="absent", policy=None, check_mode=True)["changed"] is True
    assert stored(efs, fs_id) == POLICY
    assert policy_task(state="absent", policy=None)["changed"] is True
    with pytest.raises(efs.exceptions.PolicyNotFound):
        efs.describe_file_system_policy(FileSystemId=fs_id)
    clean_emulator.reset_requests()
    assert policy_task(state="absent", policy=None)["changed"] is False
    assert writes(clean_emulator) == {}


def test_missing_file_system(run_module: Callable[..., dict], clean_emulator: Any) -> None:
    args = {"file_system_id": "fs-00000000", "policy": POLICY}
    assert run_module(efs_file_system_policy.main, args, check_mode=True)["changed"] is True
    failed = run_module(efs_file_system_policy.main, args)
    assert failed["failed"] is True and "fs-00000000 does not exist" in failed["msg"]
    gone = run_module(efs_file_system_policy.main, {"file_system_id": "fs-00000000", "state": "absent"})
    assert gone["changed"] is False


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"policy": None}, "state is present but all of the following are missing: policy"),
        ({"policy": "{not json"}, "policy is not valid JSON"),
        ({"policy": {"Version": "2012-10-17"}}, "non-empty Statement"),
    ],
)
def test_bad_input_fails_before_any_call(
    run_module: Callable[..., dict], clean_emulator: Any, args: dict, message: str
) -> None:
    clean_emulator.reset_requests()
    module_args = {key: value for key, value in {"file_system_id": "fs-00000000", **args}.items() if value is not None}
    result = run_module(efs_file_system_policy.main, module_args)
    assert result["failed"] is True and message in result["msg"]
    assert clean_emulator.requests()["total"] == 0
