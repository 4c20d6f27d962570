# Copyright: Contributors to the kstore.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: sns_topic_encryption
version_added: 0.1.0
short_description: Manage the server-side encryption (KMS key) of an SNS topic
description:
  - Sets or clears the C(KmsMasterKeyId) attribute of an existing SNS topic, which
    M(community.aws.sns_topic) does not expose.
  - With O(state=present) the topic's messages are encrypted at rest with O(kms_master_key_id);
    with O(state=absent) server-side encryption is turned off.
  - The key is compared as given, since AWS stores the value the caller set (key id, key ARN, alias name or alias ARN),
    so give it in the same form on every run.
author:
  - kstore platform engineers (!UNKNOWN)
options:
  state:
    description:
      - Whether the topic should be encrypted with O(kms_master_key_id).
    type: str
    choices: ['present', 'absent']
    default: present
  topic_arn:
    description:
      - The ARN of the topic. The topic must exist.
    type: str
    required: true
    aliases: ['topic']
  kms_master_key_id:
    description:
      - The KMS key that encrypts the topic's messages, as a key id, key ARN, alias name
        (V(alias/shop-prod)) or alias ARN. V(alias/aws/sns) is the AWS managed key for SNS.
      - Required when O(state=present).
      - A customer managed key must allow the services that publish to the topic (for example
        C(cloudwatch.amazonaws.com)) C(kms:GenerateDataKey*) and C(kms:Decrypt).
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
    support: full
notes:
  - The IAM actions used are C(sns:GetTopicAttributes) and C(sns:SetTopicAttributes).
"""

EXAMPLES = r"""
- name: Encrypt a topic with the platform's key
  kstore.platform.sns_topic_encryption:
    topic_arn: arn:aws:sns:eu-west-1:123456789012:shop-prod-alarms
    kms_master_key_id: alias/shop-prod

- name: Turn the topic's server-side encryption off
  kstore.platform.sns_topic_encryption:
    topic_arn: arn:aws:sns:eu-west-1:123456789012:shop-prod-alarms
    state: absent
"""

RETURN = r"""
topic_arn:
  description: The ARN of the topic.
  returned: always
  type: str
  sample: arn:aws:sns:eu-west-1:123456789012:shop-prod-alarms
kms_master_key_id:
  description:
    - The KMS key that encrypts the topic after the task (in check mode, the key it would have).
    - An empty string when the topic is not encrypted.
  returned: always
  type: str
  sample: alias/shop-prod
"""

from typing import Any

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


def current_key(module: AnsibleAWSModule, client: Any, topic_arn: str) -> str:
    """The topic's KmsMasterKeyId ('' when not encrypted); fails when the topic does not exist."""
    try:
        attributes = client.get_topic_attributes(aws_retry=True, TopicArn=topic_arn)["Attributes"]
    except is_boto3_error_code("NotFound"):
        module.fail_json(msg=f"SNS topic {topic_arn} does not exist: create it first (community.aws.sns_topic)")
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Failed to read the attributes of SNS topic {topic_arn}")
    return attributes.get("KmsMasterKeyId") or ""


def set_key(module: AnsibleAWSModule, client: Any, topic_arn: str, key: str) -> None:
    try:
        client.set_topic_attributes(
            aws_retry=True, TopicArn=topic_arn, AttributeName="KmsMasterKeyId", AttributeValue=key
        )
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        action = f"set KmsMasterKeyId {key!r} on" if key else "turn off the encryption of"
        module.fail_json_aws(e, msg=f"Failed to {action} SNS topic {topic_arn}")


def main() -> None:
    argument_spec = {
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "topic_arn": {"type": "str", "required": True, "aliases": ["topic"]},
        "kms_master_key_id": {"type": "str", "no_log": False},
    }
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", "present", ["kms_master_key_id"])],
    )
    params = module.params
    if params["state"] == "present" and not params["kms_master_key_id"].strip():
        module.fail_json(msg="kms_master_key_id must not be empty with state=present; use state=absent to decrypt")
    if not params["topic_arn"].startswith("arn:"):
        module.fail_json(
            msg=f"topic_arn must be a topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME), got {params['topic_arn']!r}"
        )

    client = module.client("sns", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=["Throttling"]))
    topic_arn = params["topic_arn"]
    before = current_key(module, client, topic_arn)
    after = params["kms_master_key_id"] if params["state"] == "present" else ""
    changed = before != after
    if changed and not module.check_mode:
        set_key(module, client, topic_arn, after)

    result: dict[str, Any] = {"changed": changed, "topic_arn": topic_arn, "kms_master_key_id": after}
    if module._diff:  # pylint: disable=protected-access
        result["diff"] = {"before": {"kms_master_key_id": before}, "after": {"kms_master_key_id": after}}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
