# Copyright: Contributors to the kstore.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: autoscaling_group_scale_in_protection
version_added: 0.1.0
short_description: Manage the scale-in protection of an Auto Scaling group's instances
description:
  - Sets whether an existing Auto Scaling group protects the instances it launches from scale-in
    (C(NewInstancesProtectedFromScaleIn)), which M(amazon.aws.autoscaling_group) does not expose.
  - An ECS capacity provider with managed termination protection requires this setting on its group.
  - With O(existing_instances=match) the scale-in protection of the group's C(InService) instances is also set to
    O(new_instances_protected) (the group setting only applies to instances launched afterwards).
  - This is a setting of the group, not a resource, so the module has no C(state) option.
author:
  - kstore platform engineers (!UNKNOWN)
options:
  name:
    description:
      - The name of the Auto Scaling group. The group must exist.
    type: str
    required: true
    aliases: ['auto_scaling_group_name']
  new_instances_protected:
    description:
      - Whether the group protects the instances it launches from scale-in.
    type: bool
    required: true
  existing_instances:
    description:
      - What to do with the instances already in the group.
      - V(leave) changes none of them.
      - V(match) sets the scale-in protection of every C(InService) instance whose protection differs to
        O(new_instances_protected) (C(SetInstanceProtection), in batches of 50 instances).
      - With an ECS capacity provider's managed termination protection, ECS itself protects and unprotects
        instances afterwards; use V(match) when the group setting changes, V(leave) otherwise.
    type: str
    choices: ['leave', 'match']
    default: leave
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
  - The IAM actions used are C(autoscaling:DescribeAutoScalingGroups), C(autoscaling:UpdateAutoScalingGroup) and,
    with O(existing_instances=match), C(autoscaling:SetInstanceProtection).
  - A protected instance is not terminated when the group scales in, also not when its capacity is set to 0. Delete
    such a group with C(ForceDelete), or turn the protection off (with O(existing_instances=match)) first.
"""

EXAMPLES = r"""
- name: Protect the group's new and running instances from scale-in (ECS managed termination protection)
  kstore.platform.autoscaling_group_scale_in_protection:
    name: shop-prod-ecs
    new_instances_protected: true
    existing_instances: match

- name: Stop protecting new instances, leave the running ones as they are
  kstore.platform.autoscaling_group_scale_in_protection:
    name: shop-prod-ecs
    new_instances_protected: false
"""

RETURN = r"""
auto_scaling_group_name:
  description: The name of the group.
  returned: always
  type: str
  sample: shop-prod-ecs
auto_scaling_group_arn:
  description: The ARN of the group.
  returned: always
  type: str
  sample: >-
    arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:6f2b3c1e-8a41-4b57-9a0e-2d6f0c1b2a33:autoScalingGroupName/shop-prod-ecs
new_instances_protected:
  description: Whether the group protects new instances from scale-in after the task (in check mode, would).
  returned: always
  type: bool
  sample: true
changed_instance_ids:
  description:
    - The C(InService) instances whose scale-in protection the task set (in check mode, would set) to
      O(new_instances_protected). Always empty with O(existing_instances=leave).
  returned: always
  type: list
  elements: str
  sample: ["i-0123456789abcdef0"]
"""

from typing import Any

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

# SetInstanceProtection takes at most 50 instance IDs per call.
BATCH_SIZE = 50


def describe_group(module: AnsibleAWSModule, client: Any, name: str) -> dict[str, Any]:
    """The group as DescribeAutoScalingGroups returns it; fails when it does not exist."""
    try:
        groups = client.describe_auto_scaling_groups(aws_retry=True, AutoScalingGroupNames=[name])["AutoScalingGroups"]
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to describe Auto Scaling group {name}")
    if not groups:
        module.fail_json(
            msg=f"Auto Scaling group {name} does not exist: create it first (amazon.aws.autoscaling_group)"
        )
    return groups[0]


def set_group_protection(module: AnsibleAWSModule, client: Any, name: str, protected: bool) -> None:
    try:
        client.update_auto_scaling_group(
            aws_retry=True, AutoScalingGroupName=name, NewInstancesProtectedFromScaleIn=protected
        )
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to set NewInstancesProtectedFromScaleIn={protected} on group {name}")


def set_instance_protection(
    module: AnsibleAWSModule, client: Any, name: str, instance_ids: list[str], protected: bool
) -> None:
    for start in range(0, len(instance_ids), BATCH_SIZE):
        batch = instance_ids[start : start + BATCH_SIZE]
        try:
            client.set_instance_protection(
                aws_retry=True, AutoScalingGroupName=name, InstanceIds=batch, ProtectedFromScaleIn=protected
            )
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
            module.fail_json_aws(
                e, msg=f"Failed to set the scale-in protection of {', '.join(batch)} in group {name} to {protected}"
            )


def main() -> None:
    argument_spec = {
        "name": {"type": "str", "required": True, "aliases": ["auto_scaling_group_name"]},
        "new_instances_protected": {"type": "bool", "required": True},
        "existing_instances": {"type": "str", "default": "leave", "choices": ["leave", "match"]},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    name = params["name"].strip()
    if not name:
        module.fail_json(msg="name must be the name of an Auto Scaling group, got an empty string")
    wanted = params["new_instances_protected"]

    # ResourceContention / ScalingActivityInProgress: the group is being changed by another call, retry.
    client = module.client(
        "autoscaling",
        retry_decorator=AWSRetry.jittered_backoff(
            catch_extra_error_codes=["Throttling", "ResourceContention", "ScalingActivityInProgress"]
        ),
    )
    group = describe_group(module, client, name)
    before_group = bool(group.get("NewInstancesProtectedFromScaleIn", False))
    in_service = {
        instance["InstanceId"]: bool(instance.get("ProtectedFromScaleIn", False))
        for instance in group.get("Instances", [])
        if instance.get("LifecycleState") == "InService"
    }
    to_change: list[str] = []
    if params["existing_instances"] == "match":
        to_change = sorted(instance_id for instance_id, protected in in_service.items() if protected != wanted)

    changed = before_group != wanted or bool(to_change)
    if not module.check_mode:
        if before_group != wanted:
            set_group_protection(module, client, name, wanted)
        if to_change:
            set_instance_protection(module, client, name, to_change, wanted)

    result: dict[str, Any] = {
        "changed": changed,
        "auto_scaling_group_name": name,
        "auto_scaling_group_arn": group.get("AutoScalingGroupARN", ""),
        "new_instances_protected": wanted,
        "changed_instance_ids": to_change,
    }
    if module._diff:  # pylint: disable=protected-access
        after_instances = dict(in_service, **{instance_id: wanted for instance_id in to_change})
        result["diff"] = {
            "before": {"new_instances_protected": before_group, "instances_protected": in_service},
            "after": {"new_instances_protected": wanted, "instances_protected": after_instances},
        }
    module.exit_json(**result)


if __name__ == "__main__":
    main()
