# Copyright: kstore.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters for the network tier: the subnet plan, derived from one CIDR or checked when given explicitly."""

from __future__ import annotations

import ipaddress
from typing import Any

from ansible.errors import AnsibleFilterError

DOCUMENTATION = r"""
name: subnet_plan
short_description: Plan (or check) the public, app and data subnets of the platform VPC
version_added: 0.1.0
description:
  - Derives one subnet per tier and availability zone from the VPC CIDR, or checks explicitly given subnets.
  - Derived subnets take the VPC prefix plus O(newbits) bits; tier C(public) takes the blocks 0..2,
    C(app) 4..6 and C(data) 8..10, which leaves room for a fourth AZ and further tiers.
  - Fails with a message that names the offending variable (C(network_vpc_cidr), C(network_public_subnets), ...).
options:
  _input:
    description: The VPC CIDR (V(network_vpc_cidr)).
    type: str
    required: true
  az_count:
    description: How many availability zones (2 or 3).
    type: int
    required: true
  newbits:
    description: Bits added to the VPC prefix for derived subnets.
    type: int
    default: 4
  explicit:
    description: Explicit subnets per tier (C(public), C(app), C(data)); an empty list means derive that tier.
    type: dict
    default: {}
"""

EXAMPLES = r"""
- name: Plan the subnets of 10.20.0.0/16 over two AZs
  ansible.builtin.set_fact:
    plan: "{{ '10.20.0.0/16' | kstore.platform.subnet_plan(az_count=2) }}"
  # plan.public == ['10.20.0.0/20', '10.20.16.0/20'], plan.app == ['10.20.64.0/20', ...], ...
"""

RETURN = r"""
_value:
  description: The subnets per tier, one per AZ in AZ order.
  type: dict
  sample: {"public": ["10.20.0.0/20", "10.20.16.0/20"], "app": ["10.20.64.0/20", "10.20.80.0/20"],
           "data": ["10.20.128.0/20", "10.20.144.0/20"]}
"""

TIERS = ("public", "app", "data")
TIER_OFFSET = {"public": 0, "app": 4, "data": 8}
# AWS: a VPC CIDR block is between /16 and /28; so is a subnet.
MIN_PREFIX = 16
MAX_PREFIX = 28


def _network(value: Any, variable: str) -> ipaddress.IPv4Network:
    try:
        net = ipaddress.ip_network(str(value), strict=True)
    except ValueError as exc:
        raise AnsibleFilterError(f"{variable}: '{value}' is not an IPv4 CIDR block ({exc})") from None
    if not isinstance(net, ipaddress.IPv4Network):
        raise AnsibleFilterError(f"{variable}: '{value}' is not an IPv4 CIDR block")
    if not MIN_PREFIX <= net.prefixlen <= MAX_PREFIX:
        raise AnsibleFilterError(
            f"{variable}: '{value}' has prefix /{net.prefixlen}; AWS accepts /{MIN_PREFIX} to /{MAX_PREFIX}"
        )
    return net


def subnet_plan(vpc_cidr: Any, az_count: int, newbits: int = 4, explicit: dict | None = None) -> dict[str, list[str]]:
    vpc = _network(vpc_cidr, "network_vpc_cidr")
    az_count = int(az_count)
    explicit = explicit or {}
    unknown = sorted(set(explicit) - set(TIERS))
    if unknown:
        raise AnsibleFilterError(f"subnet_plan: unknown tiers {unknown}; tiers are {list(TIERS)}")

    plan: dict[str, list[str]] = {}
    blocks: list[ipaddress.IPv4Network] | None = None
    for tier in TIERS:
        given = list(explicit.get(tier) or [])
        variable = f"network_{tier}_subnets"
        if given:
            if len(given) != az_count:
                raise AnsibleFilterError(
                    f"{variable}: {len(given)} subnets given for network_az_count={az_count}; give one per AZ"
                )
            nets = [_network(cidr, f"{variable}[{i}]") for i, cidr in enumerate(given)]
            for i, net in enumerate(nets):
                if not net.subnet_of(vpc):
                    raise AnsibleFilterError(f"{variable}[{i}]: {net} is not inside network_vpc_cidr {vpc}")
            plan[tier] = [str(n) for n in nets]
        else:
            if blocks is None:
                prefix = vpc.prefixlen + int(newbits)
                if int(newbits) < 4 or prefix > MAX_PREFIX:
                    raise AnsibleFilterError(
                        f"network_subnet_newbits: {newbits} gives /{prefix} subnets from network_vpc_cidr {vpc}; "
                        f"it must be at least 4 (12 subnets) and give at most /{MAX_PREFIX}"
                    )
                blocks = list(vpc.subnets(new_prefix=prefix))
            plan[tier] = [str(blocks[TIER_OFFSET[tier] + i]) for i in range(az_count)]

    seen: list[tuple[str, ipaddress.IPv4Network]] = []
    for tier in TIERS:
        for i, cidr in enumerate(plan[tier]):
            net = ipaddress.ip_network(cidr)
            where = f"network_{tier}_subnets[{i}]" + ("" if explicit.get(tier) else " (derived)")
            for other_where, other in seen:
                if net.overlaps(other):
                    raise AnsibleFilterError(f"{where}: {net} overlaps {other_where} {other}")
            seen.append((where, net))
    return plan


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"subnet_plan": subnet_plan}
