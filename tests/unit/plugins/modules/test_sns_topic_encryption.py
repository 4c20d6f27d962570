"""kstore.platform.sns_topic_encryption: the real module code against the real emulator over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest
from ansible_collections.kstore.platform.plugins.modules import sns_topic_encryption

KEY = "alias/shop-dev"


@pytest.fixture()
def sns(clean_emulator: Any) -> Any:
    return boto3.client("sns", region_name="eu-west-1", endpoint_url=clean_emulator.url)


@pytest.fixture()
def topic_arn(sns: Any, clean_emulator: Any) -> str:
    arn = sns.create_topic(Name="shop-dev-alarms")["TopicArn"]
    clean_emulator.reset_requests()
    return arn


@pytest.fixture()
def encryption(run_module: Callable[..., dict], topic_arn: str) -> Callable[..., dict]:
    def run(check_mode: bool = False, diff: bool = False, **args: Any) -> dict:
        module_args = {"topic_arn": topic_arn, **args}
        return run_module(sns_topic_encryption.main, module_args, check_mode=check_mode, diff=diff)

    return run


def key_of(sns: Any, arn: str) -> str:
    return sns.get_topic_attributes(TopicArn=arn)["Attributes"].get("KmsMasterKeyId", "")


def set_calls(emulator: Any) -> int:
    return emulator.requests()["by_action"].get("sns:SetTopicAttributes", 0)


def test_encrypt_then_idempotent(
    encryption: Callable[..., dict], sns: Any, topic_arn: str, clean_emulator: Any
) -> None:
    result = encryption(kms_master_key_id=KEY, diff=True)
    assert result["changed"] is True, result
    assert result["kms_master_key_id"] == KEY
    assert result["diff"] == {"before": {"kms_master_key_id": ""}, "after": {"kms_master_key_id": KEY}}
    assert key_of(sns, topic_arn) == KEY

    again = encryption(kms_master_key_id=KEY)
    assert again["changed"] is False, again
    assert set_calls(clean_emulator) == 1


def test_check_mode_changes_nothing(
    encryption: Callable[..., dict], sns: Any, topic_arn: str, clean_emulator: Any
) -> None:
    result = encryption(kms_master_key_id=KEY, check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["diff"]["after"] == {"kms_master_key_id": KEY}
    assert key_of(sns, topic_arn) == ""
    assert set_calls(clean_emulator) == 0


def test_change_key(encryption: Callable[..., dict], sns: Any, topic_arn: str) -> None:
    encryption(kms_master_key_id=KEY)
    result = encryption(kms_master_key_id="alias/aws/sns", diff=True)
    assert result["changed"] is True
    assert result["diff"]["before"] == {"kms_master_key_id": KEY}
    assert key_of(sns, topic_arn) == "alias/aws/sns"


def test_absent_clears_and_is_idempotent(encryption: Callable[..., dict], sns: Any, topic_arn: str) -> None:
    encryption(kms_master_key_id=KEY)
    check = encryption(state="absent", check_mode=True)
    assert check["changed"] is True
    assert key_of(sns, topic_arn) == KEY

    result = encryption(state="absent")
    assert result["changed"] is True
    assert result["kms_master_key_id"] == ""
    assert key_of(sns, topic_arn) == ""
    assert encryption(state="absent")["changed"] is False


def test_missing_topic_fails(run_module: Callable[..., dict], clean_emulator: Any) -> None:
    arn = "arn:aws:sns:eu-west-1:123456789012:nope"
    result = run_module(sns_topic_encryption.main, {"topic_arn": arn, "kms_master_key_id": KEY})
    assert result["failed"] is True
    assert "does not exist" in result["msg"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"topic_arn": "shop-dev-alarms", "kms_master_key_id": KEY}, "topic_arn must be a topic ARN"),
        ({"topic_arn": "arn:aws:sns:eu-west-1:123456789012:x"}, "kms_master_key_id"),
        ({"topic_arn": "arn:aws:sns:eu-west-1:123456789012:x", "kms_master_key_id": " "}, "must not be empty"),
    ],
)
def test_bad_input_makes_no_request(
    run_module: Callable[..., dict], clean_emulator: Any, args: dict, message: str
) -> None:
    clean_emulator.reset_requests()
    result = run_module(sns_topic_encryption.main, args)
    assert result["failed"] is True
    assert message in result["msg"]
    assert clean_emulator.requests()["total"] == 0
