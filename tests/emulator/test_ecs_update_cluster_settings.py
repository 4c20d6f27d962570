"""ECS UpdateClusterSettings (fidelity/ecs_update_cluster_settings)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError


def test_update_container_insights(aws: Callable[[str], Any]) -> None:
    ecs = aws("ecs")
    ecs.create_cluster(clusterName="shop")
    answer = ecs.update_cluster_settings(cluster="shop", settings=[{"name": "containerInsights", "value": "enabled"}])
    assert answer["cluster"]["clusterName"] == "shop"
    assert answer["cluster"]["settings"] == [{"name": "containerInsights", "value": "enabled"}]
    (cluster,) = ecs.describe_clusters(clusters=["shop"], include=["SETTINGS"])["clusters"]
    assert cluster["settings"] == [{"name": "containerInsights", "value": "enabled"}]


def test_unknown_cluster(aws: Callable[[str], Any]) -> None:
    with pytest.raises(ClientError) as error:
        aws("ecs").update_cluster_settings(cluster="nope", settings=[{"name": "containerInsights", "value": "enabled"}])
    assert error.value.response["Error"]["Code"] == "ClusterNotFoundException"
