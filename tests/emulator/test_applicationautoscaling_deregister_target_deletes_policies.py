"""DeregisterScalableTarget deletes its policies and scheduled actions
(fidelity/applicationautoscaling_deregister_target_deletes_policies)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

DIMENSION = "dynamodb:table:ReadCapacityUnits"


def _register(aas: Any, table: str) -> str:
    resource_id = f"table/{table}"
    aas.register_scalable_target(
        ServiceNamespace="dynamodb", ResourceId=resource_id, ScalableDimension=DIMENSION, MinCapacity=1, MaxCapacity=5
    )
    aas.put_scaling_policy(
        PolicyName=f"{table}-read",
        ServiceNamespace="dynamodb",
        ResourceId=resource_id,
        ScalableDimension=DIMENSION,
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 70.0,
            "PredefinedMetricSpecification": {"PredefinedMetricType": "DynamoDBReadCapacityUtilization"},
        },
    )
    aas.put_scheduled_action(
        ServiceNamespace="dynamodb",
        ScheduledActionName=f"{table}-night",
        ResourceId=resource_id,
        ScalableDimension=DIMENSION,
        Schedule="cron(0 22 * * ? *)",
        ScalableTargetAction={"MinCapacity": 1, "MaxCapacity": 2},
    )
    return resource_id


def _attached(aas: Any, resource_id: str) -> tuple[list[str], list[str]]:
    policies = aas.describe_scaling_policies(ServiceNamespace="dynamodb", ResourceId=resource_id)["ScalingPolicies"]
    actions = aas.describe_scheduled_actions(ServiceNamespace="dynamodb", ResourceId=resource_id)["ScheduledActions"]
    return [p["PolicyName"] for p in policies], [a["ScheduledActionName"] for a in actions]


def test_deregister_deletes_only_that_targets_policies_and_actions(aws: Callable[[str], Any]) -> None:
    aas = aws("application-autoscaling")
    gone, kept = _register(aas, "orders"), _register(aas, "carts")
    assert _attached(aas, gone) == (["orders-read"], ["orders-night"])

    aas.deregister_scalable_target(ServiceNamespace="dynamodb", ResourceId=gone, ScalableDimension=DIMENSION)

    assert _attached(aas, gone) == ([], [])
    assert _attached(aas, kept) == (["carts-read"], ["carts-night"])
    targets = aas.describe_scalable_targets(ServiceNamespace="dynamodb")["ScalableTargets"]
    assert [t["ResourceId"] for t in targets] == [kept]


def test_deregister_of_a_missing_target_still_fails(aws: Callable[[str], Any]) -> None:
    aas = aws("application-autoscaling")
    with pytest.raises(aas.exceptions.ClientError):
        aas.deregister_scalable_target(
            ServiceNamespace="dynamodb", ResourceId="table/nope", ScalableDimension=DIMENSION
        )
