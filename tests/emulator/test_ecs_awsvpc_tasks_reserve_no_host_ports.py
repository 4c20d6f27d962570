"""ECS awsvpc tasks reserve no host ports (fidelity/ecs_awsvpc_tasks_reserve_no_host_ports)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


def test_two_awsvpc_tasks_with_the_same_port_on_one_instance(aws: Callable[[str], Any]) -> None:
    ec2, ecs = aws("ec2"), aws("ecs")
    vpc_id = ec2.create_vpc(CidrBlock="10.80.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.80.1.0/24")["Subnet"]["SubnetId"]
    image_id = ec2.describe_images()["Images"][0]["ImageId"]
    instance_id = ec2.run_instances(ImageId=image_id, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    ecs.create_cluster(clusterName="shop")
    document = {"instanceId": instance_id, "region": "eu-west-1", "accountId": "123456789012"}
    ecs.register_container_instance(cluster="shop", instanceIdentityDocument=json.dumps(document))
    ecs.register_task_definition(
        family="web",
        networkMode="awsvpc",
        containerDefinitions=[
            {"name": "web", "image": "x", "memory": 128, "portMappings": [{"containerPort": 8080, "hostPort": 8080}]}
        ],
    )
    group_id = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc_id)["GroupId"]
    network = {"awsvpcConfiguration": {"subnets": [subnet_id], "securityGroups": [group_id]}}
    first = ecs.run_task(cluster="shop", taskDefinition="web", networkConfiguration=network)["tasks"]
    second = ecs.run_task(cluster="shop", taskDefinition="web", networkConfiguration=network)["tasks"]
    assert len(first) == 1 and len(second) == 1
