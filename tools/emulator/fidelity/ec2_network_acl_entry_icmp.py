"""EC2 network ACL entries keep their ICMP type and code.

AWS behaviour restored: ``CreateNetworkAclEntry`` and ``ReplaceNetworkAclEntry`` with an ICMP protocol store
``IcmpTypeCode`` (type and code, for instance 3/4 "fragmentation needed", which path MTU discovery needs), and
``DescribeNetworkAcls`` returns it. moto 5.2.5 reads the parameters as ``Icmp.Code``/``Icmp.Type`` while its request
parser names them ``IcmpTypeCode``: the type and code are dropped, so the entry reads back as "all ICMP".

Needed by: ``amazon.aws.ec2_vpc_nacl``, which compares the entries it wants with those it reads back: the network
role's public and app NACLs admit ICMP 3/4 and, without this, would report a change on every run.
"""

from __future__ import annotations

from typing import Any

from ._patching import patch


def apply() -> None:
    from moto.ec2.responses.network_acls import NetworkACLs

    def make(original: Any) -> Any:
        def with_icmp(self: Any) -> Any:
            result = original(self)
            icmp = self._get_param("IcmpTypeCode") or {}
            if isinstance(icmp, dict) and (icmp.get("Code") is not None or icmp.get("Type") is not None):
                acl = self.ec2_backend.get_network_acl(self._get_param("NetworkAclId"))
                rule, egress = int(self._get_param("RuleNumber")), self._get_bool_param("Egress")
                for entry in acl.network_acl_entries:
                    if int(entry.rule_number) == rule and bool(entry.egress) == bool(egress):
                        entry.icmp_code = None if icmp.get("Code") is None else int(icmp["Code"])
                        entry.icmp_type = None if icmp.get("Type") is None else int(icmp["Type"])
            return result

        return with_icmp

    for action in ("create_network_acl_entry", "replace_network_acl_entry"):
        patch(NetworkACLs, action, "ec2_network_acl_entry_icmp", make)
