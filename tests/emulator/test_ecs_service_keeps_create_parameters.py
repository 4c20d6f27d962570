"""ECS CreateService keeps its settings (fidelity/ecs_service_keeps_create_parameters)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

AnsibleRuns = Callable[..., list[dict[str, Any]]]
STRATEGY = [{"capacityProvider": "FARGATE", "weight": 1, "base": 1}]


def _cluster(ecs: Any, **cluster_args: Any) -> None:
    ecs.create_cluster(clusterName="shop", **cluster_args)
    ecs.register_task_definition(family="web", containerDefinitions=[{"name": "web", "image": "nginx", "memory": 128}])


def test_create_service_keeps_parameters(aws: Callable[[str], Any]) -> None:
    ecs = aws("ecs")
    _cluster(ecs)
    deployment = {
        "maximumPercent": 200,
        "minimumHealthyPercent": 50,
        "deploymentCircuitBreaker": {"enable": True, "rollback": True},
    }
    placement = [{"type": "spread", "field": "attribute:ecs.availability-zone"}]
    created = ecs.create_service(
        cluster="shop",
        serviceName="web",
        taskDefinition="web",
        desiredCount=1,
        capacityProviderStrategy=STRATEGY,
        deploymentConfiguration=deployment,
        placementConstraints=[{"type": "distinctInstance"}],
        placementStrategy=placement,
        healthCheckGracePeriodSeconds=60,
        enableExecuteCommand=True,
    )["service"]
    (described,) = ecs.describe_services(cluster="shop", services=["web"])["services"]
    for service in (created, described):
        assert service["capacityProviderStrategy"] == STRATEGY
        assert "launchType" not in service
        assert service["deploymentConfiguration"] == deployment
        assert service["placementConstraints"] == [{"type": "distinctInstance"}]
        assert service["placementStrategy"] == placement
        assert service["healthCheckGracePeriodSeconds"] == 60
        assert service["enableExecuteCommand"] is True


def test_create_service_defaults(aws: Callable[[str], Any]) -> None:
    ecs = aws("ecs")
    _cluster(ecs)
    service = ecs.create_service(cluster="shop", serviceName="web", taskDefinition="web", desiredCount=1)["service"]
    assert service["launchType"] == "EC2"
    assert service["deploymentConfiguration"] == {
        "deploymentCircuitBreaker": {"enable": False, "rollback": False},
        "maximumPercent": 200,
        "minimumHealthyPercent": 100,
    }
    assert service["placementConstraints"] == [] and service["placementStrategy"] == []
    assert service["enableExecuteCommand"] is False
    assert "healthCheckGracePeriodSeconds" not in service


def test_cluster_default_strategy_applies(aws: Callable[[str], Any]) -> None:
    ecs = aws("ecs")
    _cluster(ecs, capacityProviders=["FARGATE"], defaultCapacityProviderStrategy=STRATEGY)
    service = ecs.create_service(cluster="shop", serviceName="web", taskDefinition="web", desiredCount=1)["service"]
    assert service["capacityProviderStrategy"] == STRATEGY
    assert "launchType" not in service


def test_ecs_service_module_converges(aws: Callable[[str], Any], ansible_runs: AnsibleRuns) -> None:
    _cluster(aws("ecs"))
    vpc_id = aws("ec2").create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    target_group = aws("elbv2").create_target_group(Name="web", Protocol="HTTP", Port=80, VpcId=vpc_id, TargetType="ip")
    # The module sends healthCheckGracePeriodSeconds only for a service behind a load balancer.
    load_balancer = {
        "targetGroupArn": target_group["TargetGroups"][0]["TargetGroupArn"],
        "containerName": "web",
        "containerPort": 80,
    }
    args = {
        "load_balancers": [load_balancer],
        "name": "web",
        "cluster": "shop",
        "state": "present",
        "task_definition": "web:1",
        "desired_count": 1,
        "capacity_provider_strategy": [{"capacity_provider": "FARGATE", "weight": 1, "base": 1}],
        "deployment_configuration": {"minimum_healthy_percent": 50, "maximum_percent": 200},
        "health_check_grace_period_seconds": 60,
        "enable_execute_command": True,
    }
    first, second = ansible_runs("community.aws.ecs_service", args, args)
    assert (first["changed"], second["changed"]) == (True, False)
    assert second["service"]["enableExecuteCommand"] is True
    assert second["service"]["healthCheckGracePeriodSeconds"] == 60
