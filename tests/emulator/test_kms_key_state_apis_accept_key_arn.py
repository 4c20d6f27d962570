"""KMS key-state APIs accept a key ARN as KeyId (kms_key_state_apis_accept_key_arn)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def test_schedule_and_cancel_deletion_by_arn(aws: Callable[[str], Any]) -> None:
    kms = aws("kms")
    arn = kms.create_key(Description="shop")["KeyMetadata"]["Arn"]

    kms.schedule_key_deletion(KeyId=arn, PendingWindowInDays=7)
    assert kms.describe_key(KeyId=arn)["KeyMetadata"]["KeyState"] == "PendingDeletion"

    kms.cancel_key_deletion(KeyId=arn)
    assert kms.describe_key(KeyId=arn)["KeyMetadata"]["KeyState"] == "Disabled"


def test_enable_and_disable_by_arn(aws: Callable[[str], Any]) -> None:
    kms = aws("kms")
    arn = kms.create_key(Description="shop")["KeyMetadata"]["Arn"]

    kms.disable_key(KeyId=arn)
    assert kms.describe_key(KeyId=arn)["KeyMetadata"]["KeyState"] == "Disabled"
    kms.enable_key(KeyId=arn)
    assert kms.describe_key(KeyId=arn)["KeyMetadata"]["KeyState"] == "Enabled"


def test_key_id_still_works(aws: Callable[[str], Any]) -> None:
    kms = aws("kms")
    key_id = kms.create_key(Description="shop")["KeyMetadata"]["KeyId"]
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=30)
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingDeletion"
