"""PutBucketLogging with a target policy holding a "Principal": "*" statement (fidelity/s3_bucket_logging_...)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError


def _buckets(s3: Any, grant: bool) -> None:
    for name in ("kstore-logs", "kstore-media"):
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    statements: list[dict[str, Any]] = [
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": ["arn:aws:s3:::kstore-logs", "arn:aws:s3:::kstore-logs/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ]
    if grant:
        statements.append(
            {
                "Sid": "S3ServerAccessLogs",
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": "arn:aws:s3:::kstore-logs/s3-access/kstore-media/*",
            }
        )
    s3.put_bucket_policy(Bucket="kstore-logs", Policy=json.dumps({"Version": "2012-10-17", "Statement": statements}))


def _enable(s3: Any) -> None:
    s3.put_bucket_logging(
        Bucket="kstore-media",
        BucketLoggingStatus={
            "LoggingEnabled": {"TargetBucket": "kstore-logs", "TargetPrefix": "s3-access/kstore-media/"}
        },
    )


def test_grant_found_beside_a_star_principal(aws: Callable[[str], Any]) -> None:
    s3 = aws("s3")
    _buckets(s3, grant=True)
    _enable(s3)
    assert s3.get_bucket_logging(Bucket="kstore-media")["LoggingEnabled"] == {
        "TargetBucket": "kstore-logs",
        "TargetPrefix": "s3-access/kstore-media/",
    }


def test_no_grant_still_refused(aws: Callable[[str], Any]) -> None:
    s3 = aws("s3")
    _buckets(s3, grant=False)
    with pytest.raises(ClientError) as error:
        _enable(s3)
    assert error.value.response["Error"]["Code"] == "InvalidTargetBucketForLogging"
