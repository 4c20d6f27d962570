"""Instances launched from a launch template carry its profile, metadata options and volumes
(fidelity/ec2_launch_template_instance_settings)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
DATA = {
    "ImageId": "ami-12c6146b",
    "InstanceType": "t3.small",
    "IamInstanceProfile": {"Name": "ecs-instance"},
    "MetadataOptions": {"HttpEndpoint": "enabled", "HttpTokens": "required", "HttpPutResponseHopLimit": 2},
    "BlockDeviceMappings": [
        {
            "DeviceName": "/dev/xvda",
            "Ebs": {"VolumeSize": 30, "VolumeType": "gp3", "Encrypted": True, "DeleteOnTermination": True},
        }
    ],
}


def _setup(aws: Callable[[str], Any], data: dict[str, Any] | None = None) -> str:
    """An instance profile allowed to register with SSM, a subnet, and the launch template ``ecs`` (``DATA``)."""
    iam, ec2 = aws("iam"), aws("ec2")
    iam.create_role(RoleName="ecs-instance", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.attach_role_policy(RoleName="ecs-instance", PolicyArn=CORE)
    iam.create_instance_profile(InstanceProfileName="ecs-instance")
    iam.add_role_to_instance_profile(InstanceProfileName="ecs-instance", RoleName="ecs-instance")
    ec2.create_launch_template(LaunchTemplateName="ecs", LaunchTemplateData=DATA if data is None else data)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    return ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="eu-west-1a")["Subnet"]["SubnetId"]


def _instances(ec2: Any) -> list[dict[str, Any]]:
    return [i for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]]


def _volumes(ec2: Any, instance: dict[str, Any]) -> dict[str, dict[str, Any]]:
    ids = {b["Ebs"]["VolumeId"]: b["DeviceName"] for b in instance["BlockDeviceMappings"]}
    return {ids[v["VolumeId"]]: v for v in ec2.describe_volumes(VolumeIds=list(ids))["Volumes"]}


def _assert_carries_template(ec2: Any, instance: dict[str, Any]) -> None:
    assert instance["IamInstanceProfile"]["Arn"].endswith(":instance-profile/ecs-instance")
    assert instance["MetadataOptions"]["HttpTokens"] == "required"
    assert instance["MetadataOptions"]["HttpPutResponseHopLimit"] == 2
    volumes = _volumes(ec2, instance)
    assert list(volumes) == ["/dev/xvda"]  # the template's root volume, no unencrypted default one
    assert volumes["/dev/xvda"]["Encrypted"] is True
    assert volumes["/dev/xvda"]["VolumeType"] == "gp3"
    assert volumes["/dev/xvda"]["Size"] == 30


def test_run_instances_from_a_template(aws: Callable[[str], Any]) -> None:
    subnet = _setup(aws)
    ec2 = aws("ec2")
    ec2.run_instances(MinCount=2, MaxCount=2, SubnetId=subnet, LaunchTemplate={"LaunchTemplateName": "ecs"})
    instances = _instances(ec2)
    assert len(instances) == 2
    for instance in instances:
        _assert_carries_template(ec2, instance)
    associations = ec2.describe_iam_instance_profile_associations()["IamInstanceProfileAssociations"]
    assert sorted(a["InstanceId"] for a in associations) == sorted(i["InstanceId"] for i in instances)


def test_request_parameters_win_over_the_template(aws: Callable[[str], Any]) -> None:
    subnet = _setup(aws)
    ec2 = aws("ec2")
    (instance,) = ec2.run_instances(
        MinCount=1,
        MaxCount=1,
        SubnetId=subnet,
        LaunchTemplate={"LaunchTemplateName": "ecs"},
        MetadataOptions={"HttpTokens": "optional"},
        BlockDeviceMappings=[{"DeviceName": "/dev/sdf", "Ebs": {"VolumeSize": 10, "Encrypted": False}}],
    )["Instances"]
    assert instance["MetadataOptions"]["HttpTokens"] == "optional"
    assert instance["MetadataOptions"]["HttpPutResponseHopLimit"] == 2  # a field the request leaves out
    assert list(_volumes(ec2, instance)) == ["/dev/sdf"]


def test_auto_scaling_instances_are_ssm_managed(aws: Callable[[str], Any]) -> None:
    subnet = _setup(aws)
    aws("autoscaling").create_auto_scaling_group(
        AutoScalingGroupName="ecs",
        LaunchTemplate={"LaunchTemplateName": "ecs", "Version": "$Latest"},
        MinSize=2,
        MaxSize=2,
        DesiredCapacity=2,
        VPCZoneIdentifier=subnet,
    )
    ec2 = aws("ec2")
    instances = _instances(ec2)
    assert len(instances) == 2
    for instance in instances:
        _assert_carries_template(ec2, instance)
    nodes = aws("ssm").describe_instance_information()["InstanceInformationList"]
    assert sorted(n["InstanceId"] for n in nodes) == sorted(i["InstanceId"] for i in instances)


def test_a_template_without_these_settings_changes_nothing(aws: Callable[[str], Any]) -> None:
    subnet = _setup(aws, {"ImageId": "ami-12c6146b", "InstanceType": "t3.small"})
    ec2 = aws("ec2")
    (instance,) = ec2.run_instances(
        MinCount=1, MaxCount=1, SubnetId=subnet, LaunchTemplate={"LaunchTemplateName": "ecs"}
    )["Instances"]
    assert "IamInstanceProfile" not in instance
    assert instance["MetadataOptions"]["HttpTokens"] == "optional"
    assert list(_volumes(ec2, instance)) == ["/dev/sda1"]  # the AMI's default root volume
