# Copyright: kstore.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The resource policy of the platform's Secrets Manager secrets: this account only, the platform's roles only."""

from __future__ import annotations

import re
from typing import Any

from ansible.errors import AnsibleFilterError

DOCUMENTATION = r"""
name: secret_policy
short_description: Resource policy of a platform secret, denying other accounts and other principals
version_added: 0.1.0
description:
  - Two C(Deny) statements, no C(Allow) (access inside the account is still granted by IAM policies).
  - C(DenyOtherAccounts) denies every Secrets Manager action to a principal of another account
    (C(aws:PrincipalAccount)).
  - C(DenyValueAccessToOthers) denies reading and writing the value (C(GetSecretValue), C(PutSecretValue),
    C(UpdateSecret), C(DeleteSecret)) to every principal whose C(aws:PrincipalArn) is not one of O(readers) or the
    caller (O(caller_arn)).
  - The caller is the identity that converges the platform (C(amazon.aws.aws_caller_info)). An assumed-role session
    ARN (C(arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION)) becomes its role's ARN, with and without a path
    (C(role/NAME), C(role/*/NAME)), because C(aws:PrincipalArn) is the role's ARN and the session ARN has no path.
  - Neither statement denies C(DescribeSecret), C(GetResourcePolicy), C(PutResourcePolicy) or
    C(DeleteResourcePolicy) - an administrator of the account can always read and replace the policy, so a wrong
    list of principals cannot lock the account out of its secret.
  - Calls by AWS services with their own service principal are left alone (C(aws:PrincipalIsAWSService)).
options:
  _input:
    description: The 12-digit account that owns the secret.
    type: str
    required: true
  readers:
    description: The ARNs (C(ArnLike) patterns allowed) of the roles that must read the secret.
    type: list
    elements: str
    required: true
  caller_arn:
    description: The ARN of the identity that converges the platform; empty for none.
    type: str
    default: ""
"""

EXAMPLES = r"""
- name: The database secret's policy
  ansible.builtin.debug:
    msg: "{{ '123456789012' | kstore.platform.secret_policy(
             ['arn:aws:iam::123456789012:role/shop-prod-task-execution'],
             'arn:aws:sts::123456789012:assumed-role/deployer/ci') }}"
"""

RETURN = r"""
_value:
  description: The policy document (a dict).
  type: dict
"""

ACCOUNT = re.compile(r"^\d{12}$")
ASSUMED_ROLE = re.compile(r"^arn:([\w-]+):sts::(\d{12}):assumed-role/([^/]+)/[^/]+$")
VALUE_ACTIONS = [
    "secretsmanager:GetSecretValue",
    "secretsmanager:PutSecretValue",
    "secretsmanager:UpdateSecret",
    "secretsmanager:DeleteSecret",
]


def caller_principals(caller_arn: str) -> list[str]:
    """The aws:PrincipalArn values the caller can have."""
    match = ASSUMED_ROLE.match(caller_arn)
    if match:
        partition, account, role = match.groups()
        return [f"arn:{partition}:iam::{account}:role/{role}", f"arn:{partition}:iam::{account}:role/*/{role}"]
    return [caller_arn] if caller_arn else []


def secret_policy(account: Any, readers: Any, caller_arn: Any = "") -> dict[str, Any]:
    account = str(account)
    if not ACCOUNT.match(account):
        raise AnsibleFilterError(f"secret_policy: the account must be 12 digits, got '{account}'")
    if not isinstance(readers, list) or not all(isinstance(r, str) and r.startswith("arn:") for r in readers):
        raise AnsibleFilterError(f"secret_policy: readers must be a list of ARNs, got {readers!r}")
    principals = sorted(set(readers) | set(caller_principals(str(caller_arn or ""))))
    if not principals:
        raise AnsibleFilterError("secret_policy: no reader and no caller: nobody could read the secret")
    not_a_service = {"BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyOtherAccounts",
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": "secretsmanager:*",
                "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:PrincipalAccount": account}, **not_a_service},
            },
            {
                "Sid": "DenyValueAccessToOthers",
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": VALUE_ACTIONS,
                "Resource": "*",
                "Condition": {"ArnNotLike": {"aws:PrincipalArn": principals}, **not_a_service},
            },
        ],
    }


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"secret_policy": secret_policy}
