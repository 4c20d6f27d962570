"""Bad input to the database role fails before any AWS call, with a message naming the variable.

Each case runs the database role (the play `playbooks/database.yml` will hold) against a private emulator through
tests/integration/conftest.py's run_playbook, and reads the emulator's request counter: it must stay at zero. A
valid run is the control showing that the counter does see the role's calls (on the empty emulator it then stops
at the missing platform key, naming database_kms_key_arn).
"""

from __future__ import annotations

import pytest

PLAY = [
    {
        "name": "Database tier",
        "hosts": "localhost",
        "connection": "local",
        "gather_facts": False,
        "roles": [{"role": "kstore.platform.database"}],
    }
]

CASES = {
    "secret reader that is not an ARN": (
        {"database_secret_reader_arns": ["deployer"]},
        "database_secret_reader_arns must be IAM principal ARNs",
    ),
    "key ARN with a short account": (
        {"database_kms_key_arn": "arn:aws:kms:eu-west-1:12345:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
        "database_kms_key_arn must be empty or a KMS key ARN",
    ),
    "backup window inside the maintenance window": (
        {"database_backup_window": "02:30-03:00", "database_maintenance_window": "sun:02:00-sun:03:00"},
        "database_backup_window '02:30-03:00' overlaps database_maintenance_window",
    ),
    "engine version of MySQL": (
        {"database_engine_version": "8.0.35"},
        "database_engine_version must be a MariaDB version RDS offers",
    ),
    "engine version not a version": ({"database_engine_version": "banana"}, "got 'banana'"),
    "engine version without patch level": ({"database_engine_version": "10.11"}, "database_engine_version"),
    "backup retention above 35": (
        {"database_backup_retention_days": 36},
        "database_backup_retention_days must be 0 to 35, got 36",
    ),
    "backup retention negative": ({"database_backup_retention_days": -1}, "database_backup_retention_days"),
    "instance class not db.*": (
        {"database_instance_class": "t4g.medium"},
        "database_instance_class must be an RDS instance class",
    ),
    "allocated storage below 20": (
        {"database_allocated_storage": 10},
        "database_allocated_storage must be 20 to 65536 GiB",
    ),
    "misspelled variable": ({"database_instance_clas": "db.t4g.large"}, "Unknown variable(s) database_instance_clas"),
    "username RDS reserves": ({"database_master_username": "rdsadmin"}, "database_master_username must be"),
    "username a reserved word": ({"database_master_username": "SELECT"}, "got 'SELECT'"),
    "username too long": ({"database_master_username": "a" * 17}, "database_master_username"),
    "unknown state": ({"database_state": "gone"}, "database_state"),
    "TLS required on MariaDB 10.4": (
        {"database_engine_version": "10.4.34"},
        "database_require_secure_transport needs MariaDB 10.5 or later",
    ),
    "TLS switch not a boolean": ({"database_require_secure_transport": "maybe"}, "database_require_secure_transport"),
    "unknown log export": ({"database_log_exports": ["error", "slow"]}, "database_log_exports"),
    "secret recovery window AWS refuses": (
        {"database_secret_recovery_days": 3},
        "database_secret_recovery_days must be 0 (no recovery) or 7 to 30",
    ),
    "backup window not a window": ({"database_backup_window": "1am"}, "database_backup_window must be hh:mm-hh:mm"),
    "KMS key not an ARN": (
        {"database_kms_key_arn": "alias/shop"},
        "database_kms_key_arn must be empty or a KMS key ARN",
    ),
    "storage ceiling below storage": (
        {"database_allocated_storage": 100, "database_max_allocated_storage": 50},
        "database_max_allocated_storage",
    ),
    "Performance Insights retention AWS refuses": (
        {"database_performance_insights_retention_days": 30},
        "database_performance_insights_retention_days must be 7",
    ),
}


@pytest.mark.parametrize(("extra_vars", "message"), list(CASES.values()), ids=list(CASES))
def test_bad_input_fails_before_any_aws_call(assert_rejected, run_playbook, extra_vars: dict, message: str) -> None:
    result = run_playbook(PLAY, extra_vars)
    assert_rejected(result, message)


def test_valid_input_does_reach_the_emulator(clean_emulator, run_playbook) -> None:
    """The control: the counter sees the role's calls, so a zero above means none was made."""
    result = run_playbook(PLAY, {}, "--check")
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0, output
    assert "No KMS key has the alias alias/kstore-local" in output, output
    assert "set database_kms_key_arn" in output, output
    counts = clean_emulator.requests()
    assert counts["total"] > 0
    assert counts["by_action"].get("kms:DescribeKey", 0) + counts["by_action"].get("kms:ListAliases", 0) >= 1, counts
