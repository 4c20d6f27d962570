"""kstore.platform.elasticache_replication_group: the real module code against the real emulator over HTTP.

Each test runs the module's ``main()`` in-process with module args (as Ansible would), then checks what exists in
the emulator through boto3 and which API calls reached it (its request counter). The emulator's fidelity patch
elasticache_replication_group_lifecycle gives replication groups the member clusters, modifications and deletion
AWS has.
"""

from __future__ import annotations

import json
import types
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from ansible_collections.amazon.aws.plugins.module_utils import cloud
from ansible_collections.kstore.platform.plugins.modules import elasticache_replication_group
from botocore.exceptions import ClientError

GROUP = "shop-dev-redis"
TOKEN = "s3cr3t-t0ken-0123456789abcdef"
KMS_ARN = "arn:aws:kms:eu-west-1:123456789012:key/0d3c9e5a-1111-2222-3333-444455556666"
MUTATING = (
    "elasticache:CreateReplicationGroup",
    "elasticache:ModifyReplicationGroup",
    "elasticache:DeleteReplicationGroup",
    "elasticache:AddTagsToResource",
    "elasticache:RemoveTagsFromResource",
)


@pytest.fixture()
def elasticache(clean_emulator: Any) -> Any:
    return boto3.client("elasticache", region_name="eu-west-1", endpoint_url=clean_emulator.url)


@pytest.fixture()
def network(clean_emulator: Any, elasticache: Any) -> dict[str, Any]:
    ec2 = boto3.client("ec2", region_name="eu-west-1", endpoint_url=clean_emulator.url)
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.30.{i}.0/24", AvailabilityZone=f"eu-west-1{zone}")["Subnet"][
            "SubnetId"
        ]
        for i, zone in enumerate("ab")
    ]
    groups = [
        ec2.create_security_group(GroupName=f"redis-{i}", Description="redis", VpcId=vpc)["GroupId"] for i in range(2)
    ]
    elasticache.create_cache_subnet_group(
        CacheSubnetGroupName=GROUP, CacheSubnetGroupDescription="redis", SubnetIds=subnets
    )
    clean_emulator.reset_requests()
    return {"vpc": vpc, "subnets": subnets, "security_groups": groups}


@pytest.fixture()
def group(run_module: Callable[..., dict], network: dict[str, Any]) -> Callable[..., dict]:
    """Run the module for GROUP with a complete spec; keyword arguments add or override (None removes) args."""

    def run(check_mode: bool = False, diff: bool = False, **args: Any) -> dict:
        module_args = {
            "replication_group_id": GROUP,
            "description": "sessions",
            "engine": "redis",
            "engine_version": "7.1",
            "cache_node_type": "cache.t4g.micro",
            "replicas_per_node_group": 1,
            "automatic_failover": True,
            "multi_az": True,
            "at_rest_encryption": True,
            "kms_key_id": KMS_ARN,
            "transit_encryption": True,
            "auth_token": TOKEN,
            "cache_subnet_group": GROUP,
            "security_group_ids": network["security_groups"][:1],
            "preferred_maintenance_window": "sun:03:00-sun:04:00",
            "snapshot_retention_limit": 3,
            "tags": {"Component": "cache"},
            **args,
        }
        module_args = {key: value for key, value in module_args.items() if value is not None}
        return run_module(elasticache_replication_group.main, module_args, check_mode=check_mode, diff=diff)

    return run


def described(elasticache: Any) -> dict[str, Any] | None:
    try:
        return elasticache.describe_replication_groups(ReplicationGroupId=GROUP)["ReplicationGroups"][0]
    except ClientError as e:
        assert e.response["Error"]["Code"] == "ReplicationGroupNotFoundFault"
        return None


def member(elasticache: Any) -> dict[str, Any]:
    return elasticache.describe_cache_clusters(CacheClusterId=f"{GROUP}-001")["CacheClusters"][0]


def tags_of(elasticache: Any, arn: str) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in elasticache.list_tags_for_resource(ResourceName=arn)["TagList"]}


def mutating_calls(emulator: Any) -> dict[str, int]:
    return {action: count for action, count in emulator.requests()["by_action"].items() if action in MUTATING}


def test_create(group: Callable[..., dict], elasticache: Any, network: dict[str, Any]) -> None:
    result = group(diff=True)

    assert result["changed"] is True, result
    created = described(elasticache)
    assert created["MemberClusters"] == [f"{GROUP}-001", f"{GROUP}-002"]
    assert created["AutomaticFailover"] == "enabled"
    assert created["MultiAZ"] == "enabled"
    assert created["AtRestEncryptionEnabled"] is True
    assert created["KmsKeyId"] == KMS_ARN
    assert created["TransitEncryptionEnabled"] is True
    assert created["AuthTokenEnabled"] is True
    assert created["SnapshotRetentionLimit"] == 3
    assert tags_of(elasticache, created["ARN"]) == {"Component": "cache"}
    node = member(elasticache)
    assert node["EngineVersion"] == "7.1"
    assert node["CacheSubnetGroupName"] == GROUP
    assert [g["SecurityGroupId"] for g in node["SecurityGroups"]] == network["security_groups"][:1]

    view = result["replication_group"]
    assert view["arn"] == created["ARN"]
    assert view["replicas_per_node_group"] == 1
    assert view["primary_endpoint"] == created["NodeGroups"][0]["PrimaryEndpoint"]["Address"]
    assert view["reader_endpoint"] == created["NodeGroups"][0]["ReaderEndpoint"]["Address"]
    assert view["port"] == 6379
    assert view["auth_token_enabled"] is True
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["cache_node_type"] == "cache.t4g.micro"
    assert TOKEN not in json.dumps(result)


def test_second_run_is_not_changed(group: Callable[..., dict], elasticache: Any, clean_emulator: Any) -> None:
    group()
    clean_emulator.reset_requests()

    second = group(diff=True)

    assert second["changed"] is False, second
    assert second["diff"]["before"] == second["diff"]["after"]
    assert mutating_calls(clean_emulator) == {}


def test_check_mode_create(group: Callable[..., dict], elasticache: Any, clean_emulator: Any) -> None:
    result = group(check_mode=True, diff=True)

    assert result["changed"] is True, result
    assert "arn" not in result["replication_group"]
    assert result["replication_group"]["tags"] == {"Component": "cache"}
    assert result["diff"]["before"] == {}
    assert described(elasticache) is None
    assert mutating_calls(clean_emulator) == {}


def test_modify_in_place(
    group: Callable[..., dict], elasticache: Any, network: dict[str, Any], clean_emulator: Any
) -> None:
    arn = group()["replication_group"]["arn"]
    changes = {
        "cache_node_type": "cache.t4g.small",
        "engine_version": "7.2",
        "security_group_ids": network["security_groups"],
        "preferred_maintenance_window": "mon:02:00-mon:03:00",
        "snapshot_retention_limit": 7,
        "description": "sessions and cache",
    }
    clean_emulator.reset_requests()

    check = group(check_mode=True, diff=True, **changes)
    assert check["changed"] is True
    assert check["diff"]["before"]["cache_node_type"] == "cache.t4g.micro"
    assert check["diff"]["after"]["cache_node_type"] == "cache.t4g.small"
    assert check["diff"]["after"]["engine_version"] == "7.2"
    assert mutating_calls(clean_emulator) == {}

    result = group(**changes)
    assert result["changed"] is True, result
    assert mutating_calls(clean_emulator) == {"elasticache:ModifyReplicationGroup": 1}
    current = described(elasticache)
    assert current["ARN"] == arn  # the same group
    assert current["CacheNodeType"] == "cache.t4g.small"
    assert current["SnapshotRetentionLimit"] == 7
    assert current["Description"] == "sessions and cache"
    node = member(elasticache)
    assert node["EngineVersion"] == "7.2"
    assert sorted(g["SecurityGroupId"] for g in node["SecurityGroups"]) == sorted(network["security_groups"])
    assert node["PreferredMaintenanceWindow"] == "mon:02:00-mon:03:00"

    assert group(**changes)["changed"] is False


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"port": 6380}, "port (6379 -> 6380)"),
        ({"at_rest_encryption": False, "kms_key_id": None}, "at_rest_encryption (True -> False)"),
        ({"cache_subnet_group": "other"}, "cache_subnet_group"),
        ({"transit_encryption": False, "auth_token": None}, "transit_encryption"),
        ({"kms_key_id": KMS_ARN.replace("0d3c", "ffff")}, "kms_key_id"),
        ({"replicas_per_node_group": 2}, "replicas_per_node_group (1 -> 2)"),
    ],
)
def test_settings_that_need_a_replacement_fail(
    group: Callable[..., dict], elasticache: Any, clean_emulator: Any, change: dict, named: str
) -> None:
    group()
    clean_emulator.reset_requests()

    result = group(**change)

    assert result.get("failed") is True, result
    assert named in result["msg"]
    assert "needs a new replication group" in result["msg"]
    assert mutating_calls(clean_emulator) == {}


def test_downgrade_fails(group: Callable[..., dict], clean_emulator: Any) -> None:
    group(engine_version="7.1")
    clean_emulator.reset_requests()

    result = group(engine_version="6.2")

    assert result.get("failed") is True
    assert "would be a downgrade" in result["msg"]
    assert mutating_calls(clean_emulator) == {}


def test_unset_options_are_left_alone(group: Callable[..., dict], elasticache: Any) -> None:
    group()
    minimal = group(
        **{
            key: None
            for key in (
                "description",
                "engine_version",
                "cache_node_type",
                "automatic_failover",
                "multi_az",
                "at_rest_encryption",
                "kms_key_id",
                "transit_encryption",
                "auth_token",
                "cache_subnet_group",
                "security_group_ids",
                "preferred_maintenance_window",
                "snapshot_retention_limit",
                "tags",
            )
        }
    )
    assert minimal["changed"] is False, minimal
    assert tags_of(elasticache, minimal["replication_group"]["arn"]) == {"Component": "cache"}


def test_auth_token_is_set_only_on_request(group: Callable[..., dict], clean_emulator: Any) -> None:
    group()
    clean_emulator.reset_requests()

    other_token = group(auth_token="an0ther-t0ken-0123456789abcdef")
    assert other_token["changed"] is False  # a token cannot be read back: not compared
    assert mutating_calls(clean_emulator) == {}

    rotated = group(auth_token="an0ther-t0ken-0123456789abcdef", update_auth_token=True, diff=True)
    assert rotated["changed"] is True, rotated
    assert mutating_calls(clean_emulator) == {"elasticache:ModifyReplicationGroup": 1}
    assert "an0ther-t0ken" not in json.dumps(rotated)


def test_tags_update_and_purge(group: Callable[..., dict], elasticache: Any) -> None:
    arn = group(tags={"Component": "cache", "Owner": "ops"})["replication_group"]["arn"]

    merged = group(tags={"Owner": "platform"}, purge_tags=False)
    assert merged["changed"] is True
    assert tags_of(elasticache, arn) == {"Component": "cache", "Owner": "platform"}
    assert merged["replication_group"]["tags"] == tags_of(elasticache, arn)

    purged = group(tags={"Tier": "data"})
    assert purged["changed"] is True
    assert tags_of(elasticache, arn) == {"Tier": "data"}


def test_absent(group: Callable[..., dict], elasticache: Any, clean_emulator: Any) -> None:
    group()

    check = group(state="absent", check_mode=True, diff=True)
    assert check["changed"] is True
    assert check["diff"]["after"] == {}
    assert check["diff"]["before"]["replication_group_id"] == GROUP
    assert described(elasticache) is not None

    result = group(state="absent", final_snapshot_identifier=f"{GROUP}-final")
    assert result["changed"] is True, result
    assert described(elasticache) is None
    assert elasticache.describe_cache_clusters()["CacheClusters"] == []
    assert [s["SnapshotName"] for s in elasticache.describe_snapshots()["Snapshots"]] == [f"{GROUP}-final"]

    clean_emulator.reset_requests()
    again = group(state="absent")
    assert again["changed"] is False, again
    assert mutating_calls(clean_emulator) == {}


def test_cluster_mode_enabled(run_module: Callable[..., dict], elasticache: Any) -> None:
    args = {
        "replication_group_id": GROUP,
        "description": "sharded",
        "cache_node_type": "cache.t4g.micro",
        "num_node_groups": 2,
        "replicas_per_node_group": 1,
    }
    result = run_module(elasticache_replication_group.main, args)

    assert result["changed"] is True, result
    created = described(elasticache)
    assert created["ClusterEnabled"] is True
    assert len(created["NodeGroups"]) == 2
    assert result["replication_group"]["configuration_endpoint"].startswith("clustercfg.")
    assert result["replication_group"]["num_node_groups"] == 2
    assert run_module(elasticache_replication_group.main, args)["changed"] is False


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"cache_node_type": "t4g.micro"}, "cache_node_type 't4g.micro' is not an ElastiCache node type"),
        ({"replicas_per_node_group": 6}, "replicas_per_node_group must be 0 to 5"),
        ({"automatic_failover": False}, "multi_az=true needs automatic_failover=true"),
        ({"replicas_per_node_group": 0}, "need at least one replica"),
        ({"transit_encryption": False}, "auth_token needs transit_encryption=true"),
        ({"auth_token": "short"}, "auth_token must be 16-128 printable characters"),
        ({"at_rest_encryption": False}, "kms_key_id needs at_rest_encryption=true"),
        ({"auth_token": None, "update_auth_token": True}, "update_auth_token=true needs auth_token"),
    ],
)
def test_bad_input_fails_before_any_call(
    group: Callable[..., dict], clean_emulator: Any, args: dict, message: str
) -> None:
    result = group(**args)

    assert result.get("failed") is True, result
    assert message in result["msg"]
    assert clean_emulator.requests()["total"] == 0


def test_create_without_node_type_fails(run_module: Callable[..., dict], elasticache: Any) -> None:
    result = run_module(elasticache_replication_group.main, {"replication_group_id": GROUP, "description": "x"})

    assert result.get("failed") is True
    assert "cache_node_type is required to create" in result["msg"]
    assert described(elasticache) is None


# Retries: a botocore event handler on the module's own client answers the first calls with a throttling error
# (see test_ec2_vpc_flow_log.py for why not Stubber).


@pytest.fixture()
def backoff_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    sleeps: list[float] = []
    monkeypatch.setattr(cloud, "time", types.SimpleNamespace(sleep=sleeps.append))
    return sleeps


@pytest.mark.parametrize("code", ["Throttling", "ThrottlingException"])
def test_throttling_is_retried_by_the_module(
    group: Callable[..., dict],
    inject_aws_errors: Callable[..., None],
    backoff_sleeps: list[float],
    elasticache: Any,
    clean_emulator: Any,
    code: str,
) -> None:
    remaining = [2]

    def throttled(**_: Any) -> str | None:
        if not remaining[0]:
            return None
        remaining[0] -= 1
        return code

    inject_aws_errors("elasticache", "CreateReplicationGroup", throttled)

    result = group()

    assert result["changed"] is True, result
    assert remaining == [0]
    assert len(backoff_sleeps) == 2  # AWSRetry retried (ThrottlingException through catch_extra_error_codes)
    assert clean_emulator.requests()["by_action"]["elasticache:CreateReplicationGroup"] == 1
    assert described(elasticache) is not None
