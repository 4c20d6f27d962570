"""DeleteCapacityProvider refuses a provider a cluster uses (fidelity/ecs_capacity_provider_delete_in_use)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError


def _provider(aws: Callable[[str], Any]) -> None:
    ec2, autoscaling = aws("ec2"), aws("autoscaling")
    vpc = ec2.create_vpc(CidrBlock="10.32.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.32.1.0/24")["Subnet"]["SubnetId"]
    ec2.create_launch_template(LaunchTemplateName="shop-ecs", LaunchTemplateData={"ImageId": "ami-12c6146b"})
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="shop-ecs",
        LaunchTemplate={"LaunchTemplateName": "shop-ecs"},
        MinSize=0,
        MaxSize=1,
        VPCZoneIdentifier=subnet,
    )
    arn = autoscaling.describe_auto_scaling_groups()["AutoScalingGroups"][0]["AutoScalingGroupARN"]
    aws("ecs").create_capacity_provider(name="shop", autoScalingGroupProvider={"autoScalingGroupArn": arn})


def test_in_use_is_refused_until_detached(aws: Callable[[str], Any]) -> None:
    _provider(aws)
    ecs = aws("ecs")
    ecs.create_cluster(clusterName="shop")
    ecs.put_cluster_capacity_providers(
        cluster="shop", capacityProviders=["shop"], defaultCapacityProviderStrategy=[{"capacityProvider": "shop"}]
    )
    with pytest.raises(ClientError) as error:
        ecs.delete_capacity_provider(capacityProvider="shop")
    assert error.value.response["Error"]["Code"] == "ClientException"
    assert "in use" in error.value.response["Error"]["Message"]
    assert ecs.describe_capacity_providers(capacityProviders=["shop"])["capacityProviders"]

    ecs.put_cluster_capacity_providers(cluster="shop", capacityProviders=[], defaultCapacityProviderStrategy=[])
    ecs.delete_capacity_provider(capacityProvider="shop")
    assert ecs.describe_capacity_providers(capacityProviders=["shop"])["capacityProviders"] == []


def test_unused_is_deleted(aws: Callable[[str], Any]) -> None:
    _provider(aws)
    aws("ecs").delete_capacity_provider(capacityProvider="shop")
    assert aws("ecs").describe_capacity_providers(capacityProviders=["shop"])["capacityProviders"] == []
