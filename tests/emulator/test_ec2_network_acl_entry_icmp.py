"""EC2 network ACL entries keep their ICMP type and code (fidelity/ec2_network_acl_entry_icmp)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def test_icmp_type_and_code_read_back(aws: Callable[[str], Any]) -> None:
    ec2 = aws("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    acl = ec2.create_network_acl(VpcId=vpc_id)["NetworkAcl"]["NetworkAclId"]
    common = {"NetworkAclId": acl, "Protocol": "1", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0"}
    ec2.create_network_acl_entry(RuleNumber=400, Egress=False, IcmpTypeCode={"Type": 3, "Code": 4}, **common)
    ec2.create_network_acl_entry(RuleNumber=400, Egress=True, IcmpTypeCode={"Type": 0, "Code": 0}, **common)
    ec2.create_network_acl_entry(
        NetworkAclId=acl,
        RuleNumber=100,
        Protocol="6",
        RuleAction="allow",
        Egress=False,
        CidrBlock="0.0.0.0/0",
        PortRange={"From": 443, "To": 443},
    )

    def entries() -> dict[tuple[int, bool], dict[str, Any]]:
        found = ec2.describe_network_acls(NetworkAclIds=[acl])["NetworkAcls"][0]["Entries"]
        return {(e["RuleNumber"], e["Egress"]): e for e in found}

    assert entries()[(400, False)]["IcmpTypeCode"] == {"Type": 3, "Code": 4}
    assert entries()[(400, True)]["IcmpTypeCode"] == {"Type": 0, "Code": 0}  # echo reply: zeros are kept too
    assert "IcmpTypeCode" not in entries()[(100, False)]

    ec2.replace_network_acl_entry(RuleNumber=400, Egress=False, IcmpTypeCode={"Type": 11, "Code": 0}, **common)
    assert entries()[(400, False)]["IcmpTypeCode"] == {"Type": 11, "Code": 0}
    assert entries()[(400, True)]["IcmpTypeCode"] == {"Type": 0, "Code": 0}
