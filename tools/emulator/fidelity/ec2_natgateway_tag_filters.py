"""EC2 DescribeNatGateways honours ``tag:<key>`` and ``tag-key`` filters.

AWS behaviour restored: ``DescribeNatGateways`` accepts the filters ``tag:<key>`` (values of that tag) and
``tag-key`` (gateways having the key), like every EC2 Describe call. moto 5.2.5 applies only ``nat-gateway-id``,
``vpc-id``, ``subnet-id`` and ``state`` and silently ignores tag filters, so a lookup by the platform's tags
returns every NAT gateway of the account.

Needed by: ``amazon.aws.ec2_vpc_nat_gateway_info`` with tag filters, as the molecule scenarios use it to prove
that a removed tier left no NAT gateway behind while another platform's gateways exist.
"""

from __future__ import annotations

from typing import Any

from ._patching import patch


def apply() -> None:
    from moto.ec2.models.nat_gateways import NatGatewayBackend
    from moto.ec2.utils import tag_filter_matches

    def make(original: Any) -> Any:
        def describe_nat_gateways(self: Any, filters: Any, nat_gateway_ids: list[str] | None) -> list[Any]:
            gateways = original(self, filters, nat_gateway_ids)
            for name, values in (filters or {}).items():
                if name.startswith("tag:") or name == "tag-key":
                    gateways = [gw for gw in gateways if tag_filter_matches(gw, name, values)]
            return gateways

        return describe_nat_gateways

    patch(NatGatewayBackend, "describe_nat_gateways", "ec2_natgateway_tag_filters", make)
