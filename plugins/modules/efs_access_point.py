# Copyright: Contributors to the kstore.platform collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: efs_access_point
version_added: 0.1.0
short_description: Manage EFS access points
description:
  - Creates, updates the tags of, replaces and deletes an access point of an EFS file system.
  - An access point is identified by its file system (O(file_system_id)) and its C(Name) tag (O(name)). There is at
    most one access point with that name on a file system.
  - AWS cannot modify an access point except for its tags. When O(posix_user) or O(root_directory) differ from the
    existing access point, the module fails and says which setting differs, unless O(force=true), in which case it
    deletes the access point and creates a new one, which has a new ID. Whatever refers to the old ID (ECS task
    definitions, mounts) must be updated.
author:
  - kstore platform engineers (!UNKNOWN)
options:
  state:
    description:
      - Whether the access point should exist.
    type: str
    choices: ['present', 'absent']
    default: present
  file_system_id:
    description:
      - The ID of the EFS file system, for example V(fs-0123456789abcdef0).
    type: str
    required: true
  name:
    description:
      - The name of the access point, that is the value of its C(Name) tag, unique on the file system.
    type: str
    required: true
  posix_user:
    description:
      - The POSIX identity with which every file system request made through the access point is made.
      - When not set, a new access point has none and the one of an existing access point is left alone.
    type: dict
    suboptions:
      uid:
        description: The POSIX user ID.
        type: int
        required: true
      gid:
        description: The POSIX group ID.
        type: int
        required: true
      secondary_gids:
        description: Further POSIX group IDs.
        type: list
        elements: int
  root_directory:
    description:
      - The directory of the file system that the access point exposes as its root.
      - When not set, a new access point exposes V(/) and the root directory of an existing access point is left alone.
    type: dict
    suboptions:
      path:
        description:
          - The absolute path of the directory on the file system.
        type: str
        default: /
      creation_info:
        description:
          - The owner and permissions EFS gives the directory if it does not exist when the access point is first
            used. Without it, EFS does not create the directory.
        type: dict
        suboptions:
          owner_uid:
            description: The POSIX user ID owning the directory.
            type: int
            required: true
          owner_gid:
            description: The POSIX group ID owning the directory.
            type: int
            required: true
          permissions:
            description: The POSIX permissions of the directory, in octal, for example V(0755).
            type: str
            required: true
  force:
    description:
      - Replace the access point when O(posix_user) or O(root_directory) differ from the existing one.
      - The replacement has a new ID.
    type: bool
    default: false
  wait:
    description:
      - Wait until a new access point is V(available), or a deleted one is gone.
    type: bool
    default: true
  wait_timeout:
    description:
      - How long to wait, in seconds.
    type: int
    default: 300
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
  - kstore.platform.attributes
  - kstore.platform.attributes.actiongroup_aws
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
notes:
  - The C(Name) tag is always O(name), whatever O(tags) and O(purge_tags) say.
  - The IAM actions used are C(elasticfilesystem:DescribeAccessPoints), C(elasticfilesystem:CreateAccessPoint),
    C(elasticfilesystem:DeleteAccessPoint), C(elasticfilesystem:TagResource) and
    C(elasticfilesystem:UntagResource).
"""

EXAMPLES = r"""
- name: Access point for PrestaShop's img directory, owned by www-data
  kstore.platform.efs_access_point:
    state: present
    file_system_id: fs-0123456789abcdef0
    name: shop-prod-img
    posix_user:
      uid: 33
      gid: 33
    root_directory:
      path: /prestashop/img
      creation_info:
        owner_uid: 33
        owner_gid: 33
        permissions: "0755"
    tags:
      Platform: shop
      Environment: prod

- name: Move it to another directory (a new access point, with a new ID)
  kstore.platform.efs_access_point:
    file_system_id: fs-0123456789abcdef0
    name: shop-prod-img
    posix_user:
      uid: 33
      gid: 33
    root_directory:
      path: /prestashop/images
    force: true

- name: Remove the access point
  kstore.platform.efs_access_point:
    state: absent
    file_system_id: fs-0123456789abcdef0
    name: shop-prod-img
"""

RETURN = r"""
access_point:
  description:
    - The access point.
    - In check mode, when the access point would be created or replaced, the values it would have, without
      RV(access_point.access_point_id) and the fields only AWS sets.
  returned: when O(state=present)
  type: dict
  contains:
    access_point_id:
      description: The ID of the access point.
      returned: when the access point exists
      type: str
      sample: fsap-0123456789abcdef0
    access_point_arn:
      description: The ARN of the access point.
      returned: when the access point exists
      type: str
      sample: arn:aws:elasticfilesystem:eu-west-1:123456789012:access-point/fsap-0123456789abcdef0
    file_system_id:
      description: The ID of the file system.
      returned: always
      type: str
      sample: fs-0123456789abcdef0
    name:
      description: The name (C(Name) tag) of the access point.
      returned: always
      type: str
      sample: shop-prod-img
    posix_user:
      description: The POSIX identity of the requests made through the access point.
      returned: when set
      type: dict
      sample: {"uid": 33, "gid": 33, "secondary_gids": []}
    root_directory:
      description: The directory exposed as the root, and how EFS creates it.
      returned: always
      type: dict
      sample: {"path": "/prestashop/img", "creation_info": {"owner_uid": 33, "owner_gid": 33, "permissions": "0755"}}
    life_cycle_state:
      description: The state of the access point (V(creating), V(available), V(updating), V(deleting), V(deleted),
        V(error)).
      returned: when the access point exists
      type: str
      sample: available
    owner_id:
      description: The AWS account that owns the access point.
      returned: when the access point exists
      type: str
      sample: "123456789012"
    tags:
      description: The tags of the access point, C(Name) included.
      returned: always
      type: dict
      sample: {"Name": "shop-prod-img", "Platform": "shop"}
"""

import re
import time
import uuid
from typing import Any

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import (
    is_boto3_error_code,
    paginated_query_with_retries,
)
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.transformation import boto3_resource_to_ansible_dict
from ansible_collections.kstore.platform.plugins.module_utils.tagging import plan_tags

# What --diff shows: the settings of an access point, not its bookkeeping (state, owner).
DIFF_KEYS = ("access_point_id", "file_system_id", "name", "posix_user", "root_directory", "tags")
WAIT_DELAY = 2
# EFS throttles with ThrottlingException, which AWSRetry does not retry by default.
RETRY = AWSRetry.jittered_backoff(catch_extra_error_codes=["ThrottlingException"])


class AccessPointGone(Exception):
    """The access point disappeared while being waited for."""


def _permissions(value: Any) -> int | None:
    """'0755', '755' and 493 are the same permissions."""
    if value is None:
        return None
    text = str(value)
    return int(text, 8) if re.fullmatch(r"[0-7]{1,4}", text) else None


def validate_params(module: AnsibleAWSModule) -> None:
    params = module.params
    root = params["root_directory"]
    if root is None:
        return
    if not root["path"].startswith("/"):
        module.fail_json(msg=f"root_directory.path must be an absolute path, got {root['path']!r}")
    if len(root["path"]) > 100:
        module.fail_json(msg="root_directory.path may have at most 100 characters (AWS limit)")
    creation_info = root.get("creation_info")
    if creation_info and not re.fullmatch(r"[0-7]{3,4}", creation_info["permissions"]):
        module.fail_json(
            msg=f"root_directory.creation_info.permissions must be 3 or 4 octal digits such as '0755', "
            f"got {creation_info['permissions']!r}"
        )


def _normalize_path(path: str | None) -> str:
    path = path or "/"
    return path.rstrip("/") or "/"


def _to_ansible(access_point: dict[str, Any]) -> dict[str, Any]:
    result = boto3_resource_to_ansible_dict(access_point)
    result.pop("client_token", None)
    if not result.get("name"):
        result["name"] = result.get("tags", {}).get("Name")
    if "posix_user" in result and result["posix_user"] is not None:
        result["posix_user"].setdefault("secondary_gids", [])
    if not result.get("posix_user"):
        result.pop("posix_user", None)
    return result


def find_access_point(module: AnsibleAWSModule, client: Any) -> tuple[dict[str, Any] | None, bool]:
    """The access point named ``name`` on the file system, and whether the file system exists."""
    params = module.params
    try:
        access_points = paginated_query_with_retries(
            client, "describe_access_points", retry_decorator=RETRY, FileSystemId=params["file_system_id"]
        )["AccessPoints"]
    except is_boto3_error_code("FileSystemNotFound"):
        return None, False
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Failed to describe the access points of {params['file_system_id']}")
    matches = [
        access_point
        for access_point in access_points
        if access_point.get("LifeCycleState") not in ("deleting", "deleted")
        and {tag["Key"]: tag.get("Value") for tag in access_point.get("Tags", [])}.get("Name") == params["name"]
    ]
    if len(matches) > 1:
        ids = ", ".join(access_point["AccessPointId"] for access_point in matches)
        module.fail_json(
            msg=f"{params['file_system_id']} has {len(matches)} access points named {params['name']!r} ({ids}); "
            "delete all but one"
        )
    return (_to_ansible(matches[0]) if matches else None), True


def describe_access_point(client: Any, access_point_id: str) -> dict[str, Any]:
    """The access point by ID; raises AccessPointGone when AWS no longer knows it."""
    try:
        access_points = client.describe_access_points(aws_retry=True, AccessPointId=access_point_id)["AccessPoints"]
    except is_boto3_error_code("AccessPointNotFound"):
        raise AccessPointGone(access_point_id) from None
    if not access_points:
        raise AccessPointGone(access_point_id)
    return access_points[0]


def desired_posix_user(params: dict[str, Any]) -> dict[str, Any] | None:
    posix_user = params["posix_user"]
    if posix_user is None:
        return None
    return {"uid": posix_user["uid"], "gid": posix_user["gid"], "secondary_gids": posix_user["secondary_gids"] or []}


def desired_root_directory(params: dict[str, Any]) -> dict[str, Any] | None:
    root = params["root_directory"]
    if root is None:
        return None
    result: dict[str, Any] = {"path": root["path"]}
    if root.get("creation_info"):
        result["creation_info"] = dict(root["creation_info"])
    return result


def desired_settings(params: dict[str, Any]) -> dict[str, Any]:
    """The settings the task asks for, in the shape of RV(access_point); unset options are left out."""
    settings: dict[str, Any] = {
        "file_system_id": params["file_system_id"],
        "name": params["name"],
        "root_directory": desired_root_directory(params) or {"path": "/"},
    }
    posix_user = desired_posix_user(params)
    if posix_user is not None:
        settings["posix_user"] = posix_user
    return settings


def settings_that_differ(existing: dict[str, Any], params: dict[str, Any]) -> list[str]:
    """What the task sets differently from the existing access point (AWS can only change it by replacing it)."""
    differing = []
    posix_user = desired_posix_user(params)
    if posix_user is not None:
        have = existing.get("posix_user") or {}
        if (
            have.get("uid") != posix_user["uid"]
            or have.get("gid") != posix_user["gid"]
            or sorted(have.get("secondary_gids") or []) != sorted(posix_user["secondary_gids"])
        ):
            differing.append(f"posix_user (is {_describe(have or None)}, task wants {_describe(posix_user)})")
    root = desired_root_directory(params)
    if root is not None:
        have_root = existing.get("root_directory") or {}
        if _normalize_path(have_root.get("path")) != _normalize_path(root["path"]):
            differing.append(f"root_directory.path (is {have_root.get('path', '/')!r}, task wants {root['path']!r})")
        wanted_info = root.get("creation_info")
        have_info = have_root.get("creation_info")
        if wanted_info is not None and (
            not have_info
            or have_info.get("owner_uid") != wanted_info["owner_uid"]
            or have_info.get("owner_gid") != wanted_info["owner_gid"]
            or _permissions(have_info.get("permissions")) != _permissions(wanted_info["permissions"])
        ):
            differing.append(
                f"root_directory.creation_info (is {_describe(have_info)}, task wants {_describe(wanted_info)})"
            )
    return differing


def _describe(value: dict[str, Any] | None) -> str:
    if not value:
        return "not set"
    return "{" + ", ".join(f"{key}: {value[key]}" for key in sorted(value)) + "}"


def wait_until(module: AnsibleAWSModule, client: Any, access_point_id: str, gone: bool) -> dict[str, Any] | None:
    """Wait until the access point is available (``gone=False``) or deleted (``gone=True``)."""
    deadline = time.monotonic() + module.params["wait_timeout"]
    while True:
        try:
            access_point = describe_access_point(client, access_point_id)
        except AccessPointGone:
            if gone:
                return None
            module.fail_json(msg=f"Access point {access_point_id} disappeared while waiting for it to be available")
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
            module.fail_json_aws(e, msg=f"Failed to describe access point {access_point_id}")
        state = access_point.get("LifeCycleState")
        if gone and state == "deleted":
            return None
        if not gone and state == "available":
            return access_point
        if not gone and state == "error":
            module.fail_json(
                msg=f"Access point {access_point_id} is in state error", access_point=_to_ansible(access_point)
            )
        if time.monotonic() >= deadline:
            wanted = "deleted" if gone else "available"
            module.fail_json(
                msg=f"Timed out after {module.params['wait_timeout']} s waiting for access point {access_point_id} "
                f"to be {wanted} (it is {state})"
            )
        time.sleep(WAIT_DELAY)


def create_access_point(module: AnsibleAWSModule, client: Any, tags: dict[str, str]) -> dict[str, Any]:
    params = module.params
    request: dict[str, Any] = {
        "FileSystemId": params["file_system_id"],
        # The same token on every retry: AWS creates the access point once even if an answer is lost.
        "ClientToken": str(uuid.uuid4()),
        "Tags": ansible_dict_to_boto3_tag_list(tags),
    }
    posix_user = desired_posix_user(params)
    if posix_user is not None:
        request["PosixUser"] = {"Uid": posix_user["uid"], "Gid": posix_user["gid"]}
        if posix_user["secondary_gids"]:
            request["PosixUser"]["SecondaryGids"] = posix_user["secondary_gids"]
    root = desired_root_directory(params)
    if root is not None:
        request["RootDirectory"] = {"Path": root["path"]}
        if "creation_info" in root:
            info = root["creation_info"]
            request["RootDirectory"]["CreationInfo"] = {
                "OwnerUid": info["owner_uid"],
                "OwnerGid": info["owner_gid"],
                "Permissions": info["permissions"],
            }
    try:
        access_point = client.create_access_point(aws_retry=True, **request)
    except is_boto3_error_code("FileSystemNotFound"):
        module.fail_json(msg=f"File system {params['file_system_id']} does not exist")
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Failed to create access point {params['name']} on {params['file_system_id']}")
    access_point.pop("ResponseMetadata", None)
    if params["wait"] and access_point.get("LifeCycleState") != "available":
        access_point = wait_until(module, client, access_point["AccessPointId"], gone=False) or access_point
    return _to_ansible(access_point)


def delete_access_point(module: AnsibleAWSModule, client: Any, access_point_id: str) -> None:
    try:
        client.delete_access_point(aws_retry=True, AccessPointId=access_point_id)
    except is_boto3_error_code("AccessPointNotFound"):
        return  # Already gone.
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Failed to delete access point {access_point_id}")
    if module.params["wait"]:
        wait_until(module, client, access_point_id, gone=True)


def update_tags(
    module: AnsibleAWSModule, client: Any, access_point_id: str, to_set: dict[str, str], to_unset: list[str]
) -> None:
    try:
        if to_unset:
            client.untag_resource(aws_retry=True, ResourceId=access_point_id, TagKeys=to_unset)
        if to_set:
            client.tag_resource(aws_retry=True, ResourceId=access_point_id, Tags=ansible_dict_to_boto3_tag_list(to_set))
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to update the tags of access point {access_point_id}")


def _wanted_tags(params: dict[str, Any]) -> dict[str, Any] | None:
    """The tags the task asks for; the Name tag is the access point's identity and always set."""
    if params["tags"] is None:
        return None
    return dict(params["tags"], Name=params["name"])


def ensure_present(
    module: AnsibleAWSModule, client: Any, existing: dict[str, Any] | None, file_system_exists: bool
) -> dict[str, Any]:
    params = module.params
    if existing is None:
        tags = plan_tags({}, _wanted_tags(params) or {"Name": params["name"]}, params["purge_tags"])[2]
        if module.check_mode:
            return {"changed": True, "access_point": dict(desired_settings(params), tags=tags)}
        if not file_system_exists:
            module.fail_json(msg=f"File system {params['file_system_id']} does not exist")
        return {"changed": True, "access_point": create_access_point(module, client, tags)}

    current_tags = existing.get("tags", {})
    to_set, to_unset, tags = plan_tags(current_tags, _wanted_tags(params), params["purge_tags"])
    differing = settings_that_differ(existing, params)
    if differing:
        if not params["force"]:
            module.fail_json(
                msg=f"Access point {params['name']} ({existing['access_point_id']}) on {params['file_system_id']} "
                f"differs in {'; '.join(differing)}. AWS cannot change an access point in place: set force=true to "
                "replace it. The replacement gets a new access point ID, so whatever refers to the old one (ECS task "
                "definitions, mounts) must be updated.",
                access_point=existing,
            )
        if module.check_mode:
            kept = {key: value for key, value in existing.items() if key in DIFF_KEYS and key != "access_point_id"}
            return {"changed": True, "access_point": dict(kept, **desired_settings(params), tags=tags)}
        delete_access_point(module, client, existing["access_point_id"])
        return {"changed": True, "access_point": create_access_point(module, client, tags)}

    if not (to_set or to_unset):
        return {"changed": False, "access_point": existing}
    if module.check_mode:
        return {"changed": True, "access_point": dict(existing, tags=tags)}
    update_tags(module, client, existing["access_point_id"], to_set, to_unset)
    try:
        current = _to_ansible(describe_access_point(client, existing["access_point_id"]))
    except (AccessPointGone, botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError):
        current = dict(existing, tags=tags)
    return {"changed": True, "access_point": current}


def ensure_absent(module: AnsibleAWSModule, client: Any, existing: dict[str, Any] | None) -> dict[str, Any]:
    if existing is None:
        return {"changed": False}
    if not module.check_mode:
        delete_access_point(module, client, existing["access_point_id"])
    return {"changed": True}


def _diff_view(access_point: dict[str, Any] | None) -> dict[str, Any]:
    return {key: value for key, value in (access_point or {}).items() if key in DIFF_KEYS and value is not None}


def main() -> None:
    argument_spec = {
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "file_system_id": {"type": "str", "required": True},
        "name": {"type": "str", "required": True},
        "posix_user": {
            "type": "dict",
            "options": {
                "uid": {"type": "int", "required": True},
                "gid": {"type": "int", "required": True},
                "secondary_gids": {"type": "list", "elements": "int"},
            },
        },
        "root_directory": {
            "type": "dict",
            "options": {
                "path": {"type": "str", "default": "/"},
                "creation_info": {
                    "type": "dict",
                    "options": {
                        "owner_uid": {"type": "int", "required": True},
                        "owner_gid": {"type": "int", "required": True},
                        "permissions": {"type": "str", "required": True},
                    },
                },
            },
        },
        "force": {"type": "bool", "default": False},
        "wait": {"type": "bool", "default": True},
        "wait_timeout": {"type": "int", "default": 300},
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate_params(module)
    client = module.client("efs", retry_decorator=RETRY)

    existing, file_system_exists = find_access_point(module, client)
    if module.params["state"] == "present":
        result = ensure_present(module, client, existing, file_system_exists)
    else:
        result = ensure_absent(module, client, existing)
    if module._diff:  # pylint: disable=protected-access
        result["diff"] = {"before": _diff_view(existing), "after": _diff_view(result.get("access_point"))}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
