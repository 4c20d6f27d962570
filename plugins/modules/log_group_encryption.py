# Copyright: Contributors to the kstore.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: log_group_encryption
version_added: 0.1.0
short_description: Associate a KMS key with an existing CloudWatch Logs log group, or remove it
description:
  - Sets or clears the KMS key of a log group that exists already, with C(AssociateKmsKey) and
    C(DisassociateKmsKey). M(amazon.aws.cloudwatchlogs_log_group) sets a key only when it creates a group, so a
    group created before its key (or by an AWS service, such as the C(/aws/rds/instance/...) export groups) stays
    unencrypted with it.
  - With O(state=present) the group's newly ingested events are encrypted with O(kms_key_id); a group that has
    another key gets O(kms_key_id) instead. With O(state=absent) the association is removed; events ingested
    before stay encrypted with the old key, which CloudWatch Logs still needs to read them.
  - AWS may take up to five minutes to apply a new association.
author:
  - kstore platform engineers (!UNKNOWN)
options:
  state:
    description:
      - Whether the log group should be encrypted with O(kms_key_id).
    type: str
    choices: ['present', 'absent']
    default: present
  log_group_name:
    description:
      - The name of the log group.
    type: str
    required: true
    aliases: ['name']
  kms_key_id:
    description:
      - The ARN of the KMS key (V(arn:aws:kms:REGION:ACCOUNT:key/ID)); CloudWatch Logs takes neither a bare key id
        nor an alias here. The key must be a symmetric key in the log group's region.
      - Required when O(state=present); not used with O(state=absent).
      - The key policy must let C(logs.REGION.amazonaws.com) use the key (C(kms:Encrypt*), C(kms:Decrypt*),
        C(kms:ReEncrypt*), C(kms:GenerateDataKey*), C(kms:Describe*)), normally with the condition that
        C(kms:EncryptionContext:aws:logs:arn) is the ARN of a log group of the account; otherwise AWS refuses the
        association.
    type: str
  missing:
    description:
      - What to do when the log group does not exist.
      - V(fail) fails the task. V(skip) reports no change, with RV(exists=false), for a group another tier or an AWS
        service creates later.
    type: str
    choices: ['fail', 'skip']
    default: fail
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - kstore.platform.attributes
  - kstore.platform.attributes.actiongroup_aws
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
notes:
  - The IAM actions used are C(logs:DescribeLogGroups), C(logs:AssociateKmsKey) and C(logs:DisassociateKmsKey).
  - The key is compared as AWS reports it, which is the ARN the caller gave.
seealso:
  - module: amazon.aws.cloudwatchlogs_log_group
"""

EXAMPLES = r"""
- name: Encrypt the existing flow-log group with the platform key
  kstore.platform.log_group_encryption:
    log_group_name: /shop/prod/vpc-flow-logs
    kms_key_id: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab

- name: Encrypt an RDS export group when RDS has created it already
  kstore.platform.log_group_encryption:
    log_group_name: /aws/rds/instance/shop-prod-db/error
    kms_key_id: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
    missing: skip

- name: Remove the key of a log group
  kstore.platform.log_group_encryption:
    log_group_name: /shop/prod/vpc-flow-logs
    state: absent
"""

RETURN = r"""
log_group_name:
  description: The name of the log group.
  returned: always
  type: str
  sample: /shop/prod/vpc-flow-logs
exists:
  description: Whether the log group exists (V(false) only with O(missing=skip)).
  returned: always
  type: bool
  sample: true
kms_key_id:
  description:
    - The ARN of the KMS key associated with the group after the task (in check mode, the key it would have).
    - An empty string when the group has no key or does not exist.
  returned: always
  type: str
  sample: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
arn:
  description: The ARN of the log group.
  returned: when the log group exists
  type: str
  sample: arn:aws:logs:eu-west-1:123456789012:log-group:/shop/prod/vpc-flow-logs:*
"""

import re
from typing import Any

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import (
    is_boto3_error_code,
    paginated_query_with_retries,
)
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

# CloudWatch Logs' log group name constraint, and the key ARN it wants.
GROUP_NAME = re.compile(r"^[.\-_/#A-Za-z0-9]{1,512}$")
KEY_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+$")
# OperationAbortedException: another request modifies the same group at the same time.
RETRY = AWSRetry.jittered_backoff(catch_extra_error_codes=["ThrottlingException", "OperationAbortedException"])


def validate_params(module: AnsibleAWSModule) -> None:
    params = module.params
    name = params["log_group_name"]
    if not GROUP_NAME.match(name):
        module.fail_json(
            msg=f"log_group_name must be 1-512 characters of a-z, A-Z, 0-9, '.', '-', '_', '/' and '#', got {name!r}"
        )
    key = params["kms_key_id"]
    if params["state"] == "present" and not KEY_ARN.match(key or ""):
        module.fail_json(
            msg=f"kms_key_id must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID) with state=present, "
            f"got {key!r}; CloudWatch Logs takes neither a key id nor an alias"
        )


def describe_group(module: AnsibleAWSModule, client: Any, name: str) -> dict[str, Any] | None:
    """The log group as DescribeLogGroups answers it, or None when it does not exist."""
    try:
        groups = paginated_query_with_retries(
            client, "describe_log_groups", retry_decorator=RETRY, logGroupNamePrefix=name
        )
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to describe log group {name}")
    return next((g for g in groups["logGroups"] if g["logGroupName"] == name), None)


def set_key(module: AnsibleAWSModule, client: Any, name: str, key: str) -> bool:
    """Associate ``key`` (or disassociate with ''); False when the group is gone meanwhile."""
    try:
        if key:
            client.associate_kms_key(aws_retry=True, logGroupName=name, kmsKeyId=key)
        else:
            client.disassociate_kms_key(aws_retry=True, logGroupName=name)
    except is_boto3_error_code("ResourceNotFoundException"):
        return False
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:  # pylint: disable=duplicate-except
        action = f"associate KMS key {key} with" if key else "remove the KMS key of"
        module.fail_json_aws(e, msg=f"Failed to {action} log group {name}")
    return True


def main() -> None:
    argument_spec = {
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "log_group_name": {"type": "str", "required": True, "aliases": ["name"]},
        "kms_key_id": {"type": "str", "no_log": False},
        "missing": {"type": "str", "default": "fail", "choices": ["fail", "skip"]},
    }
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", "present", ["kms_key_id"])],
    )
    validate_params(module)
    params = module.params
    name = params["log_group_name"]

    client = module.client("logs", retry_decorator=RETRY)
    group = describe_group(module, client, name)
    result: dict[str, Any] = {"changed": False, "log_group_name": name, "exists": False, "kms_key_id": ""}
    diff: dict[str, dict[str, str]] = {"before": {}, "after": {}}
    if group is not None:
        before = group.get("kmsKeyId") or ""
        after = params["kms_key_id"] if params["state"] == "present" else ""
        changed = before != after
        if changed and not module.check_mode and not set_key(module, client, name, after):
            group = None  # Deleted between the two calls.
        else:
            result.update(changed=changed, exists=True, kms_key_id=after, arn=group["arn"])
            diff = {"before": {"kms_key_id": before}, "after": {"kms_key_id": after}}
    if group is None and params["missing"] == "fail":
        module.fail_json(msg=f"Log group {name} does not exist: create it first (amazon.aws.cloudwatchlogs_log_group)")

    if module._diff:  # pylint: disable=protected-access
        result["diff"] = diff
    module.exit_json(**result)


if __name__ == "__main__":
    main()
