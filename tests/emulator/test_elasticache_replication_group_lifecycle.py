"""Replication groups: member clusters, ModifyReplicationGroup, delete (elasticache_replication_group_lifecycle)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError


def create(elasticache: Any, **extra: Any) -> dict[str, Any]:
    return elasticache.create_replication_group(
        ReplicationGroupId="sessions",
        ReplicationGroupDescription="sessions",
        Engine="redis",
        EngineVersion="7.1",
        CacheNodeType="cache.t4g.micro",
        NumCacheClusters=2,
        AutomaticFailoverEnabled=True,
        MultiAZEnabled=True,
        CacheParameterGroupName="default.redis7",
        CacheSubnetGroupName="sessions-subnets",
        SecurityGroupIds=["sg-11111111"],
        PreferredMaintenanceWindow="sun:03:00-sun:04:00",
        **extra,
    )["ReplicationGroup"]


def test_num_cache_clusters_makes_member_clusters(aws: Callable[[str], Any]) -> None:
    elasticache = aws("elasticache")
    group = create(elasticache)
    assert group["MemberClusters"] == ["sessions-001", "sessions-002"]
    assert len(group["NodeGroups"][0]["NodeGroupMembers"]) == 2
    assert group["NodeGroups"][0]["ReaderEndpoint"]["Address"].startswith("replica.")
    assert group["NodeGroups"][0]["ReaderEndpoint"]["Port"] == 6379

    clusters = elasticache.describe_cache_clusters()["CacheClusters"]
    assert sorted(c["CacheClusterId"] for c in clusters) == ["sessions-001", "sessions-002"]
    for cluster in clusters:
        assert cluster["ReplicationGroupId"] == "sessions"
        assert cluster["EngineVersion"] == "7.1"
        assert cluster["CacheSubnetGroupName"] == "sessions-subnets"
        assert cluster["CacheParameterGroup"]["CacheParameterGroupName"] == "default.redis7"
        assert cluster["PreferredMaintenanceWindow"] == "sun:03:00-sun:04:00"
        assert [g["SecurityGroupId"] for g in cluster["SecurityGroups"]] == ["sg-11111111"]


def test_modify_applies_documented_parameters(aws: Callable[[str], Any]) -> None:
    elasticache = aws("elasticache")
    create(elasticache, AuthToken="a" * 32, TransitEncryptionEnabled=True)
    elasticache.modify_replication_group(
        ReplicationGroupId="sessions",
        EngineVersion="7.2",
        SecurityGroupIds=["sg-22222222"],
        CacheParameterGroupName="custom-redis7",
        PreferredMaintenanceWindow="mon:03:00-mon:04:00",
        AuthToken="b" * 32,
        AuthTokenUpdateStrategy="ROTATE",
        ApplyImmediately=True,
    )
    cluster = elasticache.describe_cache_clusters(CacheClusterId="sessions-002")["CacheClusters"][0]
    assert cluster["EngineVersion"] == "7.2"
    assert [g["SecurityGroupId"] for g in cluster["SecurityGroups"]] == ["sg-22222222"]
    assert cluster["CacheParameterGroup"]["CacheParameterGroupName"] == "custom-redis7"
    assert cluster["PreferredMaintenanceWindow"] == "mon:03:00-mon:04:00"
    group = elasticache.describe_replication_groups(ReplicationGroupId="sessions")["ReplicationGroups"][0]
    assert group["AuthTokenEnabled"] is True


def test_delete_removes_group_and_members(aws: Callable[[str], Any]) -> None:
    elasticache = aws("elasticache")
    create(elasticache)
    deleted = elasticache.delete_replication_group(ReplicationGroupId="sessions", FinalSnapshotIdentifier="last")
    assert deleted["ReplicationGroup"]["Status"] == "deleting"

    with pytest.raises(ClientError) as error:
        elasticache.describe_replication_groups(ReplicationGroupId="sessions")
    assert error.value.response["Error"]["Code"] == "ReplicationGroupNotFoundFault"
    assert elasticache.describe_cache_clusters()["CacheClusters"] == []
    assert [s["SnapshotName"] for s in elasticache.describe_snapshots()["Snapshots"]] == ["last"]
