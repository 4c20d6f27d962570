"""EFS file-system policy API: delete, unknown file system, invalid policy (fidelity/efs_file_system_policy_api)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": "*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }
)


def _error(call: Callable[[], Any]) -> tuple[str, int]:
    with pytest.raises(ClientError) as error:
        call()
    return error.value.response["Error"]["Code"], error.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_put_describe_delete(aws: Callable[[str], Any]) -> None:
    efs = aws("efs")
    fs_id = efs.create_file_system(CreationToken="policy")["FileSystemId"]
    assert _error(lambda: efs.describe_file_system_policy(FileSystemId=fs_id)) == ("PolicyNotFound", 404)
    efs.put_file_system_policy(FileSystemId=fs_id, Policy=POLICY)
    assert json.loads(efs.describe_file_system_policy(FileSystemId=fs_id)["Policy"]) == json.loads(POLICY)
    efs.delete_file_system_policy(FileSystemId=fs_id)
    assert _error(lambda: efs.describe_file_system_policy(FileSystemId=fs_id)) == ("PolicyNotFound", 404)
    efs.delete_file_system_policy(FileSystemId=fs_id)  # nothing to delete: still a success, as on AWS


def test_unknown_file_system(aws: Callable[[str], Any]) -> None:
    efs = aws("efs")
    missing = "fs-00000000"
    assert _error(lambda: efs.describe_file_system_policy(FileSystemId=missing)) == ("FileSystemNotFound", 404)
    assert _error(lambda: efs.put_file_system_policy(FileSystemId=missing, Policy=POLICY)) == (
        "FileSystemNotFound",
        404,
    )
    assert _error(lambda: efs.delete_file_system_policy(FileSystemId=missing)) == ("FileSystemNotFound", 404)


def test_invalid_policy(aws: Callable[[str], Any]) -> None:
    efs = aws("efs")
    fs_id = efs.create_file_system(CreationToken="invalid")["FileSystemId"]
    assert _error(lambda: efs.put_file_system_policy(FileSystemId=fs_id, Policy="not json")) == (
        "InvalidPolicyException",
        400,
    )
