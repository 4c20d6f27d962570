"""Bad input to the network role fails before any AWS call, with a message naming the variable.

Each case runs `ansible-playbook playbooks/network.yml` against a private emulator (tests/conftest.py, through
tests/integration/conftest.py's run_playbook) and reads
the emulator's request counter: it must stay at zero. A valid run in check mode is the control showing that the
counter does see the role's calls.
"""

from __future__ import annotations

import pytest

PLAYBOOK = "playbooks/network.yml"

CASES = {
    "the same AZ twice": (
        {"network_azs": ["eu-west-1a", "eu-west-1a"]},
        "network_azs must name different zones of eu-west-1",
    ),
    "an AZ of another region": ({"network_azs": ["eu-west-1a", "us-east-1b"]}, "got eu-west-1a, us-east-1b"),
    "vpc cidr not a CIDR": ({"network_vpc_cidr": "banana"}, "network_vpc_cidr: 'banana' is not an IPv4 CIDR"),
    "vpc cidr prefix /33": ({"network_vpc_cidr": "10.20.0.0/33"}, "network_vpc_cidr"),
    "vpc cidr with host bits": ({"network_vpc_cidr": "10.20.0.1/16"}, "network_vpc_cidr"),
    "vpc cidr larger than AWS allows": (
        {"network_vpc_cidr": "10.0.0.0/8"},
        "network_vpc_cidr: '10.0.0.0/8' has prefix /8",
    ),
    "one AZ": ({"network_az_count": 1}, "network_az_count"),
    "four AZs": ({"network_az_count": 4}, "network_az_count"),
    "unknown NAT mode": ({"network_nat_mode": "double"}, "network_nat_mode"),
    "misspelled variable": ({"network_vpc_cdir": "10.0.0.0/16"}, "Unknown variable(s) network_vpc_cdir"),
    "overlapping explicit subnets": (
        {
            "network_public_subnets": ["10.20.0.0/24", "10.20.1.0/24"],
            "network_app_subnets": ["10.20.1.0/25", "10.20.2.0/24"],
        },
        "network_app_subnets[0]: 10.20.1.0/25 overlaps network_public_subnets[1]",
    ),
    "explicit subnets outside the VPC": (
        {"network_data_subnets": ["192.168.0.0/24", "192.168.1.0/24"]},
        "network_data_subnets[0]: 192.168.0.0/24 is not inside network_vpc_cidr",
    ),
    "explicit subnets fewer than AZs": (
        {"network_public_subnets": ["10.20.0.0/24"]},
        "network_public_subnets: 1 subnets",
    ),
    "unknown endpoint switch": ({"network_endpoints": {"ssmm": True}}, "network_endpoints"),
    "retention CloudWatch refuses": ({"network_flow_logs_retention_days": 45}, "network_flow_logs_retention_days"),
    "unknown state": ({"network_state": "gone"}, "network_state"),
    "AZ names fewer than AZ count": ({"network_azs": ["eu-west-1a"]}, "network_azs names 1 zones"),
    "port out of range": ({"network_data_ports": [3306, 70000]}, "network_data_ports"),
    "newbits too many": ({"network_subnet_newbits": 13}, "network_subnet_newbits"),
    "platform name with a space": ({"platform_name": "My Shop"}, "platform_name"),
    "traffic type unknown": ({"network_flow_logs_traffic_type": "SOME"}, "network_flow_logs_traffic_type"),
}


@pytest.mark.parametrize(("extra_vars", "message"), list(CASES.values()), ids=list(CASES))
def test_bad_input_fails_before_any_aws_call(assert_rejected, run_playbook, extra_vars: dict, message: str) -> None:
    result = run_playbook(PLAYBOOK, extra_vars)
    assert_rejected(result, message)


def test_valid_input_does_reach_the_emulator(clean_emulator, run_playbook) -> None:
    """The control: the counter sees the role's calls, so a zero above means none was made."""
    result = run_playbook(PLAYBOOK, {"network_az_count": 3}, "--check")
    assert result.returncode == 0, result.stdout + result.stderr
    counts = clean_emulator.requests()
    assert counts["total"] > 0
    assert counts["by_action"].get("ec2:DescribeVpcs", 0) >= 1
