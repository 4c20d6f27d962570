"""Bad input to the observability role fails before any AWS call, with a message naming the variable.

Each case runs playbooks/observability.yml through tests/integration/conftest.py's run_playbook (the local
inventory, a private emulator) and reads the emulator's request counter: it must stay at zero. A valid run in check
mode on an empty account is the control: it reaches AWS and fails naming the missing KMS key.
"""

from __future__ import annotations

import pytest

PLAYBOOK = "playbooks/observability.yml"

CASES = {
    "misspelled variable": (
        {"observability_alarm_email": ["ops@example.com"]},
        "Unknown variable(s) observability_alarm_email",
    ),
    "retention CloudWatch refuses": (
        {"observability_log_retention_days": 45},
        "observability_log_retention_days must be one of",
    ),
    "not an e-mail address": (
        {"observability_alarm_emails": ["ops.example.com"]},
        "observability_alarm_emails: ops.example.com",
    ),
    "percentage above 100": ({"observability_cpu_threshold": 120}, "observability_cpu_threshold is a percentage"),
    "key alias instead of ARN": (
        {"observability_kms_key_arn": "alias/kstore-local"},
        "observability_kms_key_arn must be",
    ),
    "unknown RDS log": ({"observability_rds_log_exports": ["error", "slow"]}, "observability_rds_log_exports may hold"),
    "unknown state": ({"observability_state": "gone"}, "observability_state"),
    "no alarm e-mail outside the local platform": (
        {"platform_env": "prod", "observability_alarm_emails": []},
        "observability_alarm_emails is empty: on 'prod' the alarms would reach nobody",
    ),
    "GuardDuty agent management without runtime monitoring": (
        {"observability_guardduty_runtime_monitoring": False},
        "observability_guardduty_runtime_agent_management is true but observability_guardduty_runtime_monitoring",
    ),
    "GuardDuty switch not a boolean": (
        {"observability_guardduty_s3_protection": "sometimes"},
        "observability_guardduty_s3_protection",
    ),
}


@pytest.mark.parametrize(("extra_vars", "message"), list(CASES.values()), ids=list(CASES))
def test_bad_input_fails_before_any_aws_call(assert_rejected, run_playbook, extra_vars: dict, message: str) -> None:
    result = run_playbook(PLAYBOOK, extra_vars)
    assert_rejected(result, message)


def test_valid_input_does_reach_the_emulator(clean_emulator, run_playbook) -> None:
    """The control: on an empty account the role reaches AWS and stops at the missing platform key."""
    result = run_playbook(PLAYBOOK, {"observability_alarm_emails": ["ops@example.com"]}, "--check")
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0, output
    assert "No KMS key has the alias alias/kstore-local" in output, output
    counts = clean_emulator.requests()
    assert counts["by_action"].get("sts:GetCallerIdentity", 0) >= 1, counts
