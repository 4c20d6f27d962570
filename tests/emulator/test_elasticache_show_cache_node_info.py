"""ElastiCache DescribeCacheClusters(ShowCacheNodeInfo=True) returns CacheNodes (elasticache_show_cache_node_info)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def test_cache_nodes_only_with_show_cache_node_info(aws: Callable[[str], Any]) -> None:
    elasticache = aws("elasticache")
    elasticache.create_cache_cluster(
        CacheClusterId="sessions", Engine="redis", EngineVersion="7.1", CacheNodeType="cache.t4g.micro", NumCacheNodes=1
    )
    (cluster,) = elasticache.describe_cache_clusters(CacheClusterId="sessions", ShowCacheNodeInfo=True)["CacheClusters"]
    (node,) = cluster["CacheNodes"]
    assert node["CacheNodeId"] == "0001"
    assert node["CacheNodeStatus"] == "available"
    assert node["Endpoint"]["Port"] == 6379
    assert node["Endpoint"]["Address"].startswith("sessions.")
    assert cluster["CacheClusterId"] == "sessions" and cluster["Engine"] == "redis"

    (plain,) = elasticache.describe_cache_clusters(CacheClusterId="sessions")["CacheClusters"]
    assert "CacheNodes" not in plain


def test_one_node_per_memcached_node(aws: Callable[[str], Any]) -> None:
    elasticache = aws("elasticache")
    elasticache.create_cache_cluster(
        CacheClusterId="objects", Engine="memcached", CacheNodeType="cache.t4g.micro", NumCacheNodes=3
    )
    (cluster,) = elasticache.describe_cache_clusters(ShowCacheNodeInfo=True)["CacheClusters"]
    assert [n["CacheNodeId"] for n in cluster["CacheNodes"]] == ["0001", "0002", "0003"]
