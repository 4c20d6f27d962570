"""ECS UpdateClusterSettings.

AWS behaviour restored: ``UpdateClusterSettings(cluster, settings=[{"name": "containerInsights", "value":
"enabled"|"enhanced"|"disabled"}])`` changes the named settings of a cluster, keeps the others, and answers
the updated ``cluster``; an unknown cluster fails with ``ClusterNotFoundException``. moto 5.2.5 implements
``UpdateCluster`` but not this action (HTTP 500).

Needed by: the collection's own ECS Container Insights module (no amazon.aws/community.aws module sets Container
Insights; ``community.aws.ecs_cluster`` has no such option) and any boto3 caller of UpdateClusterSettings.
"""

from __future__ import annotations

from typing import Any

from ._patching import patch


def update_cluster_settings(self: Any) -> Any:
    from moto.core.responses import ActionResult

    cluster = self.ecs_backend._get_cluster(self._get_param("cluster"))
    settings = {s["name"]: s for s in cluster.settings or []}
    settings.update({s["name"]: s for s in self._get_param("settings") or []})
    cluster = self.ecs_backend.update_cluster(
        cluster_name=cluster.name,
        cluster_settings=list(settings.values()),
        configuration=None,
        service_connect_defaults=None,
    )
    return ActionResult({"cluster": cluster})


def apply() -> None:
    from moto.ecs.responses import EC2ContainerServiceResponse

    patch(EC2ContainerServiceResponse, "update_cluster_settings", __name__, lambda _original: update_cluster_settings)
