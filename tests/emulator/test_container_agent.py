"""tools/container_agent.py, the local stand-in for the ECS agent, against the private emulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CLUSTER = "shop-dev-cluster"


def agent(*args: str) -> tuple[int, dict[str, Any]]:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools/container_agent.py"), "--cluster", CLUSTER, "--region", "eu-west-1", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=dict(os.environ),  # AWS_ENDPOINT_URL: the session emulator
    )
    return proc.returncode, json.loads(proc.stdout)


def _cluster_with_group(aws: Callable[[str], Any], desired: int = 2) -> None:
    ec2, autoscaling, ecs = aws("ec2"), aws("autoscaling"), aws("ecs")
    vpc = ec2.create_vpc(CidrBlock="10.34.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.34.1.0/24")["Subnet"]["SubnetId"]
    ec2.create_launch_template(
        LaunchTemplateName="shop-dev-ecs", LaunchTemplateData={"ImageId": "ami-12c6146b", "InstanceType": "t3.medium"}
    )
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="shop-dev-ecs",
        LaunchTemplate={"LaunchTemplateName": "shop-dev-ecs", "Version": "$Latest"},
        MinSize=0,
        MaxSize=4,
        DesiredCapacity=desired,
        VPCZoneIdentifier=subnet,
    )
    arn = autoscaling.describe_auto_scaling_groups()["AutoScalingGroups"][0]["AutoScalingGroupARN"]
    ecs.create_cluster(clusterName=CLUSTER)
    ecs.create_capacity_provider(name="shop-dev-ecs", autoScalingGroupProvider={"autoScalingGroupArn": arn})
    ecs.put_cluster_capacity_providers(
        cluster=CLUSTER,
        capacityProviders=["shop-dev-ecs"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "shop-dev-ecs", "weight": 1}],
    )


def test_register_run_task_idempotent_deregister(aws: Callable[[str], Any]) -> None:
    _cluster_with_group(aws)
    ecs = aws("ecs")
    ecs.register_task_definition(
        family="shop-dev-probe",
        requiresCompatibilities=["EC2"],
        containerDefinitions=[{"name": "probe", "image": "busybox", "cpu": 128, "memory": 128, "essential": True}],
    )

    rc, first = agent()
    assert rc == 0, first
    assert first["autoscaling_groups"] == ["shop-dev-ecs"]  # found through the cluster's capacity provider
    assert (first["instances"], first["registered"], first["already_registered"]) == (2, 2, 0)

    (described,) = ecs.describe_clusters(clusters=[CLUSTER])["clusters"]
    assert described["registeredContainerInstancesCount"] == 2
    container_instances = ecs.describe_container_instances(
        cluster=CLUSTER, containerInstances=first["container_instance_arns"]
    )["containerInstances"]
    assert sorted(ci["ec2InstanceId"] for ci in container_instances) == sorted(
        i["InstanceId"] for i in aws("autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"][0]["Instances"]
    )
    # (moto 5.2.5 ignores totalResources and attributes and reports its own; AWS keeps what the agent sends.)
    assert {r["name"] for r in container_instances[0]["registeredResources"]} >= {"CPU", "MEMORY"}

    task = ecs.run_task(cluster=CLUSTER, taskDefinition="shop-dev-probe", count=1)
    assert task["failures"] == []
    assert len(task["tasks"]) == 1

    rc, second = agent("--autoscaling-group", "shop-dev-ecs")
    assert rc == 0, second
    assert (second["registered"], second["already_registered"]) == (0, 2)

    rc, gone = agent("--deregister")
    assert rc == 0, gone
    assert gone["deregistered"] == 2
    rc, again = agent("--deregister")
    assert (rc, again["deregistered"]) == (0, 0)


def test_unknown_cluster_fails(aws: Callable[[str], Any]) -> None:
    aws("ecs")  # empties the emulator
    rc, result = agent()
    assert rc == 1
    assert result["failed"] is True
    assert "not found" in result["msg"]


def test_unknown_group_fails(aws: Callable[[str], Any]) -> None:
    _cluster_with_group(aws, desired=0)
    rc, result = agent("--autoscaling-group", "nope")
    assert rc == 1
    assert "nope" in result["msg"]
