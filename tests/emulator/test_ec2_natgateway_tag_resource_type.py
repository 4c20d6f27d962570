"""EC2 DescribeTags reports NAT gateways as resource type ``natgateway`` (fidelity/ec2_natgateway_tag_resource_type)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _subnet_and_eip(ec2: Any) -> tuple[str, str]:
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    return subnet_id, ec2.allocate_address(Domain="vpc")["AllocationId"]


def test_describe_tags_reports_natgateway(aws: Callable[[str], Any]) -> None:
    ec2 = aws("ec2")
    subnet_id, allocation_id = _subnet_and_eip(ec2)
    nat_id = ec2.create_nat_gateway(
        SubnetId=subnet_id,
        AllocationId=allocation_id,
        TagSpecifications=[{"ResourceType": "natgateway", "Tags": [{"Key": "Name", "Value": "nat-a"}]}],
    )["NatGateway"]["NatGatewayId"]

    tags = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [nat_id]}])["Tags"]
    assert [(t["ResourceType"], t["Key"], t["Value"]) for t in tags] == [("natgateway", "Name", "nat-a")]

    filtered = ec2.describe_tags(
        Filters=[{"Name": "resource-id", "Values": [nat_id]}, {"Name": "resource-type", "Values": ["natgateway"]}]
    )["Tags"]
    assert [t["Key"] for t in filtered] == ["Name"]

    # Other resource types keep theirs.
    vpc_id = ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"][0]["VpcId"]
    ec2.create_tags(Resources=[vpc_id], Tags=[{"Key": "Name", "Value": "v"}])
    tags = ec2.describe_tags(Filters=[{"Name": "resource-type", "Values": ["vpc"]}])["Tags"]
    assert [(t["ResourceId"], t["ResourceType"]) for t in tags] == [(vpc_id, "vpc")]


def test_ec2_vpc_nat_gateway_is_idempotent(
    aws: Callable[[str], Any], ansible_runs: Callable[..., list[dict[str, Any]]]
) -> None:
    subnet_id, allocation_id = _subnet_and_eip(aws("ec2"))
    args = {
        "subnet_id": subnet_id,
        "allocation_id": allocation_id,
        "if_exist_do_not_create": True,
        "wait": False,
        "tags": {"Name": "nat-a", "Tier": "network"},
    }
    first, second = ansible_runs("amazon.aws.ec2_vpc_nat_gateway", args, args)
    assert first["changed"] is True
    assert second["changed"] is False
    assert second["nat_gateway_id"] == first["nat_gateway_id"]
    assert second["tags"] == {"Name": "nat-a", "Tier": "network"}
    assert len(aws("ec2").describe_nat_gateways()["NatGateways"]) == 1
