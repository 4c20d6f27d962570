"""kstore.platform.log_group_encryption: the real module code against the real emulator over HTTP.

The emulator's AssociateKmsKey / DisassociateKmsKey come from the fidelity patch logs_associate_kms_key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest
from ansible_collections.kstore.platform.plugins.modules import log_group_encryption

GROUP = "/shop/dev/vpc-flow-logs"


@pytest.fixture()
def logs(clean_emulator: Any) -> Any:
    return boto3.client("logs", region_name="eu-west-1", endpoint_url=clean_emulator.url)


@pytest.fixture()
def keys(clean_emulator: Any) -> tuple[str, str]:
    kms = boto3.client("kms", region_name="eu-west-1", endpoint_url=clean_emulator.url)
    return kms.create_key()["KeyMetadata"]["Arn"], kms.create_key()["KeyMetadata"]["Arn"]


@pytest.fixture()
def group(logs: Any, keys: tuple[str, str], clean_emulator: Any) -> str:
    logs.create_log_group(logGroupName=GROUP)
    logs.create_log_group(logGroupName=GROUP + "-other")  # same prefix: must be left alone
    clean_emulator.reset_requests()
    return GROUP


@pytest.fixture()
def encryption(run_module: Callable[..., dict], group: str) -> Callable[..., dict]:
    def run(check_mode: bool = False, diff: bool = False, **args: Any) -> dict:
        return run_module(
            log_group_encryption.main, {"log_group_name": group, **args}, check_mode=check_mode, diff=diff
        )

    return run


def key_of(logs: Any, name: str = GROUP) -> str:
    found = [g for g in logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"] if g["logGroupName"] == name]
    return found[0].get("kmsKeyId", "")


def calls(emulator: Any, action: str) -> int:
    return emulator.requests()["by_action"].get(f"logs:{action}", 0)


def test_associate_then_idempotent(
    encryption: Callable[..., dict], logs: Any, keys: tuple[str, str], clean_emulator: Any
) -> None:
    key = keys[0]
    result = encryption(kms_key_id=key, diff=True)
    assert result["changed"] is True, result
    assert result["exists"] is True
    assert result["kms_key_id"] == key
    assert result["arn"].endswith(f":log-group:{GROUP}:*")
    assert result["diff"] == {"before": {"kms_key_id": ""}, "after": {"kms_key_id": key}}
    assert key_of(logs) == key
    assert key_of(logs, GROUP + "-other") == ""

    assert calls(clean_emulator, "AssociateKmsKey") == 1

    clean_emulator.reset_requests()
    again = encryption(kms_key_id=key, diff=True)
    assert again["changed"] is False, again
    assert again["diff"] == {"before": {"kms_key_id": key}, "after": {"kms_key_id": key}}
    assert clean_emulator.requests()["by_action"] == {"logs:DescribeLogGroups": 1}  # one read, no write


def test_check_mode_changes_nothing(
    encryption: Callable[..., dict], logs: Any, keys: tuple[str, str], clean_emulator: Any
) -> None:
    result = encryption(kms_key_id=keys[0], check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["kms_key_id"] == keys[0]
    assert result["diff"] == {"before": {"kms_key_id": ""}, "after": {"kms_key_id": keys[0]}}
    assert key_of(logs) == ""
    assert calls(clean_emulator, "AssociateKmsKey") == 0


def test_change_key(encryption: Callable[..., dict], logs: Any, keys: tuple[str, str]) -> None:
    encryption(kms_key_id=keys[0])
    result = encryption(kms_key_id=keys[1], diff=True)
    assert result["changed"] is True
    assert result["diff"] == {"before": {"kms_key_id": keys[0]}, "after": {"kms_key_id": keys[1]}}
    assert key_of(logs) == keys[1]


def test_absent_removes_the_key_and_is_idempotent(
    encryption: Callable[..., dict], logs: Any, keys: tuple[str, str], clean_emulator: Any
) -> None:
    encryption(kms_key_id=keys[0])
    check = encryption(state="absent", check_mode=True, diff=True)
    assert check["changed"] is True
    assert check["diff"] == {"before": {"kms_key_id": keys[0]}, "after": {"kms_key_id": ""}}
    assert key_of(logs) == keys[0]

    result = encryption(state="absent")
    assert result["changed"] is True
    assert result["kms_key_id"] == ""
    assert key_of(logs) == ""
    assert encryption(state="absent")["changed"] is False
    assert calls(clean_emulator, "DisassociateKmsKey") == 1


@pytest.mark.parametrize("state", ["present", "absent"])
def test_missing_group_skip(
    run_module: Callable[..., dict], keys: tuple[str, str], clean_emulator: Any, state: str
) -> None:
    args = {"log_group_name": "/aws/rds/instance/shop-dev-db/error", "state": state, "missing": "skip"}
    result = run_module(log_group_encryption.main, {**args, "kms_key_id": keys[0]}, diff=True)
    assert not result.get("failed"), result
    assert result["changed"] is False
    assert result["exists"] is False
    assert result["kms_key_id"] == ""
    assert result["diff"] == {"before": {}, "after": {}}
    assert "arn" not in result


@pytest.mark.parametrize("state", ["present", "absent"])
def test_missing_group_fails_by_default(
    run_module: Callable[..., dict], keys: tuple[str, str], clean_emulator: Any, state: str
) -> None:
    args = {"log_group_name": "/aws/rds/instance/shop-dev-db/error", "state": state, "kms_key_id": keys[0]}
    result = run_module(log_group_encryption.main, args)
    assert result["failed"] is True
    assert "/aws/rds/instance/shop-dev-db/error does not exist" in result["msg"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"log_group_name": GROUP}, "missing: kms_key_id"),
        ({"log_group_name": GROUP, "kms_key_id": "alias/shop-dev"}, "kms_key_id must be a KMS key ARN"),
        ({"log_group_name": GROUP, "kms_key_id": "1234abcd-12ab-34cd-56ef-1234567890ab"}, "must be a KMS key ARN"),
        (
            {"log_group_name": GROUP, "kms_key_id": "arn:aws:kms:eu-west-1:123456789012:alias/x"},
            "must be a KMS key ARN",
        ),
        ({"log_group_name": "shop dev", "state": "absent"}, "log_group_name must be 1-512 characters"),
        ({"log_group_name": "", "state": "absent"}, "log_group_name must be 1-512 characters"),
        ({"log_group_name": GROUP, "state": "absent", "missing": "ignore"}, "missing"),
    ],
)
def test_bad_input_makes_no_request(
    run_module: Callable[..., dict], clean_emulator: Any, args: dict, message: str
) -> None:
    clean_emulator.reset_requests()
    result = run_module(log_group_encryption.main, args)
    assert result["failed"] is True
    assert message in result["msg"]
    assert clean_emulator.requests()["total"] == 0
