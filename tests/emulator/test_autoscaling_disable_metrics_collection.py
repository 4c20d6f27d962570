"""Auto Scaling DisableMetricsCollection (fidelity/autoscaling_disable_metrics_collection)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _group(aws: Callable[[str], Any]) -> Any:
    ec2, autoscaling = aws("ec2"), aws("autoscaling")
    vpc = ec2.create_vpc(CidrBlock="10.33.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.33.1.0/24")["Subnet"]["SubnetId"]
    ec2.create_launch_template(LaunchTemplateName="shop-ecs", LaunchTemplateData={"ImageId": "ami-12c6146b"})
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="shop",
        LaunchTemplate={"LaunchTemplateName": "shop-ecs"},
        MinSize=0,
        MaxSize=1,
        VPCZoneIdentifier=subnet,
    )
    return autoscaling


def _enabled(autoscaling: Any) -> list[str]:
    (group,) = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["shop"])["AutoScalingGroups"]
    return sorted(metric["Metric"] for metric in group.get("EnabledMetrics", []))


def test_disable_some_then_all(aws: Callable[[str], Any]) -> None:
    autoscaling = _group(aws)
    autoscaling.enable_metrics_collection(
        AutoScalingGroupName="shop", Granularity="1Minute", Metrics=["GroupMinSize", "GroupMaxSize"]
    )
    autoscaling.disable_metrics_collection(AutoScalingGroupName="shop", Metrics=["GroupMinSize"])
    assert _enabled(autoscaling) == ["GroupMaxSize"]
    autoscaling.disable_metrics_collection(AutoScalingGroupName="shop")
    assert _enabled(autoscaling) == []


def test_disable_when_none_is_collected(aws: Callable[[str], Any]) -> None:
    autoscaling = _group(aws)
    autoscaling.disable_metrics_collection(AutoScalingGroupName="shop", Metrics=["GroupMinSize"])
    assert _enabled(autoscaling) == []
