"""ECS Auto Scaling group capacity providers keep managedDraining.

AWS behaviour restored: ``CreateCapacityProvider`` and ``UpdateCapacityProvider`` store
``autoScalingGroupProvider.managedDraining`` (``ENABLED`` or ``DISABLED``; a new provider that does not set it gets
``ENABLED``), and every answer and ``DescribeCapacityProviders`` report it. moto 5.2.5 drops the field, so a module
that compares it would update the provider on every run.

Needed by: ``kstore.platform.ecs_capacity_provider`` (option ``managed_draining``) and any boto3 caller that reads
the field.
"""

from __future__ import annotations

from typing import Any

from ._patching import patch


def apply() -> None:
    from moto.ecs.models import CapacityProvider

    def make_init(original: Any) -> Any:
        def __init__(self: CapacityProvider, *args: Any, **kwargs: Any) -> None:
            original(self, *args, **kwargs)
            self.auto_scaling_group_provider.setdefault("managedDraining", "ENABLED")

        return __init__

    def make_update(original: Any) -> Any:
        def update(self: CapacityProvider, asg_details: dict[str, Any]) -> None:
            original(self, asg_details)
            if "managedDraining" in asg_details:
                self.auto_scaling_group_provider["managedDraining"] = asg_details["managedDraining"]

        return update

    patch(CapacityProvider, "__init__", __name__, make_init)
    patch(CapacityProvider, "update", __name__, make_update)
