# Copyright: Contributors to the kstore.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ec2_vpc_flow_log
version_added: 0.1.0
short_description: Manage VPC flow logs
description:
  - Creates, updates the tags of, replaces and deletes the flow log of a VPC, subnet or network interface.
  - A flow log is identified by its resource (O(resource_id)) and its destination (O(log_group_name) or
    O(log_destination)). There is at most one flow log for each such pair.
  - AWS cannot modify a flow log except for its tags. When O(traffic_type), O(max_aggregation_interval),
    O(log_format) or O(deliver_logs_permission_arn) differ from the existing flow log, the module deletes it
    and creates a new one (with a new ID). Records are not delivered between the two calls.
author:
  - kstore platform engineers (!UNKNOWN)
options:
  state:
    description:
      - Whether the flow log should exist.
    type: str
    choices: ['present', 'absent']
    default: present
  resource_id:
    description:
      - The ID of the VPC, subnet or network interface whose traffic is logged.
    type: str
    required: true
  resource_type:
    description:
      - The type of O(resource_id).
    type: str
    choices: ['VPC', 'Subnet', 'NetworkInterface']
    default: VPC
  traffic_type:
    description:
      - The traffic to log.
    type: str
    choices: ['ACCEPT', 'REJECT', 'ALL']
    default: ALL
  log_destination_type:
    description:
      - Where the flow log records are published.
    type: str
    choices: ['cloud-watch-logs', 's3']
    default: cloud-watch-logs
  log_group_name:
    description:
      - The name of the CloudWatch Logs log group to publish to.
      - Only with O(log_destination_type=cloud-watch-logs). Mutually exclusive with O(log_destination).
    type: str
  log_destination:
    description:
      - The ARN of the destination.
      - For O(log_destination_type=s3), the ARN of a bucket, optionally with a folder,
        for example V(arn:aws:s3:::my-bucket/flow-logs/). Required for O(log_destination_type=s3).
      - For O(log_destination_type=cloud-watch-logs), the ARN of a log group, as an alternative to
        O(log_group_name).
    type: str
  deliver_logs_permission_arn:
    description:
      - The ARN of the IAM role that the flow logs service assumes to publish to CloudWatch Logs.
      - Required when O(state=present) and O(log_destination_type=cloud-watch-logs).
      - Not allowed with O(log_destination_type=s3); AWS rejects it there.
    type: str
  max_aggregation_interval:
    description:
      - The maximum interval, in seconds, during which a flow of packets is captured into one record.
    type: int
    choices: [60, 600]
    default: 600
  log_format:
    description:
      - The fields to include in the records, and their order, for example
        V(${version} ${interface-id} ${srcaddr} ${dstaddr} ${action}).
      - When not set, a new flow log gets the AWS default format and the format of an existing one is left alone.
    type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
  - kstore.platform.attributes
  - kstore.platform.attributes.actiongroup_aws
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
notes:
  - The IAM actions used are C(ec2:DescribeFlowLogs), C(ec2:CreateFlowLogs), C(ec2:DeleteFlowLogs),
    C(ec2:CreateTags) and C(ec2:DeleteTags); creating a flow log to CloudWatch Logs also needs
    C(iam:PassRole) on O(deliver_logs_permission_arn).
"""

EXAMPLES = r"""
- name: Log all traffic of a VPC to CloudWatch Logs
  kstore.platform.ec2_vpc_flow_log:
    state: present
    resource_id: vpc-0123456789abcdef0
    log_group_name: shop-prod-flow-logs
    deliver_logs_permission_arn: arn:aws:iam::123456789012:role/shop-prod-flow-logs
    max_aggregation_interval: 60
    tags:
      Platform: shop
      Environment: prod

- name: Log rejected traffic of a subnet to an S3 bucket
  kstore.platform.ec2_vpc_flow_log:
    state: present
    resource_id: subnet-0123456789abcdef0
    resource_type: Subnet
    traffic_type: REJECT
    log_destination_type: s3
    log_destination: arn:aws:s3:::shop-prod-logs/flow-logs/

- name: Remove the flow log of a VPC to CloudWatch Logs
  kstore.platform.ec2_vpc_flow_log:
    state: absent
    resource_id: vpc-0123456789abcdef0
    log_group_name: shop-prod-flow-logs
"""

RETURN = r"""
flow_log:
  description:
    - The flow log.
    - In check mode, when the flow log would be created or replaced, the values it would have,
      without RV(flow_log.flow_log_id) and the fields only AWS sets.
  returned: when O(state=present)
  type: dict
  contains:
    flow_log_id:
      description: The ID of the flow log.
      returned: when the flow log exists
      type: str
      sample: fl-0123456789abcdef0
    resource_id:
      description: The ID of the VPC, subnet or network interface.
      returned: always
      type: str
      sample: vpc-0123456789abcdef0
    traffic_type:
      description: The traffic that is logged.
      returned: always
      type: str
      sample: ALL
    log_destination_type:
      description: The type of destination.
      returned: always
      type: str
      sample: cloud-watch-logs
    log_group_name:
      description: The name of the log group.
      returned: when the destination is a log group
      type: str
      sample: shop-prod-flow-logs
    log_destination:
      description: The ARN of the destination.
      returned: when known
      type: str
      sample: arn:aws:s3:::shop-prod-logs/flow-logs/
    deliver_logs_permission_arn:
      description: The ARN of the IAM role used to publish to CloudWatch Logs.
      returned: when the destination is a log group
      type: str
      sample: arn:aws:iam::123456789012:role/shop-prod-flow-logs
    max_aggregation_interval:
      description: The maximum aggregation interval, in seconds.
      returned: always
      type: int
      sample: 600
    log_format:
      description: The format of the records.
      returned: when known
      type: str
      sample: ${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${action} ${log-status}
    flow_log_status:
      description: The status of the flow log.
      returned: when the flow log exists
      type: str
      sample: ACTIVE
    deliver_logs_status:
      description: Whether AWS manages to publish the records (V(SUCCESS), V(FAILED) or V(RATE_LIMITED)).
      returned: when the flow log exists
      type: str
      sample: SUCCESS
    deliver_logs_error_message:
      description: Why publishing fails.
      returned: when publishing fails
      type: str
      sample: Access error
    creation_time:
      description: When the flow log was created.
      returned: when the flow log exists
      type: str
      sample: "2026-01-31T12:00:00+00:00"
    tags:
      description: The tags of the flow log.
      returned: always
      type: dict
      sample: {"Platform": "shop", "Environment": "prod"}
"""

import uuid
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
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.transformation import (
    ansible_dict_to_boto3_filter_list,
    boto3_resource_to_ansible_dict,
)
from ansible_collections.kstore.platform.plugins.module_utils.tagging import plan_tags

# What --diff shows: the settings of a flow log, not its bookkeeping (status, creation time).
DIFF_KEYS = (
    "flow_log_id",
    "resource_id",
    "traffic_type",
    "log_destination_type",
    "log_group_name",
    "log_destination",
    "deliver_logs_permission_arn",
    "max_aggregation_interval",
    "log_format",
    "tags",
)


def _log_group_from_arn(arn: str | None) -> str | None:
    """arn:aws:logs:eu-west-1:123456789012:log-group:NAME[:*] -> NAME"""
    if not arn or ":log-group:" not in arn:
        return None
    name = arn.split(":log-group:", 1)[1]
    return name.removesuffix(":*")


def _same_destination(flow_log: dict[str, Any], params: dict[str, Any]) -> bool:
    """Whether a described flow log (boto3 shape) publishes where the task asks."""
    if flow_log.get("LogDestinationType", "cloud-watch-logs") != params["log_destination_type"]:
        return False
    if params["log_destination_type"] == "cloud-watch-logs":
        # AWS reports a log group by name and by ARN; the task may give either.
        wanted = params["log_group_name"] or _log_group_from_arn(params["log_destination"])
        have = flow_log.get("LogGroupName") or _log_group_from_arn(flow_log.get("LogDestination"))
        return wanted == have
    return (flow_log.get("LogDestination") or "").rstrip("/") == params["log_destination"].rstrip("/")


def validate_params(module: AnsibleAWSModule) -> None:
    params = module.params
    if params["log_destination_type"] == "s3":
        if params["log_group_name"]:
            module.fail_json(
                msg="log_group_name applies to log_destination_type=cloud-watch-logs only; "
                "for s3 set log_destination to the bucket ARN"
            )
        if params["deliver_logs_permission_arn"]:
            module.fail_json(
                msg="deliver_logs_permission_arn is not applicable to log_destination_type=s3 "
                "(AWS rejects it); the bucket policy grants delivery instead"
            )
        return
    if params["log_destination"] and not _log_group_from_arn(params["log_destination"]):
        module.fail_json(
            msg=f"log_destination {params['log_destination']!r} is not a CloudWatch Logs log group "
            "ARN (arn:aws:logs:REGION:ACCOUNT:log-group:NAME); use log_group_name for a name"
        )
    if params["state"] == "present" and not params["deliver_logs_permission_arn"]:
        module.fail_json(
            msg="deliver_logs_permission_arn is required when log_destination_type=cloud-watch-logs: "
            "it is the IAM role the flow logs service assumes to publish to CloudWatch Logs"
        )


def find_flow_log(module: AnsibleAWSModule, client: Any) -> dict[str, Any] | None:
    params = module.params
    filters = ansible_dict_to_boto3_filter_list({"resource-id": params["resource_id"]})
    try:
        flow_logs = paginated_query_with_retries(client, "describe_flow_logs", Filters=filters)["FlowLogs"]
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to describe the flow logs of {params['resource_id']}")
    matches = [flow_log for flow_log in flow_logs if _same_destination(flow_log, params)]
    if len(matches) > 1:
        ids = ", ".join(flow_log["FlowLogId"] for flow_log in matches)
        module.fail_json(
            msg=f"{params['resource_id']} has {len(matches)} flow logs to the same destination "
            f"({ids}); delete all but one"
        )
    return boto3_resource_to_ansible_dict(matches[0]) if matches else None


def describe_flow_log(module: AnsibleAWSModule, client: Any, flow_log_id: str) -> dict[str, Any] | None:
    try:
        flow_logs = client.describe_flow_logs(aws_retry=True, FlowLogIds=[flow_log_id])["FlowLogs"]
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to describe flow log {flow_log_id}")
    return boto3_resource_to_ansible_dict(flow_logs[0]) if flow_logs else None


def desired_settings(params: dict[str, Any]) -> dict[str, Any]:
    """The settings the task asks for, in the shape of RV(flow_log); unset options are left out."""
    settings = {
        "resource_id": params["resource_id"],
        "traffic_type": params["traffic_type"],
        "log_destination_type": params["log_destination_type"],
        "max_aggregation_interval": params["max_aggregation_interval"],
    }
    for option in ("log_group_name", "log_destination", "deliver_logs_permission_arn", "log_format"):
        if params[option] is not None:
            settings[option] = params[option]
    return settings


def settings_to_replace(existing: dict[str, Any], params: dict[str, Any]) -> list[str]:
    """The options whose value differs from the existing flow log; AWS can only change them by replacing it."""
    differing = [
        option for option in ("traffic_type", "max_aggregation_interval") if existing.get(option) != params[option]
    ]
    for option in ("log_format", "deliver_logs_permission_arn"):
        if params[option] is not None and existing.get(option) != params[option]:
            differing.append(option)
    return differing


def create_flow_log(module: AnsibleAWSModule, client: Any, tags: dict[str, str]) -> dict[str, Any]:
    params = module.params
    request = {
        "ResourceIds": [params["resource_id"]],
        "ResourceType": params["resource_type"],
        "TrafficType": params["traffic_type"],
        "LogDestinationType": params["log_destination_type"],
        "MaxAggregationInterval": params["max_aggregation_interval"],
        # The same token on every retry: AWS creates the flow log once even if an answer is lost.
        "ClientToken": str(uuid.uuid4()),
    }
    for option, key in (
        ("log_group_name", "LogGroupName"),
        ("log_destination", "LogDestination"),
        ("deliver_logs_permission_arn", "DeliverLogsPermissionArn"),
        ("log_format", "LogFormat"),
    ):
        if params[option] is not None:
            request[key] = params[option]
    if tags:
        request["TagSpecifications"] = [{"ResourceType": "vpc-flow-log", "Tags": ansible_dict_to_boto3_tag_list(tags)}]
    try:
        response = client.create_flow_logs(aws_retry=True, **request)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to create a flow log for {params['resource_id']}")
    if response.get("Unsuccessful") or not response.get("FlowLogIds"):
        errors = "; ".join(item["Error"]["Message"] for item in response.get("Unsuccessful", []))
        module.fail_json(
            msg=f"Failed to create a flow log for {params['resource_id']}: {errors}",
            unsuccessful=response.get("Unsuccessful", []),
        )
    flow_log_id = response["FlowLogIds"][0]
    # Should AWS not list it yet, report what was asked for.
    return describe_flow_log(module, client, flow_log_id) or dict(
        desired_settings(params), flow_log_id=flow_log_id, tags=tags
    )


def delete_flow_log(module: AnsibleAWSModule, client: Any, flow_log_id: str) -> None:
    try:
        response = client.delete_flow_logs(aws_retry=True, FlowLogIds=[flow_log_id])
    except is_boto3_error_code("InvalidFlowLogId.NotFound"):
        return  # Already gone.
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Failed to delete flow log {flow_log_id}")
    # DeleteFlowLogs reports per-ID failures in its answer rather than as an error.
    failures = [
        item for item in response.get("Unsuccessful", []) if item["Error"]["Code"] != "InvalidFlowLogId.NotFound"
    ]
    if failures:
        module.fail_json(
            msg=f"Failed to delete flow log {flow_log_id}: {failures[0]['Error']['Message']}", unsuccessful=failures
        )


def update_tags(
    module: AnsibleAWSModule, client: Any, flow_log_id: str, to_set: dict[str, str], to_unset: list[str]
) -> None:
    try:
        if to_unset:
            client.delete_tags(aws_retry=True, Resources=[flow_log_id], Tags=[{"Key": key} for key in to_unset])
        if to_set:
            client.create_tags(aws_retry=True, Resources=[flow_log_id], Tags=ansible_dict_to_boto3_tag_list(to_set))
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to update the tags of flow log {flow_log_id}")


def ensure_present(module: AnsibleAWSModule, client: Any, existing: dict[str, Any] | None) -> dict[str, Any]:
    params = module.params
    if existing is None:
        tags = plan_tags({}, params["tags"], params["purge_tags"])[2]
        if module.check_mode:
            return {"changed": True, "flow_log": dict(desired_settings(params), tags=tags)}
        return {"changed": True, "flow_log": create_flow_log(module, client, tags)}

    to_set, to_unset, tags = plan_tags(existing.get("tags", {}), params["tags"], params["purge_tags"])
    if settings_to_replace(existing, params):
        if module.check_mode:
            kept = {key: value for key, value in existing.items() if key in DIFF_KEYS and key != "flow_log_id"}
            return {"changed": True, "flow_log": dict(kept, **desired_settings(params), tags=tags)}
        delete_flow_log(module, client, existing["flow_log_id"])
        return {"changed": True, "flow_log": create_flow_log(module, client, tags)}

    if not (to_set or to_unset):
        return {"changed": False, "flow_log": existing}
    if module.check_mode:
        return {"changed": True, "flow_log": dict(existing, tags=tags)}
    update_tags(module, client, existing["flow_log_id"], to_set, to_unset)
    return {"changed": True, "flow_log": describe_flow_log(module, client, existing["flow_log_id"]) or existing}


def ensure_absent(module: AnsibleAWSModule, client: Any, existing: dict[str, Any] | None) -> dict[str, Any]:
    if existing is None:
        return {"changed": False}
    if not module.check_mode:
        delete_flow_log(module, client, existing["flow_log_id"])
    return {"changed": True}


def _diff_view(flow_log: dict[str, Any] | None) -> dict[str, Any]:
    return {key: value for key, value in (flow_log or {}).items() if key in DIFF_KEYS and value is not None}


def main() -> None:
    argument_spec = {
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "resource_id": {"type": "str", "required": True},
        "resource_type": {"type": "str", "default": "VPC", "choices": ["VPC", "Subnet", "NetworkInterface"]},
        "traffic_type": {"type": "str", "default": "ALL", "choices": ["ACCEPT", "REJECT", "ALL"]},
        "log_destination_type": {"type": "str", "default": "cloud-watch-logs", "choices": ["cloud-watch-logs", "s3"]},
        "log_group_name": {"type": "str"},
        "log_destination": {"type": "str"},
        "deliver_logs_permission_arn": {"type": "str"},
        "max_aggregation_interval": {"type": "int", "default": 600, "choices": [60, 600]},
        "log_format": {"type": "str"},
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
    }
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[("log_group_name", "log_destination")],
        required_one_of=[("log_group_name", "log_destination")],
        required_if=[("log_destination_type", "s3", ["log_destination"])],
    )
    validate_params(module)
    client = module.client("ec2", retry_decorator=AWSRetry.jittered_backoff())

    existing = find_flow_log(module, client)
    if module.params["state"] == "present":
        result = ensure_present(module, client, existing)
    else:
        result = ensure_absent(module, client, existing)
    if module._diff:  # pylint: disable=protected-access
        result["diff"] = {"before": _diff_view(existing), "after": _diff_view(result.get("flow_log"))}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
