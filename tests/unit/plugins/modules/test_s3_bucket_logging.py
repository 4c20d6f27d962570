"""kstore.platform.s3_bucket_logging: the real module code against the real emulator over HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from ansible_collections.kstore.platform.plugins.modules import s3_bucket_logging

LOGS, MEDIA = "shop-dev-logs-123456789012", "shop-dev-media-123456789012"
PREFIX = f"s3-access/{MEDIA}/"
# The emulator counts REST calls as "<service>:<METHOD> <path>": a write is a PUT, POST or DELETE.
WRITES = ("PUT", "POST", "DELETE")


@pytest.fixture()
def s3(clean_emulator: Any) -> Any:
    client = boto3.client("s3", region_name="eu-west-1", endpoint_url=clean_emulator.url)
    for name in (LOGS, MEDIA):
        client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    client.put_bucket_ownership_controls(
        Bucket=LOGS, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    )
    statements = [
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{LOGS}", f"arn:aws:s3:::{LOGS}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
        {
            "Sid": "S3ServerAccessLogs",
            "Effect": "Allow",
            "Principal": {"Service": "logging.s3.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{LOGS}/{PREFIX}*",
            "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}},
        },
    ]
    client.put_bucket_policy(Bucket=LOGS, Policy=json.dumps({"Version": "2012-10-17", "Statement": statements}))
    clean_emulator.reset_requests()
    return client


@pytest.fixture()
def logging_task(run_module: Callable[..., dict], s3: Any) -> Callable[..., dict]:
    def run(check_mode: bool = False, diff: bool = False, **args: Any) -> dict:
        module_args = {"name": MEDIA, "target_bucket": LOGS, "target_prefix": PREFIX, **args}
        module_args = {key: value for key, value in module_args.items() if value is not None}
        return run_module(s3_bucket_logging.main, module_args, check_mode=check_mode, diff=diff)

    return run


def writes(emulator: Any) -> dict[str, int]:
    return {a: n for a, n in emulator.requests()["by_action"].items() if a.split(":", 1)[1].split(" ")[0] in WRITES}


def test_on_then_unchanged(logging_task: Callable[..., dict], s3: Any, clean_emulator: Any) -> None:
    result = logging_task(diff=True)
    assert result["changed"] is True
    assert result["diff"] == {"before": {"logging": {}}, "after": {"logging": result["logging"]}}
    assert s3.get_bucket_logging(Bucket=MEDIA)["LoggingEnabled"] == {"TargetBucket": LOGS, "TargetPrefix": PREFIX}
    assert writes(clean_emulator) == {f"s3:PUT /{MEDIA}": 1}  # PutBucketLogging; no PutBucketAcl on the logs bucket
    clean_emulator.reset_requests()
    assert logging_task()["changed"] is False
    assert writes(clean_emulator) == {}


def test_check_mode_writes_nothing(logging_task: Callable[..., dict], s3: Any, clean_emulator: Any) -> None:
    result = logging_task(check_mode=True)
    assert result["changed"] is True and result["logging"]["target_bucket"] == LOGS
    assert writes(clean_emulator) == {}
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=MEDIA)


def test_absent(logging_task: Callable[..., dict], s3: Any, clean_emulator: Any) -> None:
    logging_task()
    assert logging_task(state="absent", target_bucket=None, check_mode=True)["changed"] is True
    assert "LoggingEnabled" in s3.get_bucket_logging(Bucket=MEDIA)
    assert logging_task(state="absent", target_bucket=None)["changed"] is True
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=MEDIA)
    clean_emulator.reset_requests()
    assert logging_task(state="absent", target_bucket=None)["changed"] is False
    assert writes(clean_emulator) == {}


def test_missing_grant_fails_clearly(logging_task: Callable[..., dict], s3: Any) -> None:
    s3.delete_bucket_policy(Bucket=LOGS)
    result = logging_task()
    assert result["failed"] is True and "logging.s3.amazonaws.com" in result["msg"]


def test_missing_bucket(run_module: Callable[..., dict], clean_emulator: Any) -> None:
    args = {"name": "shop-dev-nothing", "target_bucket": LOGS}
    assert run_module(s3_bucket_logging.main, args, check_mode=True)["changed"] is True
    assert run_module(s3_bucket_logging.main, {"name": "shop-dev-nothing", "state": "absent"})["changed"] is False


def test_logging_into_itself_is_refused(run_module: Callable[..., dict], clean_emulator: Any) -> None:
    clean_emulator.reset_requests()
    result = run_module(s3_bucket_logging.main, {"name": LOGS, "target_bucket": LOGS})
    assert result["failed"] is True and "cannot log into itself" in result["msg"]
    assert clean_emulator.requests()["total"] == 0
