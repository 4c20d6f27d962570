"""EFS legacy tag API: DescribeTags, CreateTags and DeleteTags on a file system.

AWS behaviour restored: the EFS API still serves its original (deprecated but supported) tag operations,
``CreateTags`` (``POST /2015-02-01/create-tags/{FileSystemId}``, 204), ``DeleteTags``
(``POST /2015-02-01/delete-tags/{FileSystemId}``, 204) and ``DescribeTags``
(``GET /2015-02-01/tags/{FileSystemId}/`` with ``MaxItems``/``Marker`` paging, answering ``Tags`` and
``NextMarker``); each fails with ``FileSystemNotFound`` (404) for an unknown file system. They act on the same
tags as ``TagResource``/``ListTagsForResource``. moto 5.2.5 routes none of these paths and answers 404.

Needed by: ``community.aws.efs`` (reads tags with DescribeTags, changes them with CreateTags/DeleteTags) and
``community.aws.efs_info`` (DescribeTags paginator).
"""

from __future__ import annotations

import json
from typing import Any

from ._patching import add_url_paths, patch

DEFAULT_MAX_ITEMS = 100


def _file_system_id(response: Any) -> str:
    from moto.efs.exceptions import FileSystemNotFound

    file_system_id = response._get_param("FileSystemId")
    if file_system_id not in response.efs_backend.file_systems_by_id:
        raise FileSystemNotFound(file_system_id)
    return file_system_id


def create_tags(self: Any) -> tuple[str, dict[str, Any]]:
    file_system_id = _file_system_id(self)
    tags = {tag["Key"]: tag.get("Value", "") for tag in self._get_param("Tags") or []}
    self.efs_backend.tag_resource(file_system_id, tags)
    return "", {"status": 204}


def delete_tags(self: Any) -> tuple[str, dict[str, Any]]:
    file_system_id = _file_system_id(self)
    self.efs_backend.untag_resource(file_system_id, self._get_param("TagKeys") or [])
    return "", {"status": 204}


def describe_tags(self: Any) -> tuple[str, dict[str, Any]]:
    file_system_id = _file_system_id(self)
    tags = self.efs_backend.list_tags_for_resource(file_system_id)
    max_items = self._get_int_param("MaxItems", DEFAULT_MAX_ITEMS)
    marker = self._get_param("Marker")
    start = int(marker) if marker and marker.isdigit() else 0
    body: dict[str, Any] = {"Tags": tags[start : start + max_items]}
    if marker:
        body["Marker"] = marker
    if start + max_items < len(tags):
        body["NextMarker"] = str(start + max_items)
    return json.dumps(body), {"status": 200, "Content-Type": "application/json"}


def apply() -> None:
    from moto.efs import urls
    from moto.efs.responses import EFSResponse

    for name, method in {
        "create_tags": create_tags,
        "delete_tags": delete_tags,
        "describe_tags": describe_tags,
    }.items():
        patch(EFSResponse, name, __name__, lambda _original, method=method: method)
    dispatch = EFSResponse.dispatch
    add_url_paths(
        urls,
        {
            "/2015-02-01/create-tags/<file_system_id>": dispatch,
            "/2015-02-01/delete-tags/<file_system_id>": dispatch,
            "/2015-02-01/tags/<file_system_id>": dispatch,
        },
    )
