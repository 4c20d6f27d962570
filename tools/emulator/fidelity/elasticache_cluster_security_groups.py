"""ElastiCache cache clusters report CacheSecurityGroups and SecurityGroups.

AWS behaviour restored: every ``CacheCluster`` returned by ``CreateCacheCluster``, ``DescribeCacheClusters`` and
``DeleteCacheCluster`` carries ``CacheSecurityGroups`` (a list of
{``CacheSecurityGroupName``, ``Status``}, empty for a cluster in a VPC) and ``SecurityGroups`` (the VPC security
groups as {``SecurityGroupId``, ``Status``: "active"}). moto 5.2.5 keeps both (``CacheSecurityGroupNames``,
``SecurityGroupIds`` of the request) but returns neither.

Needed by: ``community.aws.elasticache``, which reads ``CacheSecurityGroups`` unconditionally (KeyError on plain
moto) and compares ``SecurityGroups`` with ``security_group_ids`` (a change on every run on plain moto).
"""

from __future__ import annotations

from typing import Any


def cache_security_groups(self: Any) -> list[dict[str, str]]:
    return [{"CacheSecurityGroupName": name, "Status": "active"} for name in self.cache_security_group_names]


def security_groups(self: Any) -> list[dict[str, str]]:
    return [{"SecurityGroupId": group_id, "Status": "active"} for group_id in self.security_group_ids]


def apply() -> None:
    from moto.elasticache.models import CacheCluster

    # Read-only views of what moto stores, added once.
    for view in (cache_security_groups, security_groups):
        if view.__name__ not in CacheCluster.__dict__:
            setattr(CacheCluster, view.__name__, property(view))
