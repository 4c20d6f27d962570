"""ElastiCache DeleteCacheSubnetGroup / ModifyCacheSubnetGroup (elasticache_cache_subnet_group_delete_modify)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError


def subnets(aws: Callable[[str], Any]) -> list[str]:
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
    return [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.50.{i}.0/24", AvailabilityZone=f"eu-west-1{z}")["Subnet"][
            "SubnetId"
        ]
        for i, z in enumerate("abc")
    ]


def test_modify_and_delete(aws: Callable[[str], Any]) -> None:
    elasticache = aws("elasticache")
    ids = subnets(aws)
    elasticache.create_cache_subnet_group(
        CacheSubnetGroupName="g", CacheSubnetGroupDescription="one", SubnetIds=ids[:2]
    )

    modified = elasticache.modify_cache_subnet_group(
        CacheSubnetGroupName="g", CacheSubnetGroupDescription="two", SubnetIds=ids[1:]
    )["CacheSubnetGroup"]
    assert modified["CacheSubnetGroupDescription"] == "two"
    assert sorted(s["SubnetIdentifier"] for s in modified["Subnets"]) == sorted(ids[1:])
    (described,) = elasticache.describe_cache_subnet_groups(CacheSubnetGroupName="g")["CacheSubnetGroups"]
    assert sorted(s["SubnetIdentifier"] for s in described["Subnets"]) == sorted(ids[1:])

    elasticache.delete_cache_subnet_group(CacheSubnetGroupName="g")
    with pytest.raises(ClientError) as error:
        elasticache.describe_cache_subnet_groups(CacheSubnetGroupName="g")
    assert error.value.response["Error"]["Code"] == "CacheSubnetGroupNotFoundFault"
    with pytest.raises(ClientError) as error:
        elasticache.delete_cache_subnet_group(CacheSubnetGroupName="g")
    assert error.value.response["Error"]["Code"] == "CacheSubnetGroupNotFoundFault"


def test_in_use_cannot_be_deleted(aws: Callable[[str], Any]) -> None:
    elasticache = aws("elasticache")
    elasticache.create_cache_subnet_group(
        CacheSubnetGroupName="g", CacheSubnetGroupDescription="one", SubnetIds=subnets(aws)[:2]
    )
    elasticache.create_replication_group(
        ReplicationGroupId="r",
        ReplicationGroupDescription="r",
        CacheNodeType="cache.t4g.micro",
        CacheSubnetGroupName="g",
    )
    with pytest.raises(ClientError) as error:
        elasticache.delete_cache_subnet_group(CacheSubnetGroupName="g")
    assert error.value.response["Error"]["Code"] == "CacheSubnetGroupInUse"

    elasticache.delete_replication_group(ReplicationGroupId="r")
    elasticache.delete_cache_subnet_group(CacheSubnetGroupName="g")
    assert elasticache.describe_cache_subnet_groups()["CacheSubnetGroups"] == []
