"""The network tier's filters: subnet_plan and data_tier_nacl (plain Python, no AWS)."""

from __future__ import annotations

import ipaddress

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.kstore.platform.plugins.filter.data_tier_nacl import data_tier_nacl
from ansible_collections.kstore.platform.plugins.filter.subnet_plan import subnet_plan


def test_derived_plan_for_two_azs() -> None:
    plan = subnet_plan("10.20.0.0/16", az_count=2)
    assert plan == {
        "public": ["10.20.0.0/20", "10.20.16.0/20"],
        "app": ["10.20.64.0/20", "10.20.80.0/20"],
        "data": ["10.20.128.0/20", "10.20.144.0/20"],
    }


@pytest.mark.parametrize("cidr", ["10.0.0.0/16", "172.16.0.0/20", "192.168.8.0/22", "10.9.0.0/24"])
@pytest.mark.parametrize("azs", [2, 3])
def test_derived_subnets_are_inside_the_vpc_and_disjoint(cidr: str, azs: int) -> None:
    plan = subnet_plan(cidr, az_count=azs)
    nets = [ipaddress.ip_network(c) for tier in ("public", "app", "data") for c in plan[tier]]
    assert len(nets) == 3 * azs
    assert all(n.subnet_of(ipaddress.ip_network(cidr)) for n in nets)
    assert all(not a.overlaps(b) for i, a in enumerate(nets) for b in nets[i + 1 :])


def test_explicit_tier_is_kept_and_others_derived() -> None:
    plan = subnet_plan("10.20.0.0/16", az_count=2, explicit={"app": ["10.20.200.0/24", "10.20.201.0/24"]})
    assert plan["app"] == ["10.20.200.0/24", "10.20.201.0/24"]
    assert plan["public"] == ["10.20.0.0/20", "10.20.16.0/20"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"vpc_cidr": "banana"}, "network_vpc_cidr: 'banana' is not an IPv4 CIDR"),
        ({"vpc_cidr": "10.0.0.1/16"}, "network_vpc_cidr"),
        ({"vpc_cidr": "10.0.0.0/8"}, "AWS accepts /16 to /28"),
        ({"vpc_cidr": "fd00::/56"}, "network_vpc_cidr"),
        ({"newbits": 13}, "network_subnet_newbits"),
        ({"newbits": 2}, "network_subnet_newbits"),
        ({"explicit": {"public": ["10.20.0.0/24"]}}, "network_public_subnets: 1 subnets given"),
        (
            {"explicit": {"data": ["10.99.0.0/24", "10.99.1.0/24"]}},
            "network_data_subnets[0]: 10.99.0.0/24 is not inside",
        ),
        (
            {"explicit": {"public": ["10.20.0.0/24", "10.20.1.0/24"], "app": ["10.20.1.0/25", "10.20.2.0/24"]}},
            "network_app_subnets[0]: 10.20.1.0/25 overlaps network_public_subnets[1]",
        ),
        ({"explicit": {"app": ["10.20.0.0/24", "10.20.1.0/24"]}}, "overlaps network_public_subnets[0] (derived)"),
        ({"explicit": {"cache": ["10.20.0.0/24"]}}, "unknown tiers"),
    ],
)
def test_bad_input_names_the_variable(kwargs: dict, message: str) -> None:
    args = {"vpc_cidr": "10.20.0.0/16", "az_count": 2, **kwargs}
    with pytest.raises(AnsibleFilterError) as err:
        subnet_plan(args.pop("vpc_cidr"), **args)
    assert message in str(err.value)


def test_data_tier_nacl_admits_app_on_ports_and_data_among_itself() -> None:
    plan = subnet_plan("10.20.0.0/16", az_count=2)
    rules = data_tier_nacl(plan, ports=[3306, 6379])
    ingress = {(r[3], r[1], r[6]) for r in rules["ingress"]}
    assert ingress == {
        ("10.20.128.0/20", "all", None),
        ("10.20.144.0/20", "all", None),
        ("10.20.64.0/20", "tcp", 3306),
        ("10.20.64.0/20", "tcp", 6379),
        ("10.20.80.0/20", "tcp", 3306),
        ("10.20.80.0/20", "tcp", 6379),
    }
    assert {(r[3], r[6], r[7]) for r in rules["egress"] if r[1] == "tcp"} == {
        ("10.20.64.0/20", 1024, 65535),
        ("10.20.80.0/20", 1024, 65535),
    }
    numbers = [r[0] for r in rules["ingress"]]
    assert len(numbers) == len(set(numbers)), "rule numbers must be unique"
    assert all(r[2] == "allow" for r in rules["ingress"] + rules["egress"])


def test_data_tier_nacl_rejects_a_non_plan() -> None:
    with pytest.raises(AnsibleFilterError, match="subnet plan"):
        data_tier_nacl({"public": []}, ports=[3306])
