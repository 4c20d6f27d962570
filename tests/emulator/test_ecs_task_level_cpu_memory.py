"""ECS RunTask places a task by its task-level cpu/memory (fidelity/ecs_task_level_cpu_memory)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


def _cluster_with_instance(aws: Callable[[str], Any]) -> Any:
    ec2, ecs = aws("ec2"), aws("ecs")
    image_id = ec2.describe_images()["Images"][0]["ImageId"]
    instance_id = ec2.run_instances(ImageId=image_id, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    ecs.create_cluster(clusterName="shop")
    document = {"instanceId": instance_id, "region": "eu-west-1", "accountId": "123456789012"}
    ecs.register_container_instance(cluster="shop", instanceIdentityDocument=json.dumps(document))
    return ecs


def _remaining(ecs: Any, resource: str) -> int:
    arn = ecs.list_container_instances(cluster="shop")["containerInstanceArns"][0]
    instance = ecs.describe_container_instances(cluster="shop", containerInstances=[arn])["containerInstances"][0]
    return next(r["integerValue"] for r in instance["remainingResources"] if r["name"] == resource)


def test_task_level_memory_only(aws: Callable[[str], Any]) -> None:
    ecs = _cluster_with_instance(aws)
    memory_before, cpu_before = _remaining(ecs, "MEMORY"), _remaining(ecs, "CPU")
    ecs.register_task_definition(
        family="job",
        cpu="512",
        memory="1024",
        requiresCompatibilities=["EC2"],
        containerDefinitions=[{"name": "job", "image": "busybox", "essential": True}],
    )
    response = ecs.run_task(cluster="shop", taskDefinition="job", count=1)
    assert len(response["tasks"]) == 1, response
    assert _remaining(ecs, "MEMORY") == memory_before - 1024
    assert _remaining(ecs, "CPU") == cpu_before - 512


def test_container_limits_still_count(aws: Callable[[str], Any]) -> None:
    ecs = _cluster_with_instance(aws)
    memory_before = _remaining(ecs, "MEMORY")
    ecs.register_task_definition(
        family="job", containerDefinitions=[{"name": "job", "image": "busybox", "memory": 300}]
    )
    assert len(ecs.run_task(cluster="shop", taskDefinition="job", count=1)["tasks"]) == 1
    assert _remaining(ecs, "MEMORY") == memory_before - 300
