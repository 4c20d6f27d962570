"""Bad input to the security role fails before any AWS call, with a message naming the variable (and the rule).

There is no playbooks/security.yml yet: each case runs a one-play playbook with the role through the local inventory
against a private emulator (tests/conftest.py, tests/integration/conftest.py) and reads the emulator's request
counter: it must stay at zero. A valid run is the control showing that the counter does see the role's calls.
"""

from __future__ import annotations

import pytest

PLAYBOOK = [
    {
        "name": "Security tier",
        "hosts": "localhost",
        "connection": "local",
        "gather_facts": False,
        "roles": [{"role": "kstore.platform.security"}],
    }
]


def rules(*extra: dict) -> dict:
    return {"security_extra_rules": list(extra)}


CASES = {
    "extra rule opening 22": (
        rules({"group": "app", "ports": [22], "cidr_ip": ["10.0.0.0/8"]}),
        "security_extra_rules[0]: {",
        "opens port 22 on the app group",
    ),
    "extra rule opening RDP on the alb": (
        rules({"group": "alb", "proto": "udp", "ports": [443, 3389], "cidr_ip": ["0.0.0.0/0"]}),
        "security_extra_rules[0]",
        "opens port 3389 on the alb group",
    ),
    "the internet cut in two halves on the app group": (
        rules(
            {"group": "app", "ports": [9100], "cidr_ip": ["0.0.0.0/1"]},
            {"group": "app", "ports": [9100], "cidr_ip": ["128.0.0.0/1"]},
        ),
        "security_extra_rules: the app group's CIDRs together reach",
        "that is the internet",
    ),
    "extra rule opening app to 0.0.0.0/0": (
        rules({"group": "app", "ports": [9100], "cidr_ip": ["0.0.0.0/0"]}),
        "security_extra_rules[0]",
        "opens the app group to 0.0.0.0/0",
    ),
    "second extra rule opening rds to ::/0": (
        rules(
            {"group": "app", "ports": [9100], "source_group": "alb"},
            {"group": "rds", "ports": [3306], "cidr_ipv6": ["::/0"]},
        ),
        "security_extra_rules[1]",
        "opens the rds group to ::/0",
    ),
    "app port out of range": ({"security_app_port": 70000}, "security_app_port", "ports 1-65535"),
    "app port 22": ({"security_app_port": 22}, "security_app_port", "opens port 22 on the app group"),
    "extra rule port 0": (
        rules({"group": "efs", "ports": [0], "source_group": "app"}),
        "security_extra_rules[0]",
        "ports 1-65535",
    ),
    "unknown group name": (
        rules({"group": "web", "ports": [8443], "source_group": "alb"}),
        "security_extra_rules",
        "web",
    ),
    "unknown source group": (
        rules({"group": "app", "ports": [8443], "source_group": "bastion"}),
        "security_extra_rules",
        "bastion",
    ),
    "rule with two sources": (
        rules({"group": "app", "ports": [8443], "source_group": "alb", "cidr_ip": ["10.0.0.0/8"]}),
        "security_extra_rules[0]",
        "exactly one source",
    ),
    "rule with no source": (rules({"group": "app", "ports": [8443]}), "security_extra_rules[0]", "exactly one source"),
    "bad ALB CIDR": (
        {"security_alb_ingress_cidrs": ["10.0.0.0/33"]},
        "security_alb_ingress_cidrs",
        "10.0.0.0/33",
    ),
    "misspelled variable": ({"security_app_prot": 8080}, "Unknown variable(s) security_app_prot", ""),
    "kms deletion days too few": ({"security_kms_deletion_days": 5}, "security_kms_deletion_days must be 7 to 30", ""),
    "kms deletion days too many": ({"security_kms_deletion_days": 31}, "security_kms_deletion_days", "got 31"),
    "bucket ARN instead of name": (
        {"security_task_s3_buckets": ["arn:aws:s3:::media"]},
        "security_task_s3_buckets",
        "arn:aws:s3:::media",
    ),
    "unknown state": ({"security_state": "gone"}, "security_state", "gone"),
}


@pytest.mark.parametrize(("extra_vars", "variable", "detail"), list(CASES.values()), ids=list(CASES))
def test_bad_input_fails_before_any_aws_call(
    assert_rejected, run_playbook, extra_vars: dict, variable: str, detail: str
) -> None:
    result = run_playbook(PLAYBOOK, extra_vars)
    assert_rejected(result, variable, detail)


def test_valid_input_does_reach_the_emulator(clean_emulator, run_playbook) -> None:
    """The control: the counter sees the role's calls, so a zero above means none was made.

    The emulator is empty, so the role stops where it looks for the network tier's VPC, and says so.
    """
    result = run_playbook(PLAYBOOK, rules({"group": "app", "ports": [9100], "cidr_ip": ["10.20.64.0/20"]}), "--check")
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0, output
    assert "converge the network tier first" in output, output
    counts = clean_emulator.requests()
    assert counts["by_action"].get("sts:GetCallerIdentity", 0) >= 1, counts
    assert counts["by_action"].get("ec2:DescribeVpcs", 0) >= 1, counts
