"""DeleteObjects on a bucket whose policy denies non-TLS requests (fidelity/s3_bucket_policy_secure_transport)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


def _bucket(s3: Any, name: str, statement: dict[str, Any]) -> None:
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3.put_object(Bucket=name, Key="log/1", Body=b"x")
    s3.put_bucket_policy(Bucket=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]}))


def _delete(s3: Any, name: str) -> dict[str, Any]:
    return s3.delete_objects(Bucket=name, Delete={"Objects": [{"Key": "log/1"}]})


def test_tls_deny_does_not_apply(aws: Callable[[str], Any]) -> None:
    s3 = aws("s3")
    _bucket(
        s3,
        "kstore-tls-only",
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": ["arn:aws:s3:::kstore-tls-only", "arn:aws:s3:::kstore-tls-only/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
    )
    answer = _delete(s3, "kstore-tls-only")
    assert [d["Key"] for d in answer["Deleted"]] == ["log/1"] and "Errors" not in answer


def test_unconditional_deny_still_denies(aws: Callable[[str], Any]) -> None:
    s3 = aws("s3")
    _bucket(
        s3,
        "kstore-no-delete",
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:DeleteObject",
            "Resource": "arn:aws:s3:::kstore-no-delete/*",
        },
    )
    assert [e["Code"] for e in _delete(s3, "kstore-no-delete")["Errors"]] == ["AccessDenied"]
