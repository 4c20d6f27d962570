"""Bad input to the registry role fails before any AWS call, with a message naming the variable.

Each case runs playbooks/registry.yml through the local inventory against a private emulator (tests/conftest.py,
tests/integration/conftest.py) and reads the emulator's request counter: it must stay at zero. A valid run is the
control showing that the counter does see the role's calls. Last, a repository under another encryption (fixed at
creation) is refused with only read calls made.
"""

from __future__ import annotations

import boto3
import pytest

PLAYBOOK = "playbooks/registry.yml"

CASES = {
    "misspelled variable": ({"registry_force_delet": True}, "Unknown variable(s) registry_force_delet", ""),
    "kms alias instead of a key ARN": (
        {"registry_kms_key_arn": "alias/shop-prod"},
        "registry_kms_key_arn must be empty or a key ARN",
        "alias/shop-prod",
    ),
    "keep no tagged image": ({"registry_keep_tagged_images": 0}, "registry_keep_tagged_images must be 1 to 10000", ""),
    "untagged expiry as text": ({"registry_untagged_expiry_days": "a week"}, "registry_untagged_expiry_days", "int"),
    "unknown tag mutability": ({"registry_image_tag_mutability": "frozen"}, "registry_image_tag_mutability", "frozen"),
    "unknown state": ({"registry_state": "gone"}, "registry_state", "gone"),
}


@pytest.mark.parametrize(("extra_vars", "variable", "detail"), list(CASES.values()), ids=list(CASES))
def test_bad_input_fails_before_any_aws_call(
    assert_rejected, run_playbook, extra_vars: dict, variable: str, detail: str
) -> None:
    result = run_playbook(PLAYBOOK, extra_vars)
    assert_rejected(result, variable, detail)


def test_valid_input_does_reach_the_emulator(clean_emulator, run_playbook) -> None:
    """The control: the counter sees the role's calls, so a zero above means none was made.

    The emulator is empty, so the role stops where it looks for the security tier's KMS key, and says so.
    """
    result = run_playbook(PLAYBOOK, {"registry_keep_tagged_images": "20"}, "--check")
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0, output
    assert "run the security tier first, or set registry_kms_key_arn" in output, output
    assert clean_emulator.requests()["by_action"].get("kms:DescribeKey", 0) >= 1, clean_emulator.requests()


def test_repository_under_another_encryption_is_refused_without_change(clean_emulator, run_playbook) -> None:
    """ECR fixes encryption at creation: an existing repository under AES256 is refused, explained, and left alone."""
    kms = boto3.client("kms", region_name="eu-west-1", endpoint_url=clean_emulator.url)
    ecr = boto3.client("ecr", region_name="eu-west-1", endpoint_url=clean_emulator.url)
    kms.create_alias(AliasName="alias/kstore-local", TargetKeyId=kms.create_key()["KeyMetadata"]["KeyId"])
    ecr.create_repository(
        repositoryName="kstore-local-prestashop", encryptionConfiguration={"encryptionType": "AES256"}
    )
    clean_emulator.reset_requests()

    result = run_playbook(PLAYBOOK, {})
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0, output
    assert "is encrypted with AES256" in output, output
    assert "ECR cannot change a repository's encryption after creation" in output, output
    actions = clean_emulator.requests()["by_action"]
    assert not [action for action in actions if not action.split(":")[1].startswith(("Describe", "List", "Get"))], (
        actions
    )
