"""kstore.platform.efs_access_point: the real module code against the real emulator over HTTP.

Each test runs the module's ``main()`` in-process with module args (as Ansible would), then checks what exists in
the emulator through boto3 and, where it matters, which API calls reached the emulator (its request counter).
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from ansible_collections.amazon.aws.plugins.module_utils import cloud
from ansible_collections.kstore.platform.plugins.modules import efs_access_point

NAME = "shop-dev-img"
POSIX_USER = {"uid": 33, "gid": 33}
ROOT = {"path": "/prestashop/img", "creation_info": {"owner_uid": 33, "owner_gid": 33, "permissions": "0755"}}
MUTATING = (
    "elasticfilesystem:CreateAccessPoint",
    "elasticfilesystem:DeleteAccessPoint",
    "elasticfilesystem:TagResource",
    "elasticfilesystem:UntagResource",
)


@pytest.fixture()
def efs(clean_emulator: Any) -> Any:
    return boto3.client("efs", region_name="eu-west-1", endpoint_url=clean_emulator.url)


@pytest.fixture()
def fs_id(efs: Any, clean_emulator: Any) -> str:
    file_system_id = efs.create_file_system(CreationToken="shop-dev-efs")["FileSystemId"]
    clean_emulator.reset_requests()
    return file_system_id


@pytest.fixture()
def access_point(run_module: Callable[..., dict], fs_id: str) -> Callable[..., dict]:
    """Run the module for NAME on the file system; keyword arguments add or override module args (None drops one)."""

    def run(check_mode: bool = False, diff: bool = False, **args: Any) -> dict:
        module_args = {
            "file_system_id": fs_id,
            "name": NAME,
            "posix_user": POSIX_USER,
            "root_directory": ROOT,
            **args,
        }
        module_args = {key: value for key, value in module_args.items() if value is not None}
        return run_module(efs_access_point.main, module_args, check_mode=check_mode, diff=diff)

    return run


def access_points_of(efs: Any, file_system_id: str) -> list[dict]:
    return efs.describe_access_points(FileSystemId=file_system_id)["AccessPoints"]


def tags_of(access_point: dict) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in access_point.get("Tags", [])}


def mutating_calls(emulator: Any) -> dict[str, int]:
    return {action: count for action, count in emulator.requests()["by_action"].items() if action in MUTATING}


def test_create(access_point: Callable[..., dict], efs: Any, fs_id: str) -> None:
    result = access_point(tags={"Component": "storage"}, diff=True)

    assert result["changed"] is True, result
    [created] = access_points_of(efs, fs_id)
    assert result["access_point"]["access_point_id"] == created["AccessPointId"]
    assert result["access_point"]["access_point_arn"] == created["AccessPointArn"]
    assert created["PosixUser"] == {"Uid": 33, "Gid": 33}
    assert created["RootDirectory"] == {
        "Path": "/prestashop/img",
        "CreationInfo": {"OwnerUid": 33, "OwnerGid": 33, "Permissions": "0755"},
    }
    assert tags_of(created) == {"Name": NAME, "Component": "storage"}
    assert result["access_point"]["name"] == NAME
    assert result["access_point"]["posix_user"] == {"uid": 33, "gid": 33, "secondary_gids": []}
    assert result["access_point"]["root_directory"]["creation_info"]["permissions"] == "0755"
    assert result["access_point"]["life_cycle_state"] == "available"
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["root_directory"]["path"] == "/prestashop/img"


def test_second_run_is_not_changed(
    access_point: Callable[..., dict], efs: Any, fs_id: str, clean_emulator: Any
) -> None:
    first = access_point(tags={"Component": "storage"})
    clean_emulator.reset_requests()

    # "755" and "0755" are the same permissions; a trailing slash is the same directory.
    second = access_point(
        tags={"Component": "storage"},
        root_directory={"path": "/prestashop/img/", "creation_info": dict(ROOT["creation_info"], permissions="755")},
    )

    assert second["changed"] is False, second
    assert second["access_point"]["access_point_id"] == first["access_point"]["access_point_id"]
    assert len(access_points_of(efs, fs_id)) == 1
    assert mutating_calls(clean_emulator) == {}


def test_check_mode_create(access_point: Callable[..., dict], efs: Any, fs_id: str, clean_emulator: Any) -> None:
    result = access_point(tags={"Component": "storage"}, check_mode=True, diff=True)

    assert result["changed"] is True, result
    assert "access_point_id" not in result["access_point"]
    assert result["access_point"]["tags"] == {"Name": NAME, "Component": "storage"}
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["posix_user"] == {"uid": 33, "gid": 33, "secondary_gids": []}
    assert access_points_of(efs, fs_id) == []
    assert mutating_calls(clean_emulator) == {}


def test_access_points_are_told_apart_by_name(access_point: Callable[..., dict], efs: Any, fs_id: str) -> None:
    img = access_point()["access_point"]["access_point_id"]
    upload = access_point(name="shop-dev-upload", root_directory=dict(ROOT, path="/prestashop/upload"))

    assert upload["changed"] is True
    assert upload["access_point"]["access_point_id"] != img
    assert sorted(tags_of(ap)["Name"] for ap in access_points_of(efs, fs_id)) == [NAME, "shop-dev-upload"]
    assert access_point()["changed"] is False


def test_tags_update_and_purge(access_point: Callable[..., dict], efs: Any, fs_id: str) -> None:
    access_point_id = access_point(tags={"Component": "storage", "Owner": "ops"})["access_point"]["access_point_id"]

    merged = access_point(tags={"Owner": "platform", "Tier": "1"}, purge_tags=False)
    assert merged["changed"] is True
    [current] = access_points_of(efs, fs_id)
    assert current["AccessPointId"] == access_point_id  # tags change in place
    assert tags_of(current) == {"Name": NAME, "Component": "storage", "Owner": "platform", "Tier": "1"}
    assert merged["access_point"]["tags"] == tags_of(current)

    untouched = access_point()  # no `tags`: leave them alone
    assert untouched["changed"] is False

    check = access_point(tags={"Tier": "2"}, check_mode=True, diff=True)
    assert check["changed"] is True
    assert check["diff"]["after"]["tags"] == {"Name": NAME, "Tier": "2"}
    assert tags_of(access_points_of(efs, fs_id)[0])["Owner"] == "platform"

    purged = access_point(tags={"Tier": "2"})
    assert purged["changed"] is True
    [current] = access_points_of(efs, fs_id)
    assert current["AccessPointId"] == access_point_id
    assert tags_of(current) == {"Name": NAME, "Tier": "2"}  # Name is the identity: never purged

    emptied = access_point(tags={})
    assert emptied["changed"] is True
    assert tags_of(access_points_of(efs, fs_id)[0]) == {"Name": NAME}


CHANGES = {
    "uid": ({"posix_user": {"uid": 1000, "gid": 33}}, "posix_user"),
    "secondary gids": ({"posix_user": {"uid": 33, "gid": 33, "secondary_gids": [4]}}, "posix_user"),
    "path": ({"root_directory": dict(ROOT, path="/prestashop/images")}, "root_directory.path"),
    "permissions": (
        {"root_directory": dict(ROOT, creation_info=dict(ROOT["creation_info"], permissions="0750"))},
        "root_directory.creation_info",
    ),
}


@pytest.mark.parametrize(("change", "setting"), list(CHANGES.values()), ids=list(CHANGES))
def test_immutable_change_fails_without_force(
    access_point: Callable[..., dict], efs: Any, fs_id: str, clean_emulator: Any, change: dict, setting: str
) -> None:
    old_id = access_point()["access_point"]["access_point_id"]
    clean_emulator.reset_requests()

    result = access_point(**change)

    assert result.get("failed") is True, result
    assert f"differs in {setting}" in result["msg"]
    assert "force=true" in result["msg"]
    assert "new access point ID" in result["msg"]
    assert [ap["AccessPointId"] for ap in access_points_of(efs, fs_id)] == [old_id]
    assert mutating_calls(clean_emulator) == {}


@pytest.mark.parametrize(("change", "setting"), list(CHANGES.values()), ids=list(CHANGES))
def test_force_replaces(access_point: Callable[..., dict], efs: Any, fs_id: str, change: dict, setting: str) -> None:
    old_id = access_point(tags={"Component": "storage"})["access_point"]["access_point_id"]

    result = access_point(force=True, diff=True, **change)

    assert result["changed"] is True, result
    [replacement] = access_points_of(efs, fs_id)
    assert replacement["AccessPointId"] != old_id
    assert result["access_point"]["access_point_id"] == replacement["AccessPointId"]
    assert tags_of(replacement) == {"Name": NAME, "Component": "storage"}  # carried over: the task did not set tags
    assert result["diff"]["before"]["access_point_id"] == old_id
    assert result["diff"]["after"]["access_point_id"] == replacement["AccessPointId"]
    assert access_point(force=True, **change)["changed"] is False


def test_check_mode_replace(access_point: Callable[..., dict], efs: Any, fs_id: str, clean_emulator: Any) -> None:
    old_id = access_point()["access_point"]["access_point_id"]
    clean_emulator.reset_requests()

    result = access_point(root_directory=dict(ROOT, path="/prestashop/images"), force=True, check_mode=True, diff=True)

    assert result["changed"] is True, result
    assert result["diff"]["before"]["root_directory"]["path"] == "/prestashop/img"
    assert result["diff"]["after"]["root_directory"]["path"] == "/prestashop/images"
    assert "access_point_id" not in result["access_point"]
    assert [ap["AccessPointId"] for ap in access_points_of(efs, fs_id)] == [old_id]
    assert mutating_calls(clean_emulator) == {}


def test_unset_settings_are_left_alone(access_point: Callable[..., dict], fs_id: str) -> None:
    access_point()

    result = access_point(posix_user=None, root_directory=None)

    assert result["changed"] is False, result
    assert result["access_point"]["posix_user"]["uid"] == 33


def test_absent(access_point: Callable[..., dict], efs: Any, fs_id: str, clean_emulator: Any) -> None:
    access_point_id = access_point()["access_point"]["access_point_id"]

    check = access_point(state="absent", check_mode=True, diff=True)
    assert check["changed"] is True
    assert check["diff"]["after"] == {}
    assert check["diff"]["before"]["access_point_id"] == access_point_id
    assert len(access_points_of(efs, fs_id)) == 1

    result = access_point(state="absent")
    assert result["changed"] is True, result
    assert "access_point" not in result
    assert access_points_of(efs, fs_id) == []

    clean_emulator.reset_requests()
    again = access_point(state="absent", posix_user=None, root_directory=None)
    assert again["changed"] is False, again
    assert mutating_calls(clean_emulator) == {}


def test_missing_file_system(run_module: Callable[..., dict], clean_emulator: Any) -> None:
    args = {"file_system_id": "fs-00000000", "name": NAME, "posix_user": POSIX_USER, "root_directory": ROOT}

    check = run_module(efs_access_point.main, args, check_mode=True)
    assert check["changed"] is True, check  # check mode on an empty account: the file system is still to come

    result = run_module(efs_access_point.main, args)
    assert result.get("failed") is True
    assert "File system fs-00000000 does not exist" in result["msg"]

    gone = run_module(efs_access_point.main, dict(args, state="absent"))
    assert gone["changed"] is False, gone
    assert mutating_calls(clean_emulator) == {}


def test_duplicate_names_fail_clearly(access_point: Callable[..., dict], efs: Any, fs_id: str) -> None:
    for token in ("a", "b"):
        efs.create_access_point(ClientToken=token, FileSystemId=fs_id, Tags=[{"Key": "Name", "Value": NAME}])

    result = access_point()

    assert result.get("failed") is True
    assert f"has 2 access points named '{NAME}'" in result["msg"]


@pytest.mark.parametrize(
    ("root_directory", "message"),
    [
        ({"path": "prestashop/img"}, "root_directory.path must be an absolute path"),
        (
            {"path": "/img", "creation_info": {"owner_uid": 33, "owner_gid": 33, "permissions": "rwx"}},
            "permissions must be 3 or 4 octal digits",
        ),
    ],
)
def test_bad_input_fails_before_any_call(
    access_point: Callable[..., dict], clean_emulator: Any, root_directory: dict, message: str
) -> None:
    result = access_point(root_directory=root_directory)

    assert result.get("failed") is True
    assert message in result["msg"]
    assert clean_emulator.requests()["total"] == 0


# Retries: a botocore event handler on the very client the module creates answers the first N calls of one
# operation with an AWS error; every later call goes to the emulator (see test_ec2_vpc_flow_log.py).


@pytest.fixture()
def throttle(inject_aws_errors: Callable[..., None]) -> Callable[[str, int], list[int]]:
    def install(operation: str, times: int) -> list[int]:
        injected: list[int] = []

        def throttled(**_: Any) -> str | None:
            if len(injected) == times:
                return None
            injected.append(1)
            return "ThrottlingException"

        inject_aws_errors("efs", operation, throttled)
        return injected

    return install


@pytest.fixture()
def backoff_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    sleeps: list[float] = []
    monkeypatch.setattr(cloud, "time", types.SimpleNamespace(sleep=sleeps.append))
    return sleeps


@pytest.mark.parametrize("operation", ["DescribeAccessPoints", "CreateAccessPoint", "TagResource"])
def test_throttling_exception_is_retried_by_the_module(
    access_point: Callable[..., dict],
    throttle: Callable[[str, int], list[int]],
    backoff_sleeps: list[float],
    efs: Any,
    fs_id: str,
    clean_emulator: Any,
    operation: str,
) -> None:
    """EFS throttles with ThrottlingException; the module's AWSRetry retries it (catch_extra_error_codes)."""
    if operation == "TagResource":
        access_point()
        backoff_sleeps.clear()
    injected = throttle(operation, 2)

    result = access_point(tags={"Component": "storage"})

    assert result["changed"] is True, result
    assert len(injected) == 2
    assert len(backoff_sleeps) == 2  # the retries came from AWSRetry, not from botocore
    [only] = access_points_of(efs, fs_id)
    assert tags_of(only) == {"Name": NAME, "Component": "storage"}
