"""kstore.platform.tier_nacl: the public and app subnets' stateless NACL entries."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.kstore.platform.plugins.filter.tier_nacl import FilterModule, tier_nacl

PLAN = {
    "public": ["10.42.0.0/20", "10.42.16.0/20", "10.42.32.0/20"],
    "app": ["10.42.64.0/20", "10.42.80.0/20", "10.42.96.0/20"],
    "data": ["10.42.128.0/20", "10.42.144.0/20", "10.42.160.0/20"],
}
VPC = "10.42.0.0/16"
WORLD = "0.0.0.0/0"


def nacl(tier: str, **kwargs: Any) -> dict[str, list[list[Any]]]:
    return tier_nacl(PLAN, tier, VPC, kwargs.pop("app_ports", [8080]), **kwargs)


def first_match(entries: list[list[Any]], address: str, port: int, proto: str = "tcp") -> list[Any] | None:
    """What AWS does: the lowest-numbered entry matching the packet decides."""
    for entry in sorted(entries, key=lambda e: e[0]):
        if entry[1] not in (proto, "all") or ipaddress.ip_address(address) not in ipaddress.ip_network(entry[3]):
            continue
        if entry[1] == "all" or (entry[6] is not None and entry[6] <= port <= entry[7]):
            return entry
    return None


def allowed(entries: list[list[Any]], address: str, port: int) -> bool:
    entry = first_match(entries, address, port)
    return entry is not None and entry[2] == "allow"


@pytest.mark.parametrize("tier", ["public", "app"])
def test_admin_ports_denied_from_the_world_before_the_replies_rule(tier: str) -> None:
    ingress = nacl(tier)["ingress"]
    for port in (22, 3389):
        assert not allowed(ingress, "203.0.113.9", port), (tier, port)
        assert first_match(ingress, "203.0.113.9", port)[2] == "deny"
    assert allowed(ingress, "203.0.113.9", 40000)  # replies through NAT / from S3's public addresses


def test_public_tier() -> None:
    rules = nacl("public")
    ingress, egress = rules["ingress"], rules["egress"]
    assert allowed(ingress, "198.51.100.1", 443) and allowed(ingress, "198.51.100.1", 80)
    assert not allowed(ingress, "198.51.100.1", 25)  # nothing else below the ephemeral range
    assert allowed(egress, "10.42.70.1", 8080)  # ALB -> targets, health checks
    assert not allowed(egress, "10.42.70.1", 22)  # (the data tier is closed by its own NACL: data_tier_nacl)
    assert allowed(egress, "198.51.100.1", 50000)  # replies to the ALB's clients
    assert allowed(egress, "198.51.100.1", 443)  # NAT to the internet
    assert ingress[-1][1] == "icmp" and ingress[-1][4:] == [3, 4]  # path MTU discovery
    assert all(len(e) == 8 for e in ingress + egress if e[1] != "icmp")
    assert len({e[0] for e in ingress}) == len(ingress) and len({e[0] for e in egress}) == len(egress)


def test_public_tier_without_nat_opens_nothing_for_it() -> None:
    with_nat = nacl("public", egress_ports=[443, 587])
    without = nacl("public", egress_ports=[443, 587], nat=False)
    assert allowed(with_nat["ingress"], "10.42.70.1", 587) and allowed(with_nat["egress"], "198.51.100.1", 587)
    assert not allowed(without["ingress"], "10.42.70.1", 587)
    assert not allowed(without["egress"], "198.51.100.1", 587)
    assert nacl("public", nat="False") == nacl("public", nat=False)  # a templated boolean


def test_app_tier() -> None:
    rules = nacl("app")
    ingress, egress = rules["ingress"], rules["egress"]
    assert allowed(ingress, "10.42.20.5", 8080)  # from the ALB's subnets
    assert not allowed(ingress, "198.51.100.1", 8080)  # not from the world, though 8080 is an ephemeral port
    assert not allowed(ingress, "10.42.130.1", 8080)  # nor from the data tier
    assert allowed(ingress, "10.42.90.1", 443) and allowed(ingress, "10.42.90.1", 2049)  # endpoints, EFS
    assert allowed(ingress, "10.42.130.1", 33000)  # data tier replies
    assert allowed(egress, "10.42.140.1", 3306) and allowed(egress, "10.42.140.1", 6379)
    assert not allowed(egress, "198.51.100.1", 3306)
    assert allowed(egress, "198.51.100.1", 443)  # NAT, S3 gateway endpoint
    assert not allowed(egress, "198.51.100.1", 80)
    assert allowed(egress, "10.42.5.5", 40000)  # replies to the ALB
    assert not allowed(egress, "198.51.100.1", 40000)  # but not to the world
    assert allowed(egress, "10.42.90.1", 2049)


def test_a_low_app_port_needs_no_deny() -> None:
    ingress = nacl("app", app_ports=[80])["ingress"]
    assert allowed(ingress, "10.42.20.5", 80) and not allowed(ingress, "198.51.100.1", 80)
    assert not [e for e in ingress if e[2] == "deny" and e[6] == 80]


def test_subnets_are_collapsed() -> None:
    rules = nacl("app")
    cidrs = {e[3] for e in rules["egress"] if e[6] == 3306}
    assert cidrs == {"10.42.128.0/19", "10.42.160.0/20"}


def test_quota_of_entries() -> None:
    with pytest.raises(AnsibleFilterError, match="more than 20"):
        nacl("app", app_ports=list(range(8080, 8090)))
    assert nacl("app", app_ports=list(range(8080, 8090)), max_entries=40)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"app_ports": [22]}, "never opened"),
        ({"public_ports": [3389]}, "never opened"),
        ({"app_ports": [0]}, "1-65535"),
        ({"egress_ports": ["x"]}, "list of TCP ports"),
    ],
)
def test_bad_ports(args: dict[str, Any], message: str) -> None:
    with pytest.raises(AnsibleFilterError, match=message):
        nacl("public", **args)


def test_bad_plan_and_tier() -> None:
    with pytest.raises(AnsibleFilterError, match="subnet plan"):
        tier_nacl({"app": []}, "app", VPC, [8080])
    with pytest.raises(AnsibleFilterError, match="tier must be"):
        tier_nacl(PLAN, "data", VPC, [8080])
    with pytest.raises(AnsibleFilterError, match="bad public CIDR"):
        tier_nacl({**PLAN, "public": ["10.42.0.1/20"]}, "app", VPC, [8080])


def test_filter_module() -> None:
    assert FilterModule().filters()["tier_nacl"] is tier_nacl
