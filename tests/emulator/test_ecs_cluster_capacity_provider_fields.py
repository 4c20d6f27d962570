"""ECS clusters always report capacityProviders / defaultCapacityProviderStrategy (ecs_cluster_capacity_...)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def test_new_cluster_reports_empty_capacity_providers(aws: Callable[[str], Any]) -> None:
    ecs = aws("ecs")
    created = ecs.create_cluster(clusterName="shop")["cluster"]
    assert created["capacityProviders"] == [] and created["defaultCapacityProviderStrategy"] == []

    for include in ([], ["SETTINGS"], ["SETTINGS", "TAGS", "CONFIGURATIONS"]):
        (cluster,) = ecs.describe_clusters(clusters=["shop"], include=include)["clusters"]
        assert cluster["capacityProviders"] == []
        assert cluster["defaultCapacityProviderStrategy"] == []
    assert cluster["settings"] == [{"name": "containerInsights", "value": "disabled"}]

    # PutClusterCapacityProviders still sets them.
    strategy = [{"capacityProvider": "FARGATE", "weight": 1, "base": 0}]
    ecs.put_cluster_capacity_providers(
        cluster="shop", capacityProviders=["FARGATE"], defaultCapacityProviderStrategy=strategy
    )
    (cluster,) = ecs.describe_clusters(clusters=["shop"], include=["SETTINGS"])["clusters"]
    assert cluster["capacityProviders"] == ["FARGATE"]
    assert cluster["defaultCapacityProviderStrategy"] == strategy
