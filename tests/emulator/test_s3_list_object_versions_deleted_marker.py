"""ListObjectVersions after a deleted marker version (fidelity/s3_list_object_versions_deleted_marker)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _bucket(s3: Any, name: str, count: int) -> None:
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    for i in range(count):
        s3.put_object(Bucket=name, Key=f"logs/{i:04d}", Body=b"x")


def test_delete_each_page_empties_the_bucket(aws: Callable[[str], Any]) -> None:
    s3 = aws("s3")
    _bucket(s3, "kstore-many-versions", 25)
    pages = []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket="kstore-many-versions", MaxKeys=10):
        versions = page.get("Versions", [])
        pages.append(len(versions))
        s3.delete_objects(
            Bucket="kstore-many-versions",
            Delete={"Objects": [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in versions]},
        )
    assert pages == [10, 10, 5]
    assert "Versions" not in s3.list_object_versions(Bucket="kstore-many-versions")


def test_existing_marker_pages_as_before(aws: Callable[[str], Any]) -> None:
    s3 = aws("s3")
    _bucket(s3, "kstore-few-versions", 5)
    first = s3.list_object_versions(Bucket="kstore-few-versions", MaxKeys=2)
    second = s3.list_object_versions(
        Bucket="kstore-few-versions",
        MaxKeys=2,
        KeyMarker=first["NextKeyMarker"],
        VersionIdMarker=first["NextVersionIdMarker"],
    )
    assert [v["Key"] for v in first["Versions"]] == ["logs/0000", "logs/0001"]
    assert [v["Key"] for v in second["Versions"]] == ["logs/0002", "logs/0003"]
