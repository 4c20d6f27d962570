"""Application Auto Scaling DeregisterScalableTarget deletes the target's scaling policies and scheduled actions.

AWS behaviour restored: ``DeregisterScalableTarget(ServiceNamespace, ResourceId, ScalableDimension)`` "deletes the
scaling policies and the scheduled actions that are associated with" the target (API reference), and the
CloudWatch alarms of its target tracking policies with them. moto 5.2.5 removes the target only: its policies
(and their alarms) and scheduled actions stay, and DescribeScalingPolicies keeps answering them.

Needed by: ``kstore.platform.application_autoscaling_target`` with ``state: absent``, which relies on AWS removing
what is attached to the target (the service role's absent path deletes its own policies by name first, but any
other policy or scheduled action on the service would be left on plain moto).
"""

from __future__ import annotations

from typing import Any

from ._patching import patch


def apply() -> None:
    from moto.applicationautoscaling.models import ApplicationAutoscalingBackend

    def make(original: Any) -> Any:
        def deregister_scalable_target(
            self: ApplicationAutoscalingBackend, namespace: str, r_id: str, dimension: str
        ) -> None:
            original(self, namespace, r_id, dimension)  # raises when there is no such target: nothing is deleted
            attached = [
                policy
                for policy in list(self.policies.values())
                if (policy.service_namespace, policy.resource_id, policy.scalable_dimension)
                == (namespace, r_id, dimension)
            ]
            for policy in attached:
                self.delete_scaling_policy(policy.policy_name, namespace, r_id, dimension)
            self.scheduled_actions = [
                action
                for action in self.scheduled_actions
                if (action.service_namespace, action.resource_id, action.scalable_dimension)
                != (namespace, r_id, dimension)
            ]

        return deregister_scalable_target

    patch(ApplicationAutoscalingBackend, "deregister_scalable_target", __name__, make)
