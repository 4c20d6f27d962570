"""ECS refuses to delete a capacity provider that a cluster still uses.

AWS behaviour restored: ``DeleteCapacityProvider`` of a provider that is listed in an active cluster's
``capacityProviders`` fails with ``ClientException`` ("The specified capacity provider is in use and cannot be
removed."); the provider must first be removed from the cluster with ``PutClusterCapacityProviders``. moto 5.2.5
deletes it and leaves the cluster pointing at a provider that no longer exists.

Needed by: ``kstore.platform.ecs_capacity_provider`` (its ``state=absent`` explains this error) and the cluster
role, which detaches the provider before deleting it.
"""

from __future__ import annotations

from typing import Any

from ._patching import patch


def apply() -> None:
    from moto.ecs.exceptions import EcsClientException
    from moto.ecs.models import EC2ContainerServiceBackend

    def make(original: Any) -> Any:
        def delete_capacity_provider(self: EC2ContainerServiceBackend, name_or_arn: str) -> Any:
            provider = self._get_provider(name_or_arn)
            if provider is not None:
                for cluster in self.clusters.values():
                    if cluster.status == "ACTIVE" and provider.name in (cluster.capacity_providers or []):
                        raise EcsClientException("The specified capacity provider is in use and cannot be removed.")
            return original(self, name_or_arn)

        return delete_capacity_provider

    patch(EC2ContainerServiceBackend, "delete_capacity_provider", __name__, make)
