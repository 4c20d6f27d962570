"""ElastiCache clusters report CacheSecurityGroups / SecurityGroups (elasticache_cluster_security_groups)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def test_security_groups_reported(aws: Callable[[str], Any]) -> None:
    ec2 = aws("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    group_id = ec2.create_security_group(GroupName="cache", Description="cache", VpcId=vpc_id)["GroupId"]
    elasticache = aws("elasticache")
    created = elasticache.create_cache_cluster(
        CacheClusterId="sessions",
        Engine="redis",
        CacheNodeType="cache.t4g.micro",
        NumCacheNodes=1,
        SecurityGroupIds=[group_id],
    )["CacheCluster"]
    assert created["CacheSecurityGroups"] == []
    assert created["SecurityGroups"] == [{"SecurityGroupId": group_id, "Status": "active"}]

    for show in (False, True):
        (cluster,) = elasticache.describe_cache_clusters(ShowCacheNodeInfo=show)["CacheClusters"]
        assert cluster["CacheSecurityGroups"] == []
        assert cluster["SecurityGroups"] == [{"SecurityGroupId": group_id, "Status": "active"}]
