"""CloudWatch Logs AssociateKmsKey / DisassociateKmsKey (fidelity/logs_associate_kms_key)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

GROUP = "/shop/dev/vpc-flow-logs"


def _key(aws: Callable[[str], Any]) -> str:
    return aws("kms").create_key(Description="platform key")["KeyMetadata"]["Arn"]


def _described(logs: Any, name: str = GROUP) -> dict:
    (group,) = [g for g in logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"] if g["logGroupName"] == name]
    return group


def test_associate_then_disassociate(aws: Callable[[str], Any]) -> None:
    logs = aws("logs")
    logs.create_log_group(logGroupName=GROUP)
    assert "kmsKeyId" not in _described(logs)
    key = _key(aws)

    answer = logs.associate_kms_key(logGroupName=GROUP, kmsKeyId=key)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert _described(logs)["kmsKeyId"] == key

    logs.disassociate_kms_key(logGroupName=GROUP)
    assert "kmsKeyId" not in _described(logs)
    logs.disassociate_kms_key(logGroupName=GROUP)  # nothing associated: still a 200
    assert "kmsKeyId" not in _described(logs)


def test_associate_replaces_the_key_and_leaves_other_groups(aws: Callable[[str], Any]) -> None:
    logs = aws("logs")
    first, second = _key(aws), _key(aws)
    logs.create_log_group(logGroupName=GROUP, kmsKeyId=first)
    logs.create_log_group(logGroupName="/shop/dev/other")
    logs.associate_kms_key(logGroupName=GROUP, kmsKeyId=second)
    assert _described(logs)["kmsKeyId"] == second
    assert "kmsKeyId" not in _described(logs, "/shop/dev/other")


def test_group_named_by_its_arn(aws: Callable[[str], Any]) -> None:
    logs = aws("logs")
    logs.create_log_group(logGroupName=GROUP)
    key = _key(aws)
    arn = _described(logs)["arn"].removesuffix(":*")
    logs.associate_kms_key(resourceIdentifier=arn, kmsKeyId=key)
    assert _described(logs)["kmsKeyId"] == key
    logs.disassociate_kms_key(resourceIdentifier=arn + ":*")
    assert "kmsKeyId" not in _described(logs)


@pytest.mark.parametrize("action", ["associate_kms_key", "disassociate_kms_key"])
def test_missing_group(aws: Callable[[str], Any], action: str) -> None:
    args = {"logGroupName": "/shop/dev/nope"}
    if action == "associate_kms_key":
        args["kmsKeyId"] = _key(aws)
    with pytest.raises(ClientError) as error:
        getattr(aws("logs"), action)(**args)
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert error.value.response["Error"]["Message"] == "The specified log group does not exist."
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_name_and_identifier_are_exclusive(aws: Callable[[str], Any]) -> None:
    logs = aws("logs")
    logs.create_log_group(logGroupName=GROUP)
    arn = _described(logs)["arn"]
    with pytest.raises(ClientError) as error:
        logs.disassociate_kms_key(logGroupName=GROUP, resourceIdentifier=arn)
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"
    with pytest.raises(ClientError) as error:
        logs.disassociate_kms_key()
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"
