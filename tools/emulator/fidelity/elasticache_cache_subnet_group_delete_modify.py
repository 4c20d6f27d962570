"""ElastiCache DeleteCacheSubnetGroup and ModifyCacheSubnetGroup exist.

AWS behaviour restored: (ElastiCache API reference) ``DeleteCacheSubnetGroup`` deletes a cache subnet group,
raising ``CacheSubnetGroupNotFoundFault`` when there is none of that name and ``CacheSubnetGroupInUse`` while a
cache cluster or replication group uses it; ``ModifyCacheSubnetGroup`` changes its description and subnets and
answers with the ``CacheSubnetGroup``. moto 5.2.5 implements neither (the server answers HTTP 500).

Needed by: ``community.aws.elasticache_subnet_group`` (state=absent, and a change of subnets or description),
used by the cache role.
"""

from __future__ import annotations

from typing import Any

from ._patching import patch


def apply() -> None:
    from moto.core.responses import ActionResult, EmptyResult
    from moto.elasticache.exceptions import CacheSubnetGroupNotFound, ElastiCacheException
    from moto.elasticache.models import CacheSubnetGroup
    from moto.elasticache.responses import ElastiCacheResponse

    class CacheSubnetGroupInUse(ElastiCacheException):
        code = "CacheSubnetGroupInUse"

        def __init__(self, name: str) -> None:
            super().__init__(f"Cache subnet group {name} is currently in use by a cache cluster.")

    def make_delete(_original: Any) -> Any:
        def delete_cache_subnet_group(self: ElastiCacheResponse) -> Any:
            name = self._get_param("CacheSubnetGroupName")
            backend = self.elasticache_backend
            if name not in backend.cache_subnet_groups:
                raise CacheSubnetGroupNotFound(name)
            users = [c for c in backend.cache_clusters.values() if c.cache_subnet_group_name == name]
            users += [g for g in backend.replication_groups.values() if g.cache_subnet_group_name == name]
            if users:
                raise CacheSubnetGroupInUse(name)
            del backend.cache_subnet_groups[name]
            return EmptyResult()

        return delete_cache_subnet_group

    def make_modify(_original: Any) -> Any:
        def modify_cache_subnet_group(self: ElastiCacheResponse) -> Any:
            name = self._get_param("CacheSubnetGroupName")
            backend = self.elasticache_backend
            if name not in backend.cache_subnet_groups:
                raise CacheSubnetGroupNotFound(name)
            current = backend.cache_subnet_groups[name]
            description = self._get_param("CacheSubnetGroupDescription")
            subnet_ids = self._get_param("SubnetIds")
            if subnet_ids:
                # A new group over the new subnets recomputes VPC, zones and network types as creation does.
                current = CacheSubnetGroup(
                    account_id=backend.account_id,
                    region_name=backend.region_name,
                    cache_subnet_group_name=name,
                    cache_subnet_group_description=current.cache_subnet_group_description,
                    subnet_ids=list(subnet_ids),
                    tags=current.tags,
                )
                backend.cache_subnet_groups[name] = current
            if description is not None:
                current.cache_subnet_group_description = description
            return ActionResult({"CacheSubnetGroup": current})

        return modify_cache_subnet_group

    patch(ElastiCacheResponse, "delete_cache_subnet_group", __name__, make_delete)
    patch(ElastiCacheResponse, "modify_cache_subnet_group", __name__, make_modify)
