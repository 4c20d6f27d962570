# Copyright: Contributors to the kstore.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: wafv2_logging_configuration
version_added: 0.1.0
short_description: Manage the logging configuration of a WAFv2 web ACL
description:
  - Turns on, updates and turns off the logging of a WAFv2 web ACL (C(PutLoggingConfiguration),
    C(DeleteLoggingConfiguration)), which no amazon.aws or community.aws module does.
  - A web ACL has at most one logging configuration, with one destination (a CloudWatch Logs log group, an S3
    bucket or a Kinesis Data Firehose delivery stream) whose name must start with C(aws-waf-logs-).
  - Put replaces the whole configuration, so options the task does not set (O(redacted_fields), O(logging_filter))
    are removed from an existing configuration when the module has to write it.
author:
  - kstore platform engineers (!UNKNOWN)
options:
  state:
    description:
      - Whether the web ACL should log.
    type: str
    choices: ['present', 'absent']
    default: present
  web_acl_arn:
    description:
      - The ARN of the web ACL.
    type: str
    required: true
    aliases: ['resource_arn']
  log_destination_configs:
    description:
      - The ARN of the destination, in a list of one (AWS accepts exactly one).
      - A log group ARN (V(arn:aws:logs:REGION:ACCOUNT:log-group:aws-waf-logs-NAME)), a bucket ARN
        (V(arn:aws:s3:::aws-waf-logs-NAME)) or a delivery stream ARN
        (V(arn:aws:firehose:REGION:ACCOUNT:deliverystream/aws-waf-logs-NAME)).
      - Required when O(state=present).
    type: list
    elements: str
  redacted_fields:
    description:
      - The parts of the requests to leave out of the logs, each in the API's C(FieldToMatch) form, for example
        C(SingleHeader) with C(Name) V(authorization), or C(QueryString), C(UriPath) or C(Method) with an empty
        dict (see the examples).
      - Compared without regard to order; header names without regard to case.
    type: list
    elements: dict
    default: []
  logging_filter:
    description:
      - Which requests are logged, in the API's C(LoggingFilter) form (C(Filters), C(DefaultBehavior)).
      - When not set, every request is logged.
    type: dict
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
  - The IAM actions used are C(wafv2:GetLoggingConfiguration), C(wafv2:PutLoggingConfiguration) and
    C(wafv2:DeleteLoggingConfiguration). Putting a configuration also needs, for a log group,
    C(logs:CreateLogDelivery), C(logs:PutResourcePolicy) and C(logs:DescribeResourcePolicies); for a bucket,
    C(s3:PutBucketPolicy) and C(s3:GetBucketPolicy); for a delivery stream, C(iam:CreateServiceLinkedRole).
"""

EXAMPLES = r"""
- name: Log a web ACL to CloudWatch Logs without the Authorization and Cookie headers
  kstore.platform.wafv2_logging_configuration:
    web_acl_arn: arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/shop-prod-web/0123abcd-0123-4567-89ab-0123456789ab
    log_destination_configs:
      - arn:aws:logs:eu-west-1:123456789012:log-group:aws-waf-logs-shop-prod
    redacted_fields:
      - SingleHeader:
          Name: authorization
      - SingleHeader:
          Name: cookie

- name: Stop logging a web ACL
  kstore.platform.wafv2_logging_configuration:
    web_acl_arn: arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/shop-prod-web/0123abcd-0123-4567-89ab-0123456789ab
    state: absent
"""

RETURN = r"""
logging_configuration:
  description:
    - The logging configuration after the task (in check mode, the one it would have), in snake_case except the
      user-given structures O(redacted_fields) and O(logging_filter), which keep the API's keys.
  returned: when O(state=present)
  type: dict
  contains:
    resource_arn:
      description: The ARN of the web ACL.
      returned: always
      type: str
      sample: arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/shop-prod-web/0123abcd-0123-4567-89ab-0123456789ab
    log_destination_configs:
      description: The destination ARNs.
      returned: always
      type: list
      elements: str
      sample: ["arn:aws:logs:eu-west-1:123456789012:log-group:aws-waf-logs-shop-prod"]
    redacted_fields:
      description: The fields left out of the logs.
      returned: always
      type: list
      elements: dict
      sample: [{"SingleHeader": {"Name": "authorization"}}]
    logging_filter:
      description: The filter choosing which requests are logged.
      returned: when set
      type: dict
      sample: {"DefaultBehavior": "KEEP", "Filters": []}
"""

import json
from typing import Any

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

PREFIX = "aws-waf-logs-"


def destination_name(arn: str) -> str | None:
    """The name AWS requires to start with aws-waf-logs-, or None when the ARN is not a supported destination."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    service, resource = parts[2], parts[5]
    if service == "logs" and resource.startswith("log-group:"):
        return resource.split(":", 1)[1].removesuffix(":*")
    if service == "s3":
        return resource.split("/", 1)[0]
    if service == "firehose" and resource.startswith("deliverystream/"):
        return resource.split("/", 1)[1]
    return None


def _normal_destination(arn: str) -> str:
    return arn.removesuffix(":*").rstrip("/") if ":log-group:" in arn else arn.rstrip("/")


def _normal_field(field: dict[str, Any]) -> str:
    """A redacted field as a comparable string: header names are case-insensitive in WAF."""
    if isinstance(field.get("SingleHeader"), dict) and "Name" in field["SingleHeader"]:
        field = dict(field, SingleHeader=dict(field["SingleHeader"], Name=field["SingleHeader"]["Name"].lower()))
    return json.dumps(field, sort_keys=True)


def validate_params(module: AnsibleAWSModule) -> None:
    params = module.params
    if ":wafv2:" not in params["web_acl_arn"] or "/webacl/" not in params["web_acl_arn"]:
        module.fail_json(
            msg=f"web_acl_arn must be a WAFv2 web ACL ARN (arn:aws:wafv2:REGION:ACCOUNT:regional/webacl/NAME/ID), "
            f"got {params['web_acl_arn']!r}"
        )
    if params["state"] == "absent":
        return
    destinations = params["log_destination_configs"]
    if len(destinations) != 1:
        module.fail_json(
            msg=f"log_destination_configs must hold exactly one ARN (AWS accepts one), got {len(destinations)}"
        )
    name = destination_name(destinations[0])
    if name is None:
        module.fail_json(
            msg=f"log_destination_configs: {destinations[0]!r} is not the ARN of a CloudWatch Logs log group, "
            "an S3 bucket or a Kinesis Data Firehose delivery stream"
        )
    if not name.startswith(PREFIX):
        module.fail_json(
            msg=f"log_destination_configs: the destination's name {name!r} must start with {PREFIX!r} (AWS rule)"
        )


def to_result(configuration: dict[str, Any]) -> dict[str, Any]:
    result = {
        "resource_arn": configuration["ResourceArn"],
        "log_destination_configs": list(configuration.get("LogDestinationConfigs") or []),
        "redacted_fields": list(configuration.get("RedactedFields") or []),
    }
    if configuration.get("LoggingFilter"):
        result["logging_filter"] = configuration["LoggingFilter"]
    return result


def desired_configuration(params: dict[str, Any]) -> dict[str, Any]:
    configuration = {
        "ResourceArn": params["web_acl_arn"],
        "LogDestinationConfigs": params["log_destination_configs"],
        "RedactedFields": params["redacted_fields"],
    }
    if params["logging_filter"]:
        configuration["LoggingFilter"] = params["logging_filter"]
    return configuration


def same_configuration(existing: dict[str, Any], wanted: dict[str, Any]) -> bool:
    return (
        [_normal_destination(arn) for arn in existing["log_destination_configs"]]
        == [_normal_destination(arn) for arn in wanted["log_destination_configs"]]
        and sorted(map(_normal_field, existing["redacted_fields"]))
        == sorted(map(_normal_field, wanted["redacted_fields"]))
        and (existing.get("logging_filter") or None) == (wanted.get("logging_filter") or None)
    )


def get_configuration(module: AnsibleAWSModule, client: Any, arn: str) -> dict[str, Any] | None:
    try:
        return client.get_logging_configuration(aws_retry=True, ResourceArn=arn)["LoggingConfiguration"]
    except is_boto3_error_code("WAFNonexistentItemException"):
        return None
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Failed to read the logging configuration of {arn}")


def main() -> None:
    argument_spec = {
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "web_acl_arn": {"type": "str", "required": True, "aliases": ["resource_arn"]},
        "log_destination_configs": {"type": "list", "elements": "str"},
        "redacted_fields": {"type": "list", "elements": "dict", "default": []},
        "logging_filter": {"type": "dict"},
    }
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", "present", ["log_destination_configs"])],
    )
    validate_params(module)
    params = module.params
    arn = params["web_acl_arn"]
    client = module.client(
        "wafv2", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=["WAFUnavailableEntityException"])
    )

    found = get_configuration(module, client, arn)
    existing = to_result(found) if found else None
    result: dict[str, Any] = {"changed": False}
    if params["state"] == "present":
        request = desired_configuration(params)
        wanted = to_result(request)
        after = wanted
        if existing is None or not same_configuration(existing, wanted):
            result["changed"] = True
            if not module.check_mode:
                try:
                    answer = client.put_logging_configuration(aws_retry=True, LoggingConfiguration=request)
                except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
                    module.fail_json_aws(e, msg=f"Failed to put the logging configuration of {arn}")
                after = to_result(answer.get("LoggingConfiguration") or request)
        else:
            after = existing
        result["logging_configuration"] = after
    else:
        after = None
        if existing is not None:
            result["changed"] = True
            if not module.check_mode:
                try:
                    client.delete_logging_configuration(aws_retry=True, ResourceArn=arn)
                except is_boto3_error_code("WAFNonexistentItemException"):
                    pass  # Gone meanwhile.
                except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:  # pylint: disable=duplicate-except
                    module.fail_json_aws(e, msg=f"Failed to delete the logging configuration of {arn}")

    if module._diff:  # pylint: disable=protected-access
        result["diff"] = {"before": existing or {}, "after": after or {}}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
