"""EFS legacy tag API DescribeTags/CreateTags/DeleteTags (fidelity/efs_legacy_tag_api)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError


def _tags(tags: list[dict[str, str]]) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in tags}


def test_create_describe_delete_tags(aws: Callable[[str], Any]) -> None:
    efs = aws("efs")
    fs_id = efs.create_file_system(CreationToken="media", Tags=[{"Key": "Name", "Value": "media"}])["FileSystemId"]

    assert _tags(efs.describe_tags(FileSystemId=fs_id)["Tags"]) == {"Name": "media"}

    efs.create_tags(FileSystemId=fs_id, Tags=[{"Key": "Tier", "Value": "storage"}, {"Key": "Name", "Value": "m2"}])
    assert _tags(efs.describe_tags(FileSystemId=fs_id)["Tags"]) == {"Name": "m2", "Tier": "storage"}
    # The same tags as the newer TagResource API.
    assert _tags(efs.list_tags_for_resource(ResourceId=fs_id)["Tags"]) == {"Name": "m2", "Tier": "storage"}

    efs.delete_tags(FileSystemId=fs_id, TagKeys=["Tier"])
    assert _tags(efs.describe_tags(FileSystemId=fs_id)["Tags"]) == {"Name": "m2"}


def test_describe_tags_pages(aws: Callable[[str], Any]) -> None:
    efs = aws("efs")
    fs_id = efs.create_file_system(CreationToken="paged")["FileSystemId"]
    efs.create_tags(FileSystemId=fs_id, Tags=[{"Key": f"k{i}", "Value": str(i)} for i in range(5)])
    first = efs.describe_tags(FileSystemId=fs_id, MaxItems=2)
    assert len(first["Tags"]) == 2 and first["NextMarker"]
    pages = efs.get_paginator("describe_tags").paginate(FileSystemId=fs_id, PaginationConfig={"PageSize": 2})
    assert _tags(pages.build_full_result()["Tags"]) == {f"k{i}": str(i) for i in range(5)}


def test_unknown_file_system(aws: Callable[[str], Any]) -> None:
    with pytest.raises(ClientError) as error:
        aws("efs").describe_tags(FileSystemId="fs-00000000")
    assert error.value.response["Error"]["Code"] == "FileSystemNotFound"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
