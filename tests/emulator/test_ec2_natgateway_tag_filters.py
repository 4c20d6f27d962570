"""EC2 DescribeNatGateways honours tag filters (fidelity/ec2_natgateway_tag_filters)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _nat(ec2: Any, cidr: str, platform: str) -> str:
    vpc_id = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr.replace("/16", "/24"))["Subnet"]["SubnetId"]
    return ec2.create_nat_gateway(
        SubnetId=subnet_id,
        AllocationId=ec2.allocate_address(Domain="vpc")["AllocationId"],
        TagSpecifications=[{"ResourceType": "natgateway", "Tags": [{"Key": "Platform", "Value": platform}]}],
    )["NatGateway"]["NatGatewayId"]


def test_tag_filters_select_nat_gateways(aws: Callable[[str], Any]) -> None:
    ec2 = aws("ec2")
    shop = _nat(ec2, "10.1.0.0/16", "shop")
    other = _nat(ec2, "10.2.0.0/16", "other")

    def ids(*filters: dict[str, Any]) -> list[str]:
        return sorted(n["NatGatewayId"] for n in ec2.describe_nat_gateways(Filters=list(filters))["NatGateways"])

    assert ids({"Name": "tag:Platform", "Values": ["shop"]}) == [shop]
    assert ids({"Name": "tag:Platform", "Values": ["shop", "other"]}) == sorted([shop, other])
    assert ids({"Name": "tag:Platform", "Values": ["nobody"]}) == []
    assert ids({"Name": "tag-key", "Values": ["Platform"]}) == sorted([shop, other])
    assert ids({"Name": "tag:Platform", "Values": ["other"]}, {"Name": "state", "Values": ["available"]}) == [other]
