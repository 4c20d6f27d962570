# Copyright: Contributors to the kstore.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: kms_alias
version_added: 0.1.0
short_description: Manage KMS key aliases
description:
  - Creates an alias for a KMS key, points an existing alias at another key, or deletes an alias.
  - M(amazon.aws.kms_key) adds aliases but never removes one; scheduling a key's deletion leaves its alias
    pointing at it until the key is gone. This module removes it.
author:
  - kstore platform engineers (!UNKNOWN)
options:
  state:
    description:
      - Whether the alias should exist.
    type: str
    choices: ['present', 'absent']
    default: present
  name:
    description:
      - The alias, with or without its V(alias/) prefix.
    type: str
    required: true
  target_key_id:
    description:
      - ID or ARN of the key the alias points at. Required when O(state=present).
    type: str
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
    support: none
notes:
  - The IAM actions used are C(kms:ListAliases), C(kms:DescribeKey), C(kms:CreateAlias), C(kms:UpdateAlias) and
    C(kms:DeleteAlias).
"""

EXAMPLES = r"""
- name: Point alias/shop-prod at a key
  kstore.platform.kms_alias:
    name: alias/shop-prod
    target_key_id: 1234abcd-12ab-34cd-56ef-1234567890ab

- name: Remove the alias (the key is left alone)
  kstore.platform.kms_alias:
    name: alias/shop-prod
    state: absent
"""

RETURN = r"""
alias:
  description: The alias as KMS lists it; empty when it does not exist (any more).
  returned: always
  type: dict
  contains:
    alias_name:
      description: The alias, with its V(alias/) prefix.
      type: str
      sample: alias/shop-prod
    alias_arn:
      description: The alias's ARN.
      type: str
      sample: arn:aws:kms:eu-west-1:123456789012:alias/shop-prod
    target_key_id:
      description: ID of the key it points at.
      type: str
      sample: 1234abcd-12ab-34cd-56ef-1234567890ab
  sample: {}
"""

from typing import Any

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.transformation import boto3_resource_to_ansible_dict


def find_alias(module: AnsibleAWSModule, client: Any, name: str) -> dict[str, Any] | None:
    params: dict[str, Any] = {}
    try:
        while True:
            page = client.list_aliases(aws_retry=True, **params)
            for alias in page["Aliases"]:
                if alias["AliasName"] == name:
                    return alias
            if not page.get("Truncated"):
                return None
            params["Marker"] = page["NextMarker"]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to list KMS aliases")


def key_id_of(module: AnsibleAWSModule, client: Any, key: str) -> str:
    try:
        return client.describe_key(KeyId=key, aws_retry=True)["KeyMetadata"]["KeyId"]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Failed to find the key {key}")


def ensure_present(module: AnsibleAWSModule, client: Any, name: str, existing: dict[str, Any] | None) -> dict:
    key_id = key_id_of(module, client, module.params["target_key_id"])
    if existing and existing.get("TargetKeyId") == key_id:
        return {"changed": False, "alias": existing}
    if not module.check_mode:
        try:
            if existing:
                client.update_alias(AliasName=name, TargetKeyId=key_id, aws_retry=True)
            else:
                client.create_alias(AliasName=name, TargetKeyId=key_id, aws_retry=True)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg=f"Failed to point {name} at {key_id}")
        existing = find_alias(module, client, name)
    return {"changed": True, "alias": existing or {"AliasName": name, "TargetKeyId": key_id}}


def ensure_absent(module: AnsibleAWSModule, client: Any, name: str, existing: dict[str, Any] | None) -> dict:
    if not existing:
        return {"changed": False, "alias": {}}
    if not module.check_mode:
        try:
            client.delete_alias(AliasName=name, aws_retry=True)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg=f"Failed to delete {name}")
    return {"changed": True, "alias": {}}


def main() -> None:
    argument_spec = {
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "name": {"type": "str", "required": True},
        "target_key_id": {"type": "str"},
    }
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", "present", ["target_key_id"])],
    )
    name = module.params["name"]
    if not name.startswith("alias/"):
        name = "alias/" + name
    client = module.client("kms", retry_decorator=AWSRetry.jittered_backoff())
    existing = find_alias(module, client, name)
    if module.params["state"] == "present":
        result = ensure_present(module, client, name, existing)
    else:
        result = ensure_absent(module, client, name, existing)
    result["alias"] = boto3_resource_to_ansible_dict(result["alias"]) if result["alias"] else {}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
