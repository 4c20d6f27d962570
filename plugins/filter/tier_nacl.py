# Copyright: kstore.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The network tier's public- and app-subnet NACL entries, in amazon.aws.ec2_vpc_nacl's list form."""

from __future__ import annotations

import ipaddress
from typing import Any

from ansible.errors import AnsibleFilterError

DOCUMENTATION = r"""
name: tier_nacl
short_description: Stateless NACL entries for the public or the app subnets
version_added: 0.1.0
description:
  - Builds the ingress and egress entries of the public or the app subnets' network ACL from the subnet plan
    (the output of P(kstore.platform.subnet_plan#filter)); the data subnets have
    P(kstore.platform.data_tier_nacl#filter).
  - NACLs are stateless - every reply needs its own rule, on the ephemeral ports 1024-65535 (what NAT gateways, load
    balancers and clients use). Replies from the internet (through NAT or from S3's public addresses through the
    gateway endpoint) come from any address, so the ephemeral range is open to 0.0.0.0/0 inbound; the admin ports
    22 and 3389 (3389 is inside that range) are denied from 0.0.0.0/0 before it.
  - Public tier - in - O(public_ports) from the world (the load balancer's listeners), O(egress_ports) from the app
    subnets (to the NAT gateways, when O(nat)), replies, ICMP fragmentation-needed (path MTU discovery); out - replies
    to the world, O(app_ports) to the app subnets (the load balancer's targets and health checks), O(egress_ports)
    to the world (NAT, when O(nat)).
  - App tier - in - O(app_ports) from the public subnets (the load balancer), then denied from anywhere else;
    O(internal_ports) from the app subnets (interface endpoints 443, EFS mount targets 2049, across AZs); replies;
    ICMP fragmentation-needed; out - replies inside the VPC, O(internal_ports) to the app subnets, O(data_ports) to
    the data subnets, O(egress_ports) to the world (NAT and the S3 gateway endpoint's public addresses).
  - Traffic to the VPC's DNS resolver, the instance metadata service and the Amazon Time Sync Service is never
    filtered by NACLs.
  - Each tier's CIDRs are collapsed into the fewest blocks covering exactly them; more than O(max_entries) entries in
    a direction (AWS's default quota, 20) fails.
options:
  _input:
    description: The subnet plan, a dict with lists C(public), C(app) and C(data) of CIDRs.
    type: dict
    required: true
  tier:
    description: Which tier's NACL.
    type: str
    choices: [public, app]
    required: true
  vpc_cidr:
    description: The VPC's CIDR (the app tier's replies stay inside it).
    type: str
    required: true
  app_ports:
    description: TCP ports the load balancer opens on the app tier (targets and health checks).
    type: list
    elements: int
    required: true
  public_ports:
    description: TCP ports the public tier accepts from the world (the load balancer's listeners).
    type: list
    elements: int
    default: [80, 443]
  egress_ports:
    description: TCP ports the app tier opens on the internet (through NAT) and on S3 (gateway endpoint).
    type: list
    elements: int
    default: [443]
  internal_ports:
    description: TCP ports the app subnets open on each other (interface endpoints, EFS mount targets).
    type: list
    elements: int
    default: [443, 2049]
  data_ports:
    description: TCP ports the app tier opens on the data tier.
    type: list
    elements: int
    default: [3306, 6379]
  nat:
    description: Whether the public subnets hold NAT gateways for the app tier.
    type: bool
    default: true
  max_entries:
    description: Most entries allowed in one direction.
    type: int
    default: 20
"""

EXAMPLES = r"""
- name: App tier NACL
  amazon.aws.ec2_vpc_nacl:
    name: shop-prod-app
    vpc_id: "{{ vpc_id }}"
    ingress: "{{ (plan | kstore.platform.tier_nacl(tier='app', vpc_cidr='10.20.0.0/16', app_ports=[8080])).ingress }}"
    egress: "{{ (plan | kstore.platform.tier_nacl(tier='app', vpc_cidr='10.20.0.0/16', app_ports=[8080])).egress }}"
"""

RETURN = r"""
_value:
  description:
    - C(ingress) and C(egress) entries, each [rule number, protocol, action, CIDR, ICMP type, ICMP code, from, to]
      ([rule number, V(icmp), action, CIDR, ICMP type, ICMP code] for ICMP, the form amazon.aws.ec2_vpc_nacl reads).
  type: dict
"""

WORLD = "0.0.0.0/0"
EPHEMERAL = (1024, 65535)
ADMIN_PORTS = (22, 3389)
# ICMP destination unreachable / fragmentation needed: path MTU discovery between the VPC (MTU 9001) and the
# internet (1500) breaks without it.
FRAGMENTATION_NEEDED = (3, 4)

Entry = list[Any]


def _collapse(cidrs: list[str], what: str) -> list[str]:
    try:
        networks = [ipaddress.ip_network(c, strict=True) for c in cidrs]
    except ValueError as e:
        raise AnsibleFilterError(f"tier_nacl: bad {what} CIDR: {e}") from None
    return [str(n) for n in ipaddress.collapse_addresses(networks)]


def _ports(ports: Any, what: str) -> list[int]:
    try:
        values = [int(p) for p in ports]
    except (TypeError, ValueError):
        raise AnsibleFilterError(f"tier_nacl: {what} must be a list of TCP ports, got {ports!r}") from None
    bad = [p for p in values if not 1 <= p <= 65535]
    if bad:
        raise AnsibleFilterError(f"tier_nacl: {what} must be TCP ports (1-65535), got {bad}")
    return sorted(set(values))


def _tcp(rule: int, action: str, cidr: str, low: int, high: int | None = None) -> Entry:
    return [rule, "tcp", action, cidr, None, None, low, low if high is None else high]


class _Rules:
    """Rule numbers by block: each block starts at its base and counts up."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []

    def block(self, base: int, entries: list[Entry]) -> None:
        if len(entries) > 49:
            raise AnsibleFilterError("tier_nacl: too many subnets or ports for the rule-number ranges")
        for i, entry in enumerate(entries):
            entry[0] = base + i
            self.entries.append(entry)


def _admin_denies() -> list[Entry]:
    return [_tcp(0, "deny", WORLD, port) for port in ADMIN_PORTS]


def tier_nacl(
    plan: dict[str, list[str]],
    tier: str,
    vpc_cidr: str,
    app_ports: list[int],
    public_ports: list[int] | None = None,
    egress_ports: list[int] | None = None,
    internal_ports: list[int] | None = None,
    data_ports: list[int] | None = None,
    nat: bool = True,
    max_entries: int = 20,
) -> dict[str, list[Entry]]:
    try:
        public, app, data = (list(plan[t]) for t in ("public", "app", "data"))
    except (KeyError, TypeError):
        raise AnsibleFilterError(
            "tier_nacl: the input must be a subnet plan with 'public', 'app' and 'data' lists"
        ) from None
    if isinstance(nat, str):  # a templated boolean may arrive as text
        nat = nat.strip().lower() in ("true", "yes", "on", "1")
    if tier not in ("public", "app"):
        raise AnsibleFilterError(f"tier_nacl: tier must be public or app, got {tier!r}")
    public, app, data = _collapse(public, "public"), _collapse(app, "app"), _collapse(data, "data")
    vpc = _collapse([vpc_cidr], "VPC")[0]
    app_ports = _ports(app_ports, "app_ports")
    public_ports = _ports([80, 443] if public_ports is None else public_ports, "public_ports")
    egress_ports = _ports([443] if egress_ports is None else egress_ports, "egress_ports")
    internal_ports = _ports([443, 2049] if internal_ports is None else internal_ports, "internal_ports")
    data_ports = _ports([3306, 6379] if data_ports is None else data_ports, "data_ports")
    if set(ADMIN_PORTS) & set(public_ports + app_ports):
        raise AnsibleFilterError("tier_nacl: 22 and 3389 are never opened (the platform is reached through SSM)")

    ingress, egress = _Rules(), _Rules()
    pmtud = [[0, "icmp", "allow", WORLD, *FRAGMENTATION_NEEDED]]
    replies_from_anywhere = [_tcp(0, "allow", WORLD, *EPHEMERAL)]
    if tier == "public":
        ingress.block(50, _admin_denies())
        ingress.block(100, [_tcp(0, "allow", WORLD, p) for p in public_ports])
        if nat:
            # to the NAT gateways (a port the world already reaches needs no rule of its own)
            ingress.block(200, [_tcp(0, "allow", c, p) for c in app for p in egress_ports if p not in public_ports])
        ingress.block(300, replies_from_anywhere)
        ingress.block(400, pmtud)
        egress.block(100, [_tcp(0, "allow", WORLD, *EPHEMERAL)])
        egress.block(200, [_tcp(0, "allow", c, p) for c in app for p in app_ports])
        if nat:
            egress.block(300, [_tcp(0, "allow", WORLD, p) for p in egress_ports])
    else:
        ingress.block(50, _admin_denies())
        ingress.block(100, [_tcp(0, "allow", c, p) for c in public for p in app_ports])
        ingress.block(200, [_tcp(0, "allow", c, p) for c in app for p in internal_ports])
        # the app ports only from the load balancer: the replies rule below would otherwise open them to the world
        ingress.block(250, [_tcp(0, "deny", WORLD, p) for p in app_ports if EPHEMERAL[0] <= p <= EPHEMERAL[1]])
        ingress.block(300, replies_from_anywhere)
        ingress.block(400, pmtud)
        egress.block(100, [_tcp(0, "allow", vpc, *EPHEMERAL)])
        egress.block(200, [_tcp(0, "allow", c, p) for c in app for p in internal_ports if p not in egress_ports])
        egress.block(300, [_tcp(0, "allow", c, p) for c in data for p in data_ports])
        egress.block(400, [_tcp(0, "allow", WORLD, p) for p in egress_ports])
    for direction, rules in (("ingress", ingress), ("egress", egress)):
        if len(rules.entries) > int(max_entries):
            raise AnsibleFilterError(
                f"tier_nacl: the {tier} NACL needs {len(rules.entries)} {direction} entries, more than {max_entries} "
                "(AWS's default quota per direction): fewer ports or subnets, or contiguous subnet CIDRs"
            )
    return {"ingress": ingress.entries, "egress": egress.entries}


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"tier_nacl": tier_nacl}
