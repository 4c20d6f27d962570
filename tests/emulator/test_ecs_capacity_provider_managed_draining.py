"""ECS capacity providers keep managedDraining (fidelity/ecs_capacity_provider_managed_draining)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _asg_arn(aws: Callable[[str], Any]) -> str:
    ec2, autoscaling = aws("ec2"), aws("autoscaling")
    vpc = ec2.create_vpc(CidrBlock="10.31.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.31.1.0/24")["Subnet"]["SubnetId"]
    ec2.create_launch_template(LaunchTemplateName="shop-ecs", LaunchTemplateData={"ImageId": "ami-12c6146b"})
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="shop-ecs",
        LaunchTemplate={"LaunchTemplateName": "shop-ecs"},
        MinSize=0,
        MaxSize=1,
        VPCZoneIdentifier=subnet,
    )
    return autoscaling.describe_auto_scaling_groups()["AutoScalingGroups"][0]["AutoScalingGroupARN"]


def test_default_enabled_then_updated(aws: Callable[[str], Any]) -> None:
    ecs = aws("ecs")
    created = ecs.create_capacity_provider(name="shop", autoScalingGroupProvider={"autoScalingGroupArn": _asg_arn(aws)})
    assert created["capacityProvider"]["autoScalingGroupProvider"]["managedDraining"] == "ENABLED"

    updated = ecs.update_capacity_provider(name="shop", autoScalingGroupProvider={"managedDraining": "DISABLED"})
    assert updated["capacityProvider"]["autoScalingGroupProvider"]["managedDraining"] == "DISABLED"
    (described,) = ecs.describe_capacity_providers(capacityProviders=["shop"])["capacityProviders"]
    assert described["autoScalingGroupProvider"]["managedDraining"] == "DISABLED"

    # An update that does not name the field leaves it alone.
    ecs.update_capacity_provider(name="shop", autoScalingGroupProvider={"managedScaling": {"targetCapacity": 90}})
    (described,) = ecs.describe_capacity_providers(capacityProviders=["shop"])["capacityProviders"]
    assert described["autoScalingGroupProvider"]["managedDraining"] == "DISABLED"


def test_create_with_disabled(aws: Callable[[str], Any]) -> None:
    ecs = aws("ecs")
    created = ecs.create_capacity_provider(
        name="shop", autoScalingGroupProvider={"autoScalingGroupArn": _asg_arn(aws), "managedDraining": "DISABLED"}
    )
    assert created["capacityProvider"]["autoScalingGroupProvider"]["managedDraining"] == "DISABLED"
