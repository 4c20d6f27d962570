"""EC2 DescribeNetworkAcls honours the ``network-acl-id`` filter.

AWS behaviour restored: ``DescribeNetworkAcls`` accepts the filter ``network-acl-id`` (the ACLs with those ids),
documented with the other ``network-acl`` filters. moto 5.2.5 implements ``association.network-acl-id`` but not
``network-acl-id`` itself and answers the call with an HTTP 500 (``FilterNotImplementedError``).

Needed by: ``amazon.aws.ec2_vpc_nacl`` given ``nacl_id`` (it looks the ACL up with that filter), which the network
role uses to empty the VPC's default NACL, whose only name is its id.
"""

from __future__ import annotations

from typing import Any

from ._patching import patch


def apply() -> None:
    from moto.ec2.models.network_acls import NetworkAcl

    def make(original: Any) -> Any:
        def get_filter_value(self: Any, filter_name: str, method_name: str | None = None) -> Any:
            if filter_name == "network-acl-id":
                return self.id
            return original(self, filter_name, method_name)

        return get_filter_value

    patch(NetworkAcl, "get_filter_value", "ec2_network_acl_id_filter", make)
