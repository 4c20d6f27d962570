"""A stand-in for the ECS container agent, for the local environment (the emulator runs no instance).

On AWS, the ECS agent of each instance of the cluster's Auto Scaling group registers the instance as a container
instance (RegisterContainerInstance with the instance identity document, its resources and capabilities) when it
boots, and the instance leaves the cluster when it terminates. The emulator only records the group's instances, so
this script does what the agents would do:

    container_agent.py --cluster shop-dev-cluster --region eu-west-1 [--autoscaling-group shop-dev-ecs]
    container_agent.py --cluster shop-dev-cluster --region eu-west-1 --deregister

Without --autoscaling-group, the groups are those of the cluster's capacity providers. Registration skips instances
that are already registered (idempotent). It prints one JSON object (counts and ARNs) and exits non-zero on error.
AWS_ENDPOINT_URL points boto3 at the emulator; the script never sends credentials anywhere else.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

AGENT_VERSION = "1.89.1"
# What the agent of the ECS-optimized Amazon Linux 2023 AMI reports (a representative subset).
CAPABILITIES = (
    "com.amazonaws.ecs.capability.docker-remote-api.1.17",
    "com.amazonaws.ecs.capability.docker-remote-api.1.18",
    "com.amazonaws.ecs.capability.docker-remote-api.1.19",
    "com.amazonaws.ecs.capability.docker-remote-api.1.21",
    "com.amazonaws.ecs.capability.docker-remote-api.1.24",
    "com.amazonaws.ecs.capability.docker-remote-api.1.30",
    "com.amazonaws.ecs.capability.docker-remote-api.1.32",
    "com.amazonaws.ecs.capability.docker-remote-api.1.44",
    "com.amazonaws.ecs.capability.ecr-auth",
    "com.amazonaws.ecs.capability.task-iam-role",
    "com.amazonaws.ecs.capability.task-iam-role-network-host",
    "com.amazonaws.ecs.capability.logging-driver.awslogs",
    "com.amazonaws.ecs.capability.logging-driver.json-file",
    "com.amazonaws.ecs.capability.logging-driver.none",
    "com.amazonaws.ecs.capability.privileged-container",
    "ecs.capability.execution-role-awslogs",
    "ecs.capability.execution-role-ecr-pull",
    "ecs.capability.secrets.asm.environment-variables",
    "ecs.capability.secrets.ssm.environment-variables",
    "ecs.capability.task-eni",
    "ecs.capability.task-cpu-mem-limit",
    "ecs.capability.efs",
    "ecs.capability.efsAuth",
    "ecs.capability.container-health-check",
    "ecs.capability.container-ordering",
    "ecs.capability.full-sync",
    "ecs.capability.increased-task-cpu-limit",
    "ecs.capability.env-files.s3",
)
# Ports the agent reserves on every instance (ssh, docker, the agent's introspection and credential endpoints).
RESERVED_PORTS = ["22", "2375", "2376", "51678", "51679"]
# Memory the agent leaves to the OS and Docker, MiB (its ECS_RESERVED_MEMORY plus the kernel's share).
RESERVED_MEMORY_MIB = 256


class AgentError(Exception):
    """An error the script reports as {"failed": true, "msg": ...} with exit code 1."""


def _clients(region: str) -> tuple[Any, Any, Any]:
    session = boto3.Session(region_name=region)
    return session.client("ecs"), session.client("ec2"), session.client("autoscaling")


def cluster_arn(ecs: Any, cluster: str) -> str | None:
    found = ecs.describe_clusters(clusters=[cluster])["clusters"]
    active = [item for item in found if item["status"] == "ACTIVE"]
    return active[0]["clusterArn"] if active else None


def group_names(ecs: Any, cluster: str, given: list[str]) -> list[str]:
    if given:
        return given
    (found,) = ecs.describe_clusters(clusters=[cluster])["clusters"]
    providers = [name for name in found.get("capacityProviders", []) if name not in ("FARGATE", "FARGATE_SPOT")]
    if not providers:
        raise AgentError(f"cluster {cluster} has no capacity provider: pass --autoscaling-group")
    described = ecs.describe_capacity_providers(capacityProviders=providers)["capacityProviders"]
    return [
        provider["autoScalingGroupProvider"]["autoScalingGroupArn"].split(":autoScalingGroupName/", 1)[1]
        for provider in described
        if "autoScalingGroupProvider" in provider
    ]


def group_instances(autoscaling: Any, ec2: Any, groups: list[str]) -> list[dict[str, Any]]:
    answer = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=groups)["AutoScalingGroups"]
    missing = sorted(set(groups) - {group["AutoScalingGroupName"] for group in answer})
    if missing:
        raise AgentError(f"Auto Scaling group(s) not found: {', '.join(missing)}")
    ids = [instance["InstanceId"] for group in answer for instance in group.get("Instances", [])]
    if not ids:
        return []
    reservations = ec2.describe_instances(InstanceIds=ids)["Reservations"]
    instances = [instance for reservation in reservations for instance in reservation["Instances"]]
    return sorted(
        (instance for instance in instances if instance["State"]["Name"] == "running"),
        key=lambda instance: instance["InstanceId"],
    )


def registered(ecs: Any, cluster: str) -> dict[str, str]:
    """EC2 instance ID -> container instance ARN, for the ACTIVE/DRAINING container instances of the cluster."""
    arns: list[str] = []
    for page in ecs.get_paginator("list_container_instances").paginate(cluster=cluster):
        arns.extend(page["containerInstanceArns"])
    result: dict[str, str] = {}
    for start in range(0, len(arns), 100):
        described = ecs.describe_container_instances(cluster=cluster, containerInstances=arns[start : start + 100])
        for item in described["containerInstances"]:
            if item.get("status", "ACTIVE") in ("ACTIVE", "DRAINING", "REGISTERING"):
                result[item["ec2InstanceId"]] = item["containerInstanceArn"]
    return result


def instance_resources(ec2: Any, instance_type: str) -> tuple[int, int]:
    """(CPU units, memory MiB) the agent would report for an instance type."""
    info = ec2.describe_instance_types(InstanceTypes=[instance_type])["InstanceTypes"][0]
    cpu = int(info["VCpuInfo"]["DefaultVCpus"]) * 1024
    memory = int(info["MemoryInfo"]["SizeInMiB"]) - RESERVED_MEMORY_MIB
    return cpu, memory


def register(ecs: Any, ec2: Any, cluster: str, instance: dict[str, Any], account: str, region: str) -> str:
    cpu, memory = instance_resources(ec2, instance["InstanceType"])
    zone = instance["Placement"]["AvailabilityZone"]
    architecture = instance.get("Architecture", "x86_64")
    document = json.dumps(
        {
            "accountId": account,
            "architecture": architecture,
            "availabilityZone": zone,
            "imageId": instance["ImageId"],
            "instanceId": instance["InstanceId"],
            "instanceType": instance["InstanceType"],
            "pendingTime": instance["LaunchTime"].strftime("%Y-%m-%dT%H:%M:%SZ"),
            "privateIp": instance.get("PrivateIpAddress", ""),
            "region": region,
            "version": "2017-09-30",
        },
        sort_keys=True,
    )
    attributes = [{"name": name} for name in CAPABILITIES] + [
        {"name": "ecs.os-type", "value": "linux"},
        {"name": "ecs.os-family", "value": "LINUX"},
        {"name": "ecs.ami-id", "value": instance["ImageId"]},
        {"name": "ecs.instance-type", "value": instance["InstanceType"]},
        {"name": "ecs.availability-zone", "value": zone},
        {"name": "ecs.cpu-architecture", "value": architecture},
        {"name": "ecs.vpc-id", "value": instance.get("VpcId", "")},
        {"name": "ecs.subnet-id", "value": instance.get("SubnetId", "")},
    ]
    answer = ecs.register_container_instance(
        cluster=cluster,
        instanceIdentityDocument=document,
        # The emulator does not check it; on AWS only the agent on the instance can produce a valid signature.
        instanceIdentityDocumentSignature=base64.b64encode(b"kstore-local-container-agent").decode(),
        totalResources=[
            {"name": "CPU", "type": "INTEGER", "integerValue": cpu},
            {"name": "MEMORY", "type": "INTEGER", "integerValue": memory},
            {"name": "PORTS", "type": "STRINGSET", "stringSetValue": RESERVED_PORTS},
            {"name": "PORTS_UDP", "type": "STRINGSET", "stringSetValue": []},
        ],
        versionInfo={"agentVersion": AGENT_VERSION, "agentHash": "local", "dockerVersion": "25.0.8"},
        attributes=attributes,
    )
    return answer["containerInstance"]["containerInstanceArn"]


def run(args: argparse.Namespace) -> dict[str, Any]:
    ecs, ec2, autoscaling = _clients(args.region)
    arn = cluster_arn(ecs, args.cluster)
    if args.deregister:
        if arn is None:
            return {"cluster": args.cluster, "deregistered": 0, "container_instance_arns": []}
        gone = []
        for container_instance in sorted(registered(ecs, args.cluster).values()):
            ecs.deregister_container_instance(cluster=args.cluster, containerInstance=container_instance, force=True)
            gone.append(container_instance)
        return {"cluster": args.cluster, "deregistered": len(gone), "container_instance_arns": gone}

    if arn is None:
        raise AgentError(f"ECS cluster {args.cluster} not found in {args.region}")
    groups = group_names(ecs, args.cluster, args.autoscaling_group)
    account = arn.split(":")[4]
    known = registered(ecs, args.cluster)
    new = []
    instances = group_instances(autoscaling, ec2, groups)
    for instance in instances:
        if instance["InstanceId"] not in known:
            new.append(register(ecs, ec2, args.cluster, instance, account, args.region))
    return {
        "cluster": args.cluster,
        "autoscaling_groups": groups,
        "instances": len(instances),
        "registered": len(new),
        "already_registered": len(instances) - len(new),
        "container_instance_arns": new,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--cluster", required=True, help="ECS cluster name")
    parser.add_argument("--region", required=True, help="AWS region")
    parser.add_argument(
        "--autoscaling-group",
        action="append",
        default=[],
        help="Auto Scaling group whose instances join (repeatable; default: the cluster's capacity providers' groups)",
    )
    parser.add_argument("--deregister", action="store_true", help="deregister every container instance of the cluster")
    args = parser.parse_args(argv)
    try:
        result = run(args)
    except (AgentError, BotoCoreError, ClientError) as error:
        print(json.dumps({"failed": True, "msg": str(error)}))
        return 1
    print(json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
