"""Application Auto Scaling DescribeScalingPolicies honours PolicyNames.

AWS behaviour restored: ``DescribeScalingPolicies(ServiceNamespace, PolicyNames=[...], ResourceId,
ScalableDimension)`` answers only the scaling policies with those names (and, as before, of that namespace,
resource and dimension), paged with ``MaxResults``/``NextToken``. moto 5.2.5 ignores ``PolicyNames`` and answers
every policy of the namespace.

Needed by: ``community.aws.application_autoscaling_policy``, which looks its policy up by name and compares it
with the first answer: on plain moto, with two policies on one service (CPU and memory tracking), it compares
against the wrong one and updates on every run.
"""

from __future__ import annotations

import json
from typing import Any

from ._patching import patch

DEFAULT_MAX_RESULTS = 100


def apply() -> None:
    from moto.applicationautoscaling import responses
    from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse

    def make(original: Any) -> Any:
        def describe_scaling_policies(self: ApplicationAutoScalingResponse) -> str:
            names = self._get_param("PolicyNames")
            if not names:
                return original(self)
            _next_token, policies = self.applicationautoscaling_backend.describe_scaling_policies(
                service_namespace=self._get_param("ServiceNamespace"),
                resource_id=self._get_param("ResourceId"),
                scalable_dimension=self._get_param("ScalableDimension"),
                max_results=len(self.applicationautoscaling_backend.policies) or 1,
                next_token=None,
            )
            matching = [policy for policy in policies if policy.policy_name in names]
            start = int(self._get_param("NextToken") or 0)
            end = start + (self._get_int_param("MaxResults") or DEFAULT_MAX_RESULTS)
            return json.dumps(
                {
                    "ScalingPolicies": [responses._build_policy(p) for p in matching[start:end]],
                    "NextToken": str(end) if end < len(matching) else None,
                }
            )

        return describe_scaling_policies

    patch(ApplicationAutoScalingResponse, "describe_scaling_policies", __name__, make)
