# Copyright: kstore.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The network tier's data-subnet NACL entries, in amazon.aws.ec2_vpc_nacl's list form."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError

DOCUMENTATION = r"""
name: data_tier_nacl
short_description: NACL entries that let the data tier talk to the app tier only
version_added: 0.1.0
description:
  - Builds the ingress and egress entries of the data subnets' network ACL from the subnet plan
    (the output of P(kstore.platform.subnet_plan#filter)).
  - Ingress - all traffic from the data subnets (replication between AZs), TCP O(ports) from the app subnets.
  - Egress - all traffic to the data subnets, TCP 1024-65535 (replies) to the app subnets.
  - Everything else meets the NACL's implicit deny.
options:
  _input:
    description: The subnet plan, a dict with lists C(app) and C(data) of CIDRs.
    type: dict
    required: true
  ports:
    description: TCP ports the app tier may open on the data tier.
    type: list
    elements: int
    required: true
"""

EXAMPLES = r"""
- name: Data tier NACL
  amazon.aws.ec2_vpc_nacl:
    name: shop-prod-data
    vpc_id: "{{ vpc_id }}"
    ingress: "{{ (plan | kstore.platform.data_tier_nacl(ports=[3306, 6379])).ingress }}"
    egress: "{{ (plan | kstore.platform.data_tier_nacl(ports=[3306, 6379])).egress }}"
"""

RETURN = r"""
_value:
  description:
    - C(ingress) and C(egress) entries, each [rule number, protocol, action, CIDR, ICMP type, ICMP code, from, to].
  type: dict
"""

EPHEMERAL = (1024, 65535)


def data_tier_nacl(plan: dict[str, list[str]], ports: list[int]) -> dict[str, list[list[Any]]]:
    try:
        app, data = list(plan["app"]), list(plan["data"])
    except (KeyError, TypeError):
        raise AnsibleFilterError(
            "data_tier_nacl: the input must be a subnet plan with 'app' and 'data' lists"
        ) from None
    if len(app) * max(len(ports), 1) > 90 or len(data) > 90:
        raise AnsibleFilterError("data_tier_nacl: too many subnets or ports for the rule-number ranges")
    ingress: list[list[Any]] = []
    egress: list[list[Any]] = []
    for i, cidr in enumerate(data):
        ingress.append([100 + i, "all", "allow", cidr, None, None, None, None])
        egress.append([100 + i, "all", "allow", cidr, None, None, None, None])
    rule = 200
    for cidr in app:
        for port in ports:
            ingress.append([rule, "tcp", "allow", cidr, None, None, int(port), int(port)])
            rule += 1
    for i, cidr in enumerate(app):
        egress.append([200 + i, "tcp", "allow", cidr, None, None, *EPHEMERAL])
    return {"ingress": ingress, "egress": egress}


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"data_tier_nacl": data_tier_nacl}
