"""Bad input to the backup role fails before any AWS call, with a message naming the variable.

Each case runs playbooks/backup.yml through tests/integration/conftest.py's run_playbook (the local inventory, a
private emulator) and reads the emulator's request counter: it must stay at zero. A valid run in check mode on an
empty account is the control: it reaches AWS and fails naming the missing KMS key.
"""

from __future__ import annotations

import pytest

PLAYBOOK = "playbooks/backup.yml"

CASES = {
    "misspelled variable": ({"backup_daily_retention": 35}, "Unknown variable(s) backup_daily_retention"),
    "schedule with five fields": ({"backup_daily_schedule": "cron(0 3 * * *)"}, "backup_daily_schedule must be a cron"),
    "zero retention": ({"backup_monthly_retention_days": 0}, "backup_monthly_retention_days"),
    "completion window too short": ({"backup_completion_window_minutes": 90}, "backup_completion_window_minutes (90)"),
    "key id instead of ARN": (
        {"backup_kms_key_arn": "1234abcd-12ab-34cd-56ef-1234567890ab"},
        "backup_kms_key_arn must be",
    ),
    "unknown resource type": ({"backup_resource_types": ["rds", "s3"]}, "backup_resource_types"),
}


@pytest.mark.parametrize(("extra_vars", "message"), list(CASES.values()), ids=list(CASES))
def test_bad_input_fails_before_any_aws_call(assert_rejected, run_playbook, extra_vars: dict, message: str) -> None:
    result = run_playbook(PLAYBOOK, extra_vars)
    assert_rejected(result, message)


def test_valid_input_does_reach_the_emulator(clean_emulator, run_playbook) -> None:
    """The control: on an empty account the role reaches AWS and stops at the missing platform key."""
    result = run_playbook(PLAYBOOK, {}, "--check")
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0, output
    assert "No KMS key has the alias alias/kstore-local" in output, output
    assert clean_emulator.requests()["by_action"].get("sts:GetCallerIdentity", 0) >= 1
