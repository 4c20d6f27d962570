# Copyright: Contributors to the kstore.platform collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: s3_bucket_logging
version_added: 0.1.0
short_description: Manage the server access logging of an S3 bucket, without ACLs
description:
  - Turns the server access logging of a bucket on (C(PutBucketLogging) with a target bucket and prefix) or off.
  - It never touches the target bucket's ACL. The target bucket must let the logging service principal
    C(logging.s3.amazonaws.com) write under the prefix through its bucket policy, as AWS recommends (the only way
    when the target bucket has C(BucketOwnerEnforced) object ownership, where ACLs are disabled).
  - M(community.aws.s3_logging) adds a C(LogDelivery) grant to the target bucket's ACL, which S3 refuses on a
    bucket whose ACLs are disabled, hence this module.
author:
  - kstore platform engineers (!UNKNOWN)
options:
  state:
    description:
      - V(present) logs to O(target_bucket) under O(target_prefix), V(absent) turns logging off.
    type: str
    choices: ['present', 'absent']
    default: present
  name:
    description:
      - The bucket whose requests are logged.
    type: str
    required: true
  target_bucket:
    description:
      - The bucket the logs are written to (same region and account). Required when O(state=present). S3 accepts
        the logged bucket itself, which makes an endless loop of logs; the module refuses it.
    type: str
  target_prefix:
    description:
      - The key prefix of the log objects, for example V(s3-access/media/).
    type: str
    default: ""
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
  - The IAM actions used are C(s3:GetBucketLogging) and C(s3:PutBucketLogging).
  - In check mode a bucket that does not exist yet is reported as C(changed) with O(state=present).
"""

EXAMPLES = r"""
- name: Log the media bucket's requests into the logs bucket
  kstore.platform.s3_bucket_logging:
    name: shop-prod-media-123456789012
    target_bucket: shop-prod-logs-123456789012
    target_prefix: s3-access/shop-prod-media-123456789012/

- name: Stop logging them
  kstore.platform.s3_bucket_logging:
    state: absent
    name: shop-prod-media-123456789012
"""

RETURN = r"""
logging:
  description: The bucket's logging after the task (in check mode, what it would be); C({}) when off.
  returned: always
  type: dict
  sample:
    target_bucket: shop-prod-logs-123456789012
    target_prefix: s3-access/shop-prod-media-123456789012/
"""

from typing import Any

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

# S3 answers a just-created bucket with NoSuchBucket for a while, and a just-changed policy with
# InvalidTargetBucketForLogging: both are retried.
RETRY = AWSRetry.jittered_backoff(catch_extra_error_codes=["NoSuchBucket", "OperationAborted"])
PUT_RETRY = AWSRetry.jittered_backoff(
    retries=4, delay=2, max_delay=10, catch_extra_error_codes=["InvalidTargetBucketForLogging", "OperationAborted"]
)


def current_logging(module: AnsibleAWSModule, client: Any) -> tuple[dict[str, str], bool]:
    """The bucket's logging ({} when off) and whether the bucket exists."""
    try:
        answer = client.get_bucket_logging(
            aws_retry=module.params["state"] == "present" and not module.check_mode,
            Bucket=module.params["name"],
        )
    except is_boto3_error_code("NoSuchBucket"):
        return {}, False
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Failed to read the logging of {module.params['name']}")
    enabled = answer.get("LoggingEnabled") or {}
    if not enabled:
        return {}, True
    return {"target_bucket": enabled.get("TargetBucket", ""), "target_prefix": enabled.get("TargetPrefix", "")}, True


def _put(module: AnsibleAWSModule, client: Any, status: dict[str, Any]) -> None:
    try:
        PUT_RETRY(client.put_bucket_logging)(Bucket=module.params["name"], BucketLoggingStatus=status)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(
            e,
            msg=f"Failed to set the logging of {module.params['name']} (does the target bucket's policy let "
            "logging.s3.amazonaws.com write under the prefix?)",
        )


def ensure_present(module: AnsibleAWSModule, client: Any, existing: dict[str, str], exists: bool) -> dict[str, Any]:
    wanted = {"target_bucket": module.params["target_bucket"], "target_prefix": module.params["target_prefix"]}
    if not exists and not module.check_mode:
        module.fail_json(msg=f"Bucket {module.params['name']} does not exist")
    if existing == wanted:
        return {"changed": False, "logging": existing}
    if not module.check_mode:
        _put(
            module,
            client,
            {"LoggingEnabled": {"TargetBucket": wanted["target_bucket"], "TargetPrefix": wanted["target_prefix"]}},
        )
    return {"changed": True, "logging": wanted}


def ensure_absent(module: AnsibleAWSModule, client: Any, existing: dict[str, str]) -> dict[str, Any]:
    if not existing:
        return {"changed": False, "logging": {}}
    if not module.check_mode:
        _put(module, client, {})
    return {"changed": True, "logging": {}}


def main() -> None:
    argument_spec = {
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "name": {"type": "str", "required": True},
        "target_bucket": {"type": "str"},
        "target_prefix": {"type": "str", "default": ""},
    }
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", "present", ["target_bucket"])],
    )
    if module.params["state"] == "present" and module.params["target_bucket"] == module.params["name"]:
        module.fail_json(msg=f"{module.params['name']} cannot log into itself: every log write would be logged again")
    client = module.client("s3", retry_decorator=RETRY)
    existing, exists = current_logging(module, client)
    if module.params["state"] == "present":
        result = ensure_present(module, client, existing, exists)
    else:
        result = ensure_absent(module, client, existing)
    if module._diff:  # pylint: disable=protected-access
        result["diff"] = {"before": {"logging": existing}, "after": {"logging": result["logging"]}}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
