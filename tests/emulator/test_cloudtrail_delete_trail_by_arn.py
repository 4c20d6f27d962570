"""CloudTrail DeleteTrail accepts the trail's ARN as well as its name (cloudtrail_delete_trail_by_arn)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError


def _trail(aws: Callable[[str], Any], name: str) -> str:
    aws("s3").create_bucket(Bucket=f"{name}-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    return aws("cloudtrail").create_trail(Name=name, S3BucketName=f"{name}-bucket")["TrailARN"]


def test_delete_by_arn_and_by_name(aws: Callable[[str], Any]) -> None:
    cloudtrail = aws("cloudtrail")
    arn = _trail(aws, "by-arn")
    _trail(aws, "by-name")

    cloudtrail.delete_trail(Name=arn)
    cloudtrail.delete_trail(Name="by-name")
    assert cloudtrail.describe_trails()["trailList"] == []


def test_missing_trail_raises_not_found(aws: Callable[[str], Any]) -> None:
    with pytest.raises(ClientError) as error:
        aws("cloudtrail").delete_trail(Name="arn:aws:cloudtrail:eu-west-1:123456789012:trail/missing")
    assert error.value.response["Error"]["Code"] == "TrailNotFoundException"
