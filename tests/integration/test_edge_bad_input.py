"""Bad input to the edge role fails before any AWS call, with a message naming the variable (and the rule).

Each case runs playbooks/edge.yml through the local inventory against a private emulator (tests/conftest.py,
tests/integration/conftest.py) and reads the emulator's request counter: it must stay at zero. A valid run is the
control showing that the counter does see the role's calls.
"""

from __future__ import annotations

import pytest

PLAYBOOK = "playbooks/edge.yml"

CASES = {
    "domain with a space": ({"edge_domain": "shop kstore.test"}, "edge_domain", "shop kstore.test"),
    "domain outside the zone": (
        {"edge_domain": "shop.example.com", "edge_zone_name": "kstore.test"},
        "edge_domain",
        "inside the zone",
    ),
    "TLS 1.0 policy": (
        {"edge_ssl_policy": "ELBSecurityPolicy-2016-08"},
        "edge_ssl_policy 'ELBSecurityPolicy-2016-08'",
        "TLS 1.2+",
    ),
    "access logs prefix the storage tier does not grant": (
        {"edge_access_logs_prefix": "lb", "storage_logs_alb_prefix": "alb"},
        "edge_access_logs_prefix",
        "storage_logs_alb_prefix",
    ),
    "rate limit below 100": ({"edge_waf_rate_limit": 99}, "edge_waf_rate_limit", "got 99"),
    "country code lower case": ({"edge_waf_blocked_countries": ["de"]}, "edge_waf_blocked_countries", "['de']"),
    "no domain and no certificate": (
        {"edge_domain": "", "edge_create_zone": False},
        "Set edge_domain",
        "edge_certificate_arn",
    ),
    "certificate ARN of another service": (
        {"edge_domain": "", "edge_certificate_arn": "arn:aws:iam::123456789012:server-certificate/shop"},
        "edge_certificate_arn",
        "server-certificate/shop",
    ),
    "health check timeout not below interval": (
        {"edge_health_check_timeout": 15, "edge_health_check_interval": 15},
        "edge_health_check_timeout",
        "edge_health_check_interval",
    ),
    "misspelled variable": ({"edge_waf_rate_limt": 500}, "Unknown variable(s) edge_waf_rate_limt", ""),
    "unknown state": ({"edge_state": "gone"}, "edge_state", "gone"),
}


@pytest.mark.parametrize(("extra_vars", "variable", "detail"), list(CASES.values()), ids=list(CASES))
def test_bad_input_fails_before_any_aws_call(
    assert_rejected, run_playbook, extra_vars: dict, variable: str, detail: str
) -> None:
    result = run_playbook(PLAYBOOK, extra_vars)
    assert_rejected(result, variable, detail)


def test_valid_input_does_reach_the_emulator(clean_emulator, run_playbook) -> None:
    """The control: the counter sees the role's calls, so a zero above means none was made.

    The emulator is empty, so the role stops where it looks for the network tier's public subnets, and says so.
    """
    result = run_playbook(PLAYBOOK, {"edge_waf_blocked_countries": ["KP"]}, "--check")
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0, output
    assert "run the network tier first" in output, output
    counts = clean_emulator.requests()
    assert counts["by_action"].get("ec2:DescribeSubnets", 0) >= 1, counts
