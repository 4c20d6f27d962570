# Copyright: Contributors to the kstore.platform collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: efs_file_system_policy
version_added: 0.1.0
short_description: Manage the resource policy of an EFS file system
description:
  - Sets or removes the file-system policy of an EFS file system (C(PutFileSystemPolicy),
    C(DeleteFileSystemPolicy)).
  - The policy is compared with the existing one as a policy, not as text (statement order, single values against
    one-element lists and the key order do not count), so a second run with the same policy changes nothing.
  - M(community.aws.efs) has no policy option, hence this module.
author:
  - kstore platform engineers (!UNKNOWN)
options:
  state:
    description:
      - V(present) sets O(policy) on the file system, V(absent) removes any policy (EFS then applies its default
        policy, which lets any client that reaches a mount target mount, write and act as root).
    type: str
    choices: ['present', 'absent']
    default: present
  file_system_id:
    description:
      - The ID of the EFS file system, for example V(fs-0123456789abcdef0).
    type: str
    required: true
  policy:
    description:
      - The policy, a dict (or its JSON text). Required when O(state=present).
    type: json
  bypass_policy_lockout_safety_check:
    description:
      - Let EFS accept a policy that would stop the caller from changing the policy again. Leave it off.
    type: bool
    default: false
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
  - The IAM actions used are C(elasticfilesystem:DescribeFileSystemPolicy), C(elasticfilesystem:PutFileSystemPolicy)
    and C(elasticfilesystem:DeleteFileSystemPolicy).
  - In check mode a file system that does not exist yet is reported as C(changed) with O(state=present) (it would
    get the policy once created), and unchanged with O(state=absent).
"""

EXAMPLES = r"""
- name: Require TLS for every client of the file system
  kstore.platform.efs_file_system_policy:
    file_system_id: fs-0123456789abcdef0
    policy:
      Version: "2012-10-17"
      Statement:
        - Sid: DenyInsecureTransport
          Effect: Deny
          Principal: {AWS: "*"}
          Action: "*"
          Condition: {Bool: {"aws:SecureTransport": "false"}}

- name: Remove the policy (EFS's default policy applies again)
  kstore.platform.efs_file_system_policy:
    state: absent
    file_system_id: fs-0123456789abcdef0
"""

RETURN = r"""
file_system_id:
  description: The file system.
  returned: always
  type: str
  sample: fs-0123456789abcdef0
policy:
  description: The policy the file system has after the task (in check mode, the one it would have); C({}) for none.
  returned: always
  type: dict
  sample:
    Version: "2012-10-17"
    Statement:
      - Sid: DenyInsecureTransport
        Effect: Deny
        Principal: {AWS: "*"}
        Action: "*"
        Condition: {Bool: {"aws:SecureTransport": "false"}}
"""

import json
from typing import Any

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

# EFS throttles with ThrottlingException, which AWSRetry does not retry by default.
RETRY = AWSRetry.jittered_backoff(catch_extra_error_codes=["ThrottlingException"])


def _policy_param(module: AnsibleAWSModule) -> dict[str, Any] | None:
    raw = module.params["policy"]
    if raw is None:
        return None
    try:
        policy = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError as e:
        module.fail_json(msg=f"policy is not valid JSON: {e}")
    if not isinstance(policy, dict) or not policy.get("Statement"):
        module.fail_json(msg="policy must be a policy document: a dict with a non-empty Statement")
    return policy


def current_policy(module: AnsibleAWSModule, client: Any) -> tuple[dict[str, Any], bool]:
    """The file system's policy ({} when none) and whether the file system exists."""
    file_system_id = module.params["file_system_id"]
    try:
        answer = client.describe_file_system_policy(aws_retry=True, FileSystemId=file_system_id)
    except is_boto3_error_code("PolicyNotFound"):
        return {}, True
    except is_boto3_error_code("FileSystemNotFound"):
        return {}, False
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Failed to read the policy of {file_system_id}")
    return json.loads(answer.get("Policy") or "{}"), True


def ensure_present(module: AnsibleAWSModule, client: Any, existing: dict[str, Any], exists: bool) -> dict[str, Any]:
    wanted = _policy_param(module)
    file_system_id = module.params["file_system_id"]
    if not exists and not module.check_mode:
        module.fail_json(msg=f"File system {file_system_id} does not exist")
    if existing and not compare_policies(existing, wanted, default_version="2008-10-17"):
        return {"changed": False, "policy": existing}
    if not module.check_mode:
        try:
            client.put_file_system_policy(
                aws_retry=True,
                FileSystemId=file_system_id,
                Policy=json.dumps(wanted),
                BypassPolicyLockoutSafetyCheck=module.params["bypass_policy_lockout_safety_check"],
            )
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
            module.fail_json_aws(e, msg=f"Failed to set the policy of {file_system_id}")
    return {"changed": True, "policy": wanted}


def ensure_absent(module: AnsibleAWSModule, client: Any, existing: dict[str, Any]) -> dict[str, Any]:
    if not existing:
        return {"changed": False, "policy": {}}
    if not module.check_mode:
        try:
            client.delete_file_system_policy(aws_retry=True, FileSystemId=module.params["file_system_id"])
        except is_boto3_error_code("FileSystemNotFound"):
            pass
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:  # pylint: disable=duplicate-except
            module.fail_json_aws(e, msg=f"Failed to remove the policy of {module.params['file_system_id']}")
    return {"changed": True, "policy": {}}


def main() -> None:
    argument_spec = {
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "file_system_id": {"type": "str", "required": True},
        "policy": {"type": "json"},
        "bypass_policy_lockout_safety_check": {"type": "bool", "default": False},
    }
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", "present", ["policy"])],
    )
    if module.params["state"] == "present":
        _policy_param(module)  # refuse a malformed policy before any AWS call
    client = module.client("efs", retry_decorator=RETRY)
    existing, exists = current_policy(module, client)
    if module.params["state"] == "present":
        result = ensure_present(module, client, existing, exists)
    else:
        result = ensure_absent(module, client, existing)
    result["file_system_id"] = module.params["file_system_id"]
    if module._diff:  # pylint: disable=protected-access
        result["diff"] = {"before": {"policy": existing}, "after": {"policy": result["policy"]}}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
