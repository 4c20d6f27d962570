"""Filters secret_policy and s3_access_log_statement."""

from __future__ import annotations

import json

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.kstore.platform.plugins.filter.s3_access_log_statement import s3_access_log_statement
from ansible_collections.kstore.platform.plugins.filter.secret_policy import secret_policy

ACCOUNT = "123456789012"
EXECUTION = f"arn:aws:iam::{ACCOUNT}:role/shop-prod-task-execution"


def _statement(policy: dict, sid: str) -> dict:
    return next(s for s in policy["Statement"] if s["Sid"] == sid)


def test_secret_policy_denies_other_accounts() -> None:
    other = _statement(secret_policy(ACCOUNT, [EXECUTION]), "DenyOtherAccounts")
    assert other["Effect"] == "Deny" and other["Action"] == "secretsmanager:*"
    assert other["Condition"]["StringNotEquals"] == {"aws:PrincipalAccount": ACCOUNT}


def test_secret_policy_value_access_for_readers_and_the_callers_role() -> None:
    policy = secret_policy(ACCOUNT, [EXECUTION], f"arn:aws:sts::{ACCOUNT}:assumed-role/deployer/ci-run-42")
    value = _statement(policy, "DenyValueAccessToOthers")
    assert value["Condition"]["ArnNotLike"]["aws:PrincipalArn"] == sorted(
        [EXECUTION, f"arn:aws:iam::{ACCOUNT}:role/deployer", f"arn:aws:iam::{ACCOUNT}:role/*/deployer"]
    )
    assert "secretsmanager:GetSecretValue" in value["Action"]


def test_secret_policy_never_denies_the_policy_actions() -> None:
    """An administrator of the account can always replace a wrong policy: no lockout."""
    policy = secret_policy(ACCOUNT, [EXECUTION], f"arn:aws:iam::{ACCOUNT}:user/alice")
    assert all(s["Effect"] == "Deny" for s in policy["Statement"])
    in_account = [s for s in policy["Statement"] if "ArnNotLike" in s["Condition"]]
    for statement in in_account:
        assert not {"secretsmanager:PutResourcePolicy", "secretsmanager:DeleteResourcePolicy"} & set(
            statement["Action"]
        )
    assert f"arn:aws:iam::{ACCOUNT}:user/alice" in in_account[0]["Condition"]["ArnNotLike"]["aws:PrincipalArn"]


@pytest.mark.parametrize(
    ("account", "readers", "message"),
    [
        ("12345", [EXECUTION], "12 digits"),
        (ACCOUNT, ["shop-prod-task-execution"], "list of ARNs"),
        (ACCOUNT, [], "nobody could read"),
    ],
)
def test_secret_policy_bad_input(account: str, readers: list, message: str) -> None:
    with pytest.raises(AnsibleFilterError, match=message):
        secret_policy(account, readers)


def test_access_log_statement() -> None:
    statement = s3_access_log_statement(
        "shop-prod-media-123456789012", "arn:aws:s3:::shop-prod-logs-123456789012", "s3-access/", ACCOUNT
    )
    assert statement == {
        "Sid": "S3ServerAccessLogsShopProdMedia123456789012",
        "Effect": "Allow",
        "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": "arn:aws:s3:::shop-prod-logs-123456789012/s3-access/shop-prod-media-123456789012/*",
        "Condition": {
            "ArnLike": {"aws:SourceArn": "arn:aws:s3:::shop-prod-media-123456789012"},
            "StringEquals": {"aws:SourceAccount": ACCOUNT},
        },
    }


def test_access_log_statement_bad_input() -> None:
    with pytest.raises(AnsibleFilterError, match="12 digits"):
        s3_access_log_statement("a", "arn:aws:s3:::b", "p", "x")
    with pytest.raises(AnsibleFilterError, match="target bucket ARN"):
        s3_access_log_statement("a", "b", "p", ACCOUNT)


def test_policy_text_keeps_the_stored_text_of_the_same_policy() -> None:
    from ansible_collections.kstore.platform.plugins.filter.policy_text import policy_text

    wanted = secret_policy(ACCOUNT, [EXECUTION])
    reformatted = json.dumps(
        {"Statement": list(reversed(wanted["Statement"])), "Version": "2012-10-17"}, indent=2
    )  # as AWS gives it back
    assert policy_text(reformatted, wanted) == reformatted
    changed = secret_policy(ACCOUNT, [EXECUTION, f"arn:aws:iam::{ACCOUNT}:role/other"])
    assert json.loads(policy_text(reformatted, changed)) == changed
    assert json.loads(policy_text("", wanted)) == wanted
    assert json.loads(policy_text("not json", wanted)) == wanted
