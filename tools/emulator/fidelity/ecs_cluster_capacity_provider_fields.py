"""ECS clusters always report capacityProviders and defaultCapacityProviderStrategy.

AWS behaviour restored: every ``Cluster`` that ``CreateCluster``, ``DescribeClusters`` (with or without
``include=["SETTINGS", ...]``), ``UpdateCluster`` and ``DeleteCluster`` return carries ``capacityProviders`` and
``defaultCapacityProviderStrategy``, as empty lists when none are set. moto 5.2.5 leaves both out until
``PutClusterCapacityProviders`` has been called.

Needed by: ``community.aws.ecs_cluster``, which reads ``existing["capacityProviders"]`` and
``existing["defaultCapacityProviderStrategy"]`` for an existing cluster and fails with a KeyError on the second
run on plain moto.
"""

from __future__ import annotations

from typing import Any

from ._patching import patch


def apply() -> None:
    from moto.ecs.models import Cluster

    def make(original: Any) -> Any:
        def __init__(self: Cluster, *args: Any, **kwargs: Any) -> None:
            original(self, *args, **kwargs)
            if self.capacity_providers is None:
                self.capacity_providers = []
            if self.default_capacity_provider_strategy is None:
                self.default_capacity_provider_strategy = []

        return __init__

    patch(Cluster, "__init__", __name__, make)
