"""Bad input to the storage role fails before any AWS call, with a message naming the variable.

There is no playbooks/storage.yml yet: each case runs a one-play playbook with the role through
tests/integration/conftest.py's run_playbook (`ansible-playbook`, the local inventory, a private emulator from
tests/conftest.py) and reads the emulator's request counter: it must stay at zero. A valid run in check mode on an
empty account is the control: it reaches AWS (the counter sees it) and fails naming the missing KMS key.
"""

from __future__ import annotations

import pytest

PLAYBOOK = [
    {
        "name": "Storage tier",
        "hosts": "localhost",
        "connection": "local",
        "gather_facts": False,
        "roles": [{"role": "kstore.platform.storage"}],
    }
]

CASES = {
    "EFS policy principal that is not a role ARN": (
        {"storage_efs_policy_principal_arns": ["shop-prod-task"]},
        "storage_efs_policy_principal_arns must be IAM role ARNs",
    ),
    "EFS policy without ClientMount": (
        {"storage_efs_policy_client_actions": ["ClientWrite"]},
        "storage_efs_policy_client_actions must hold ClientMount",
    ),
    "EFS policy granting root access": (
        {"storage_efs_policy_client_actions": ["ClientMount", "ClientRootAccess"]},
        "storage_efs_policy_client_actions",
    ),
    "access log prefix with a trailing slash": (
        {"storage_s3_access_logs_prefix": "s3-access/"},
        "storage_s3_access_logs_prefix must be a non-empty S3 key prefix",
    ),
    "access logs under the ALB prefix": (
        {"storage_s3_access_logs_prefix": "alb"},
        "storage_s3_access_logs_prefix must be a non-empty S3 key prefix",
    ),
    "negative POSIX uid": ({"storage_efs_posix_uid": -1}, "storage_efs_posix_uid must be a POSIX id"),
    "misspelled variable": ({"storage_delete_bucket": True}, "Unknown variable(s) storage_delete_bucket"),
    "relative access point path": (
        {"storage_efs_access_points": [{"name": "img", "path": "prestashop/img"}]},
        "storage_efs_access_points: entry 'img' with path 'prestashop/img' is invalid",
    ),
    "access point path with ..": (
        {"storage_efs_access_points": [{"name": "img", "path": "/prestashop/../etc"}]},
        "storage_efs_access_points: entry 'img'",
    ),
    "key alias instead of a key ARN": (
        {"storage_kms_key_arn": "alias/shop-prod"},
        "storage_kms_key_arn must be empty or a key ARN",
    ),
    "ALB log prefix with AWSLogs": (
        {"storage_logs_alb_prefix": "alb/AWSLogs"},
        "storage_logs_alb_prefix must be a non-empty S3 key prefix",
    ),
    "relative root path": ({"storage_efs_root_path": "prestashop"}, "storage_efs_root_path must be an absolute path"),
    "duplicate access point names": (
        {"storage_efs_access_points": ["img", {"name": "img", "path": "/other"}]},
        "storage_efs_access_points: entry 'img'",
    ),
    "bucket name with capitals": (
        {"storage_media_bucket_name": "Shop-Media"},
        "storage_media_bucket_name: 'Shop-Media' is not a valid S3 bucket name",
    ),
    "bucket name too short": ({"storage_logs_bucket_name": "ab"}, "storage_logs_bucket_name: 'ab' is not a valid"),
    "bucket name an IP address": (
        {"storage_backups_bucket_name": "192.168.1.10"},
        "storage_backups_bucket_name: '192.168.1.10' is not a valid S3 bucket name",
    ),
    "bucket name ending with a hyphen": (
        {"storage_media_bucket_name": "shop-media-"},
        "storage_media_bucket_name: 'shop-media-' is not a valid",
    ),
    "bucket name with two dots": (
        {"storage_media_bucket_name": "shop..media"},
        "storage_media_bucket_name: 'shop..media' is not a valid",
    ),
    "bucket name too long": ({"storage_logs_bucket_name": "a" * 64}, "storage_logs_bucket_name: 'aaaa"),
    "same name for two buckets": (
        {"storage_media_bucket_name": "shop-data", "storage_logs_bucket_name": "shop-data"},
        "storage_media_bucket_name, storage_backups_bucket_name, storage_logs_bucket_name and storage_ssm_bucket_name "
        "must differ",
    ),
    "IA before 30 days": ({"storage_logs_transition_ia_days": 10}, "storage_logs_transition_ia_days (10) must be"),
    "GLACIER too soon after IA": (
        {"storage_logs_transition_ia_days": 30, "storage_logs_transition_glacier_days": 40},
        "storage_logs_transition_glacier_days (40) at least 30 more",
    ),
    "expiry before GLACIER": ({"storage_logs_expiration_days": 60}, "storage_logs_expiration_days (60) more than"),
    "media noncurrent days zero": (
        {"storage_media_noncurrent_expiration_days": 0},
        "storage_media_noncurrent_expiration_days (0)",
    ),
    "unknown IA transition": ({"storage_efs_transition_to_ia": "AFTER_3_DAYS"}, "storage_efs_transition_to_ia"),
    "unknown state": ({"storage_state": "gone"}, "storage_state"),
    "permissions not octal": (
        {"storage_efs_directory_permissions": "rwxr-xr-x"},
        "storage_efs_directory_permissions must be 3 or 4 octal digits",
    ),
    "provisioned throughput without a rate": (
        {"storage_efs_throughput_mode": "provisioned"},
        "set storage_efs_provisioned_throughput_mibps",
    ),
}


@pytest.mark.parametrize(("extra_vars", "message"), list(CASES.values()), ids=list(CASES))
def test_bad_input_fails_before_any_aws_call(assert_rejected, run_playbook, extra_vars: dict, message: str) -> None:
    result = run_playbook(PLAYBOOK, extra_vars)
    assert_rejected(result, message)


def test_missing_prerequisites_are_named(clean_emulator, run_playbook) -> None:
    """Valid input on an empty account: the role reaches AWS and names what is missing (the security tier's key)."""
    result = run_playbook(PLAYBOOK, {}, "--check")
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0, output
    assert "No KMS key has the alias alias/kstore-local" in output
    assert "storage_kms_key_arn" in output
    counts = clean_emulator.requests()
    assert counts["total"] > 0  # the control: the counter sees the role's calls
    assert counts["by_action"].get("kms:DescribeKey", 0) >= 1
