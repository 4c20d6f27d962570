"""ElastiCache DescribeCacheClusters(ShowCacheNodeInfo=True) returns each cluster's CacheNodes.

AWS behaviour restored: with ``ShowCacheNodeInfo=True``, every ``CacheCluster`` in the ``DescribeCacheClusters``
answer lists its ``CacheNodes`` (one per node: ``CacheNodeId`` "0001", "0002", ..., ``CacheNodeStatus``,
``CacheNodeCreateTime``, ``Endpoint`` {``Address``, ``Port``}, ``ParameterGroupStatus``,
``CustomerAvailabilityZone``); without it, ``CacheNodes`` is left out. moto 5.2.5 never returns them.

Needed by: ``community.aws.elasticache``, which describes the cluster with ShowCacheNodeInfo and reads
``CacheNodes[0].Endpoint.Port`` (Redis) and the node ids; on plain moto its second run fails with a KeyError.
"""

from __future__ import annotations

from typing import Any

from ._patching import patch


def cache_nodes(cluster: Any, region: str) -> list[dict[str, Any]]:
    zone = cluster.preferred_availability_zone or f"{region}a"
    nodes = []
    for number in range(1, (getattr(cluster, "num_cache_nodes", None) or 1) + 1):
        node_id = f"{number:04d}"
        nodes.append(
            {
                "CacheNodeId": node_id,
                "CacheNodeStatus": "available",
                "CacheNodeCreateTime": cluster.cache_cluster_create_time,
                "Endpoint": {
                    "Address": f"{cluster.cache_cluster_id}.emulated.{node_id}.{region}.cache.amazonaws.com",
                    "Port": cluster.port,
                },
                "ParameterGroupStatus": "in-sync",
                "CustomerAvailabilityZone": zone,
            }
        )
    return nodes


class CacheCluster:
    """A per-request view of a moto cache cluster that adds ``cache_nodes`` (same class name for serialization)."""

    def __init__(self, cluster: Any, nodes: list[dict[str, Any]]) -> None:
        self._cluster = cluster
        self.cache_nodes = nodes

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cluster, name)


def apply() -> None:
    from moto.core.responses import PaginatedResult
    from moto.elasticache.responses import ElastiCacheResponse

    def make(original: Any) -> Any:
        def describe_cache_clusters(self: ElastiCacheResponse) -> Any:
            answer = original(self)
            if not self._get_bool_param("ShowCacheNodeInfo", False):
                return answer
            clusters = answer.result["CacheClusters"]
            views = [CacheCluster(cluster, cache_nodes(cluster, self.region)) for cluster in clusters]
            return PaginatedResult({**answer.result, "CacheClusters": views})

        return describe_cache_clusters

    patch(ElastiCacheResponse, "describe_cache_clusters", __name__, make)
