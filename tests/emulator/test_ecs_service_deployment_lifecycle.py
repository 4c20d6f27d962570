"""ECS UpdateService starts a deployment the scheduler completes (fidelity/ecs_service_deployment_lifecycle)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

ARN = "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:{}"


def _setup(aws: Callable[[str], Any], with_instance: bool = True) -> Any:
    ec2, ecs = aws("ec2"), aws("ecs")
    ecs.create_cluster(clusterName="shop")
    if with_instance:
        image_id = ec2.describe_images()["Images"][0]["ImageId"]
        instance_id = ec2.run_instances(ImageId=image_id, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
        document = {"instanceId": instance_id, "region": "eu-west-1", "accountId": "123456789012"}
        ecs.register_container_instance(cluster="shop", instanceIdentityDocument=json.dumps(document))
    for _revision in range(2):
        ecs.register_task_definition(
            family="web", containerDefinitions=[{"name": "web", "image": "nginx", "memory": 64}]
        )
    ecs.create_service(cluster="shop", serviceName="web", taskDefinition="web:1", desiredCount=2)
    return ecs


def _describe(ecs: Any) -> dict:
    return ecs.describe_services(cluster="shop", services=["web"])["services"][0]


def test_deployment_completes_with_capacity(aws: Callable[[str], Any]) -> None:
    ecs = _setup(aws)
    service = _describe(ecs)
    [deployment] = service["deployments"]
    assert (deployment["status"], deployment["rolloutState"]) == ("PRIMARY", "COMPLETED")
    assert deployment["runningCount"] == deployment["desiredCount"] == 2
    assert service["runningCount"] == 2 and service["pendingCount"] == 0
    assert service["events"][0]["message"] == "(service web) has reached a steady state."


def test_update_starts_a_new_primary_deployment(aws: Callable[[str], Any]) -> None:
    ecs = _setup(aws)
    first = _describe(ecs)["deployments"][0]
    updated = ecs.update_service(cluster="shop", service="web", taskDefinition="web:2")["service"]
    assert updated["taskDefinition"] == ARN.format(2)
    primary, active = updated["deployments"]
    assert (primary["status"], primary["rolloutState"], primary["taskDefinition"]) == (
        "PRIMARY",
        "IN_PROGRESS",
        ARN.format(2),
    )
    assert primary["runningCount"] == 0 and primary["id"] != first["id"]
    assert (active["status"], active["id"], active["taskDefinition"]) == ("ACTIVE", first["id"], ARN.format(1))
    [done] = _describe(ecs)["deployments"]
    assert (done["id"], done["rolloutState"], done["runningCount"]) == (primary["id"], "COMPLETED", 2)


def test_same_task_definition_is_no_new_deployment_unless_forced(aws: Callable[[str], Any]) -> None:
    ecs = _setup(aws)
    first = _describe(ecs)["deployments"][0]
    same = ecs.update_service(cluster="shop", service="web", taskDefinition="web:1", desiredCount=3)["service"]
    assert [d["id"] for d in same["deployments"]] == [first["id"]]
    assert _describe(ecs)["deployments"][0]["desiredCount"] == 3
    forced = ecs.update_service(cluster="shop", service="web", forceNewDeployment=True)["service"]
    assert len(forced["deployments"]) == 2 and forced["deployments"][0]["rolloutState"] == "IN_PROGRESS"


def test_no_capacity_stays_in_progress_with_an_event(aws: Callable[[str], Any]) -> None:
    ecs = _setup(aws, with_instance=False)
    service = _describe(ecs)
    assert service["deployments"][0]["rolloutState"] == "IN_PROGRESS"
    assert service["runningCount"] == 0
    assert "unable to place a task" in service["events"][0]["message"]
    assert len(_describe(ecs)["events"]) == 1  # the same event is not repeated on every describe
