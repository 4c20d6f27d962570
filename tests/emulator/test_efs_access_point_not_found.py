"""EFS access point calls on a missing file system / access point (fidelity/efs_access_point_not_found)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError


def _error(call: Callable[[], Any]) -> tuple[str, int]:
    with pytest.raises(ClientError) as error:
        call()
    return error.value.response["Error"]["Code"], error.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_missing_file_system(aws: Callable[[str], Any]) -> None:
    efs = aws("efs")
    assert _error(lambda: efs.describe_access_points(FileSystemId="fs-00000000")) == ("FileSystemNotFound", 404)
    assert _error(lambda: efs.create_access_point(ClientToken="t", FileSystemId="fs-00000000")) == (
        "FileSystemNotFound",
        404,
    )


def test_missing_access_point(aws: Callable[[str], Any]) -> None:
    efs = aws("efs")
    assert _error(lambda: efs.delete_access_point(AccessPointId="fsap-0000000000000000")) == (
        "AccessPointNotFound",
        404,
    )


def test_existing_ones_still_work(aws: Callable[[str], Any]) -> None:
    efs = aws("efs")
    fs_id = efs.create_file_system(CreationToken="media")["FileSystemId"]
    assert efs.describe_access_points(FileSystemId=fs_id)["AccessPoints"] == []
    ap_id = efs.create_access_point(ClientToken="t", FileSystemId=fs_id)["AccessPointId"]
    assert [ap["AccessPointId"] for ap in efs.describe_access_points(FileSystemId=fs_id)["AccessPoints"]] == [ap_id]
    efs.delete_access_point(AccessPointId=ap_id)
    assert efs.describe_access_points(FileSystemId=fs_id)["AccessPoints"] == []
