"""Application Auto Scaling DescribeScalingPolicies honours PolicyNames (applicationautoscaling_policy_names_filter)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

AnsibleRuns = Callable[..., list[dict[str, Any]]]
SERVICE = {
    "ServiceNamespace": "ecs",
    "ResourceId": "service/shop/web",
    "ScalableDimension": "ecs:service:DesiredCount",
}


def _ecs_service(ecs: Any) -> None:
    """Application Auto Scaling checks that the ECS service it scales exists."""
    ecs.create_cluster(clusterName="shop")
    ecs.register_task_definition(family="web", containerDefinitions=[{"name": "web", "image": "nginx", "memory": 128}])
    ecs.create_service(cluster="shop", serviceName="web", taskDefinition="web", desiredCount=1)


def _tracking(metric: str, target: float) -> dict[str, Any]:
    return {"TargetValue": target, "PredefinedMetricSpecification": {"PredefinedMetricType": metric}}


def test_policy_names_filter(aws: Callable[[str], Any]) -> None:
    _ecs_service(aws("ecs"))
    autoscaling = aws("application-autoscaling")
    autoscaling.register_scalable_target(**SERVICE, MinCapacity=1, MaxCapacity=4)
    for name, metric in (("cpu", "ECSServiceAverageCPUUtilization"), ("memory", "ECSServiceAverageMemoryUtilization")):
        autoscaling.put_scaling_policy(
            **SERVICE,
            PolicyName=name,
            PolicyType="TargetTrackingScaling",
            TargetTrackingScalingPolicyConfiguration=_tracking(metric, 70.0),
        )

    memory = autoscaling.describe_scaling_policies(**SERVICE, PolicyNames=["memory"], MaxResults=1)["ScalingPolicies"]
    assert [p["PolicyName"] for p in memory] == ["memory"]
    both = autoscaling.describe_scaling_policies(ServiceNamespace="ecs", PolicyNames=["cpu", "memory", "other"])
    assert sorted(p["PolicyName"] for p in both["ScalingPolicies"]) == ["cpu", "memory"]
    assert autoscaling.describe_scaling_policies(ServiceNamespace="ecs", PolicyNames=["other"])["ScalingPolicies"] == []
    assert len(autoscaling.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"]) == 2


def test_application_autoscaling_policy_module_converges(aws: Callable[[str], Any], ansible_runs: AnsibleRuns) -> None:
    _ecs_service(aws("ecs"))
    common = {
        "state": "present",
        "service_namespace": "ecs",
        "resource_id": "service/shop/web",
        "scalable_dimension": "ecs:service:DesiredCount",
        "policy_type": "TargetTrackingScaling",
        "minimum_tasks": 1,
        "maximum_tasks": 4,
    }
    cpu = {
        **common,
        "policy_name": "cpu",
        "target_tracking_scaling_policy_configuration": {
            "TargetValue": 60.0,
            "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"},
        },
    }
    memory = {
        **common,
        "policy_name": "memory",
        "target_tracking_scaling_policy_configuration": {
            "TargetValue": 75.0,
            "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageMemoryUtilization"},
        },
    }
    runs = ansible_runs("community.aws.application_autoscaling_policy", cpu, memory, cpu, memory)
    assert [run["changed"] for run in runs] == [True, True, False, False]
