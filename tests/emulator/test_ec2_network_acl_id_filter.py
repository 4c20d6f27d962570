"""EC2 DescribeNetworkAcls honours the network-acl-id filter (fidelity/ec2_network_acl_id_filter)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def test_network_acl_id_filter_selects_the_acl(aws: Callable[[str], Any]) -> None:
    ec2 = aws("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    mine = ec2.create_network_acl(VpcId=vpc_id)["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl(VpcId=vpc_id)
    default = ec2.describe_network_acls(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "default", "Values": ["true"]}]
    )["NetworkAcls"][0]["NetworkAclId"]

    def ids(*values: str) -> list[str]:
        found = ec2.describe_network_acls(Filters=[{"Name": "network-acl-id", "Values": list(values)}])
        return sorted(n["NetworkAclId"] for n in found["NetworkAcls"])

    assert ids(mine) == [mine]
    assert ids(mine, default) == sorted([mine, default])
    assert ids("acl-00000000000000000") == []


def test_default_nacl_entries_can_be_removed(aws: Callable[[str], Any]) -> None:
    """No patch needed: moto lets the default NACL's allow entries go, as AWS does (the network role empties it)."""
    ec2 = aws("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.4.0.0/16")["Vpc"]["VpcId"]
    acl = ec2.describe_network_acls(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "default", "Values": ["true"]}]
    )["NetworkAcls"][0]
    for egress in (True, False):
        ec2.delete_network_acl_entry(NetworkAclId=acl["NetworkAclId"], RuleNumber=100, Egress=egress)
    entries = ec2.describe_network_acls(NetworkAclIds=[acl["NetworkAclId"]])["NetworkAcls"][0]["Entries"]
    assert {(e["RuleNumber"], e["RuleAction"]) for e in entries} == {(32767, "deny")}
