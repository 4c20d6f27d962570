"""Bad input to the cache role fails before any AWS call, with a message naming the variable.

Each case runs the role (a one-play playbook, through tests/integration/conftest.py's run_playbook) against a
private emulator with the local inventory, and reads the emulator's request counter: it must stay at zero. A valid
run in check mode is the control showing that the counter does see the role's calls.
"""

from __future__ import annotations

import pytest

PLAY = [{"name": "Cache tier", "hosts": "localhost", "gather_facts": False, "roles": ["kstore.platform.cache"]}]
ENABLED = {"cache_enabled": True}

CASES = {
    "secret reader that is not an ARN": (
        {"cache_secret_reader_arns": ["arn:aws:s3:::bucket"]},
        "cache_secret_reader_arns must be IAM principal ARNs",
    ),
    "node type without cache. prefix": (
        {"cache_node_type": "t4g.micro"},
        "cache_node_type: 't4g.micro' is not an ElastiCache node type",
    ),
    "node type of another service": ({"cache_node_type": "db.t4g.micro"}, "cache_node_type"),
    "six replicas": ({"cache_replicas": 6}, "cache_replicas: 6 is out of range"),
    "negative replicas": ({"cache_replicas": -1, "cache_multi_az": False}, "cache_replicas: -1 is out of range: 0-5"),
    "no replica with Multi-AZ": ({"cache_replicas": 0}, "cache_replicas: 0 is out of range: 1-5 with cache_multi_az"),
    "engine version of MariaDB": (
        {"cache_engine_version": "10.11"},
        "cache_engine_version: '10.11' is not a redis version",
    ),
    "engine version not a version": ({"cache_engine_version": "latest"}, "cache_engine_version"),
    "valkey version for redis": ({"cache_engine_version": "8.0"}, "cache_engine_version: '8.0' is not a redis"),
    "unknown engine": ({"cache_engine": "memcached"}, "cache_engine"),
    "misspelled variable": ({"cache_node_typ": "cache.t4g.micro"}, "Unknown variable(s) cache_node_typ"),
    "unknown state": ({"cache_state": "gone"}, "cache_state"),
    "privileged port": ({"cache_port": 80}, "cache_port must be 1024-65535"),
    "recovery window AWS refuses": ({"cache_secret_recovery_days": 3}, "cache_secret_recovery_days 0 or 7-30"),
    "KMS key not an ARN": ({"cache_kms_key_arn": "alias/shop"}, "cache_kms_key_arn empty or a KMS key ARN"),
    "bad maintenance window": ({"cache_maintenance_window": "sunday 3am"}, "cache_maintenance_window"),
    "group id longer than 40": (
        {"platform_name": "a-very-long-shop-name", "platform_env": "preproduction"},
        "at most 40 characters",
    ),
}


@pytest.mark.parametrize(("extra_vars", "message"), list(CASES.values()), ids=list(CASES))
def test_bad_input_fails_before_any_aws_call(assert_rejected, run_playbook, extra_vars: dict, message: str) -> None:
    result = run_playbook(PLAY, {**ENABLED, **extra_vars})
    assert_rejected(result, message)


def test_disabled_tier_makes_no_call(clean_emulator, run_playbook) -> None:
    """cache_enabled: false skips the tier: no AWS call, even in a run that would otherwise build it."""
    result = run_playbook(PLAY, {"cache_enabled": False})
    assert result.returncode == 0, result.stdout + result.stderr
    assert clean_emulator.requests()["total"] == 0


def test_valid_input_does_reach_the_emulator(clean_emulator, run_playbook) -> None:
    """The control: the counter sees the role's calls (here discovery fails: no network tier), so a zero above means
    none was made."""
    result = run_playbook(PLAY, ENABLED, "--check")
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0
    assert "run the network role first, or set cache_subnet_ids" in output, output
    counts = clean_emulator.requests()
    assert counts["total"] > 0
    assert counts["by_action"].get("ec2:DescribeSubnets", 0) >= 1
