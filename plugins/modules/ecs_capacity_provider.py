# Copyright: Contributors to the kstore.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ecs_capacity_provider
version_added: 0.1.0
short_description: Manage ECS capacity providers backed by an Auto Scaling group
description:
  - Creates, updates and deletes an Amazon ECS capacity provider that scales an EC2 Auto Scaling group
    (managed scaling, managed termination protection, managed draining), and its tags.
  - A capacity provider is identified by its O(name).
  - The Auto Scaling group of an existing capacity provider cannot be changed (AWS has no API for it), so the module
    fails when O(auto_scaling_group) names another group. Delete the capacity provider and create it again.
  - Only the settings the task sets are compared; the others are left as they are.
author:
  - kstore platform engineers (!UNKNOWN)
options:
  state:
    description:
      - Whether the capacity provider should exist.
      - AWS refuses to delete a capacity provider that a cluster still lists; remove it from the cluster first
        (C(community.aws.ecs_cluster) with O(state=present) and other C(capacity_providers)). The module then fails
        with an explanation.
    type: str
    choices: ['present', 'absent']
    default: present
  name:
    description:
      - The name of the capacity provider. It cannot start with C(aws), C(ecs) or C(fargate).
    type: str
    required: true
  auto_scaling_group:
    description:
      - The name or the ARN of the Auto Scaling group.
      - Required to create the capacity provider. For an existing one, it is only checked.
    type: str
    aliases: ['auto_scaling_group_arn', 'auto_scaling_group_name']
  managed_scaling:
    description:
      - Managed scaling, by which ECS sets the desired capacity of the group so that it runs at
        O(managed_scaling.target_capacity) percent of what the tasks need.
      - Sub-options that are not set keep their current value (AWS defaults for a new provider).
    type: dict
    suboptions:
      status:
        description: Whether managed scaling is on.
        type: str
        choices: ['ENABLED', 'DISABLED']
      target_capacity:
        description: The target utilisation of the group, in percent (1-100).
        type: int
      minimum_scaling_step_size:
        description: The least number of instances added or removed at once (1-10000).
        type: int
      maximum_scaling_step_size:
        description: The most instances added or removed at once (1-10000).
        type: int
      instance_warmup_period:
        description: Seconds a new instance is given before its metrics count (0-10000).
        type: int
  managed_termination_protection:
    description:
      - Whether ECS keeps the group from terminating instances that run tasks.
      - V(ENABLED) needs managed scaling on and the group's new instances protected from scale-in; AWS refuses it
        otherwise.
    type: str
    choices: ['ENABLED', 'DISABLED']
  managed_draining:
    description:
      - Whether ECS drains the tasks of an instance before the group terminates it.
    type: str
    choices: ['ENABLED', 'DISABLED']
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
  - The IAM actions used are C(ecs:DescribeCapacityProviders), C(ecs:CreateCapacityProvider),
    C(ecs:UpdateCapacityProvider), C(ecs:DeleteCapacityProvider), C(ecs:TagResource) and C(ecs:UntagResource);
    C(autoscaling:DescribeAutoScalingGroups) when O(auto_scaling_group) is a name and the provider is created.
  - Creating the provider with managed scaling or termination protection makes ECS use its service-linked role
    (C(AWSServiceRoleForECS)), which must exist or be creatable (C(iam:CreateServiceLinkedRole)).
"""

EXAMPLES = r"""
- name: Capacity provider with managed scaling and termination protection
  kstore.platform.ecs_capacity_provider:
    state: present
    name: shop-prod-ecs
    auto_scaling_group: shop-prod-ecs
    managed_scaling:
      status: ENABLED
      target_capacity: 100
      minimum_scaling_step_size: 1
      maximum_scaling_step_size: 2
      instance_warmup_period: 180
    managed_termination_protection: ENABLED
    managed_draining: ENABLED
    tags:
      Platform: shop
      Environment: prod

- name: Remove the capacity provider (after removing it from its cluster)
  kstore.platform.ecs_capacity_provider:
    state: absent
    name: shop-prod-ecs
"""

RETURN = r"""
capacity_provider:
  description:
    - The capacity provider.
    - In check mode, when it would be created, the values it would have, without
      RV(capacity_provider.capacity_provider_arn).
  returned: when O(state=present)
  type: dict
  contains:
    capacity_provider_arn:
      description: The ARN of the capacity provider.
      returned: when it exists
      type: str
      sample: arn:aws:ecs:eu-west-1:123456789012:capacity-provider/shop-prod-ecs
    name:
      description: The name.
      returned: always
      type: str
      sample: shop-prod-ecs
    status:
      description: V(ACTIVE) or V(INACTIVE).
      returned: when it exists
      type: str
      sample: ACTIVE
    auto_scaling_group_provider:
      description: The group and its managed scaling, termination protection and draining settings.
      returned: always
      type: dict
      sample:
        auto_scaling_group_arn: "arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:0f:autoScalingGroupName/s"
        managed_scaling:
          status: ENABLED
          target_capacity: 100
          minimum_scaling_step_size: 1
          maximum_scaling_step_size: 10000
          instance_warmup_period: 300
        managed_termination_protection: ENABLED
        managed_draining: ENABLED
    update_status:
      description: The status of the last update.
      returned: after an update
      type: str
      sample: UPDATE_COMPLETE
    tags:
      description: The tags of the capacity provider.
      returned: always
      type: dict
      sample: {"Platform": "shop", "Environment": "prod"}
"""

from typing import Any

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.kstore.platform.plugins.module_utils.tagging import plan_tags

SCALING_KEYS = {
    "status": "status",
    "target_capacity": "targetCapacity",
    "minimum_scaling_step_size": "minimumScalingStepSize",
    "maximum_scaling_step_size": "maximumScalingStepSize",
    "instance_warmup_period": "instanceWarmupPeriod",
}
SCALING_RANGES = {
    "target_capacity": (1, 100),
    "minimum_scaling_step_size": (1, 10000),
    "maximum_scaling_step_size": (1, 10000),
    "instance_warmup_period": (0, 10000),
}
try:
    BOTO_ERRORS: tuple[type[Exception], ...] = (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError)
except NameError:
    BOTO_ERRORS = ()


def _tags_to_dict(tags: list[dict[str, str]] | None) -> dict[str, str]:
    return {tag["key"]: tag["value"] for tag in tags or []}


def _to_ansible(provider: dict[str, Any]) -> dict[str, Any]:
    tags = _tags_to_dict(provider.get("tags"))
    result = camel_dict_to_snake_dict({key: value for key, value in provider.items() if key != "tags"})
    result["tags"] = tags
    return result


def _group_name(asg: str) -> str:
    """The group name of an ASG name or ARN (…:autoScalingGroupName/NAME)."""
    return asg.split(":autoScalingGroupName/", 1)[1] if ":autoScalingGroupName/" in asg else asg


def validate_params(module: AnsibleAWSModule) -> None:
    params = module.params
    if params["name"].lower().startswith(("aws", "ecs", "fargate")):
        module.fail_json(msg=f"name {params['name']!r} cannot start with 'aws', 'ecs' or 'fargate' (AWS reserves them)")
    for key, (low, high) in SCALING_RANGES.items():
        value = (params["managed_scaling"] or {}).get(key)
        if value is not None and not low <= value <= high:
            module.fail_json(msg=f"managed_scaling.{key} must be {low}-{high}, got {value}")
    scaling = params["managed_scaling"] or {}
    low, high = scaling.get("minimum_scaling_step_size"), scaling.get("maximum_scaling_step_size")
    if low is not None and high is not None and low > high:
        module.fail_json(
            msg=f"managed_scaling.minimum_scaling_step_size ({low}) is above maximum_scaling_step_size ({high})"
        )


def describe(module: AnsibleAWSModule, client: Any, name: str) -> dict[str, Any] | None:
    try:
        providers = client.describe_capacity_providers(aws_retry=True, capacityProviders=[name], include=["TAGS"])
    except BOTO_ERRORS as e:
        module.fail_json_aws(e, msg=f"Failed to describe capacity provider {name}")
    for provider in providers.get("capacityProviders", []):
        # A deleted provider stays listed as INACTIVE for a while: it no longer exists for us.
        if provider["name"] == name and provider.get("status") != "INACTIVE":
            return provider
    return None


def resolve_group_arn(module: AnsibleAWSModule, group: str) -> str:
    if group.startswith("arn:"):
        return group
    client = module.client("autoscaling", retry_decorator=AWSRetry.jittered_backoff())
    try:
        groups = client.describe_auto_scaling_groups(aws_retry=True, AutoScalingGroupNames=[group])
    except BOTO_ERRORS as e:
        module.fail_json_aws(e, msg=f"Failed to describe Auto Scaling group {group}")
    if not groups["AutoScalingGroups"]:
        module.fail_json(msg=f"Auto Scaling group {group} not found: create it before its capacity provider")
    return groups["AutoScalingGroups"][0]["AutoScalingGroupARN"]


def desired_asg_provider(params: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """The autoScalingGroupProvider (boto3 shape) after the task: the current one with the options set."""
    wanted = dict(current)
    scaling = dict(current.get("managedScaling", {}))
    for option, key in SCALING_KEYS.items():
        value = (params["managed_scaling"] or {}).get(option)
        if value is not None:
            scaling[key] = value
    if scaling:
        wanted["managedScaling"] = scaling
    if params["managed_termination_protection"] is not None:
        wanted["managedTerminationProtection"] = params["managed_termination_protection"]
    if params["managed_draining"] is not None:
        wanted["managedDraining"] = params["managed_draining"]
    return wanted


def create(module: AnsibleAWSModule, client: Any, tags: dict[str, str]) -> dict[str, Any]:
    params = module.params
    if not params["auto_scaling_group"]:
        module.fail_json(msg=f"auto_scaling_group is required to create capacity provider {params['name']}")
    asg_provider = desired_asg_provider(params, {})
    asg_provider["autoScalingGroupArn"] = resolve_group_arn(module, params["auto_scaling_group"])
    request: dict[str, Any] = {"name": params["name"], "autoScalingGroupProvider": asg_provider}
    if tags:
        request["tags"] = [{"key": key, "value": value} for key, value in tags.items()]
    try:
        return client.create_capacity_provider(aws_retry=True, **request)["capacityProvider"]
    except BOTO_ERRORS as e:
        module.fail_json_aws(e, msg=f"Failed to create capacity provider {params['name']}")


def update_tags(module: AnsibleAWSModule, client: Any, arn: str, to_set: dict[str, str], to_unset: list[str]) -> None:
    try:
        if to_unset:
            client.untag_resource(aws_retry=True, resourceArn=arn, tagKeys=to_unset)
        if to_set:
            client.tag_resource(
                aws_retry=True, resourceArn=arn, tags=[{"key": key, "value": value} for key, value in to_set.items()]
            )
    except BOTO_ERRORS as e:
        module.fail_json_aws(e, msg=f"Failed to update the tags of capacity provider {arn}")


def ensure_present(module: AnsibleAWSModule, client: Any, existing: dict[str, Any] | None) -> dict[str, Any]:
    params = module.params
    if existing is None:
        tags = plan_tags({}, params["tags"], params["purge_tags"])[2]
        if module.check_mode:
            if not params["auto_scaling_group"]:
                module.fail_json(msg=f"auto_scaling_group is required to create capacity provider {params['name']}")
            planned = dict(desired_asg_provider(params, {}), autoScalingGroupArn=params["auto_scaling_group"])
            return {
                "changed": True,
                "capacity_provider": dict(
                    _to_ansible({"name": params["name"], "autoScalingGroupProvider": planned}), tags=tags
                ),
            }
        created = create(module, client, tags)
        return {"changed": True, "capacity_provider": _to_ansible(describe(module, client, params["name"]) or created)}

    current = existing["autoScalingGroupProvider"]
    asg = params["auto_scaling_group"]
    if asg and _group_name(asg) != _group_name(current["autoScalingGroupArn"]):
        module.fail_json(
            msg=f"capacity provider {params['name']} uses Auto Scaling group "
            f"{_group_name(current['autoScalingGroupArn'])}, not {_group_name(asg)}: AWS cannot change the group of a "
            "capacity provider; delete it (state=absent, after removing it from its cluster) and create it again"
        )
    wanted = desired_asg_provider(params, current)
    to_set, to_unset, tags = plan_tags(_tags_to_dict(existing.get("tags")), params["tags"], params["purge_tags"])
    settings_changed = wanted != current
    if not (settings_changed or to_set or to_unset):
        return {"changed": False, "capacity_provider": _to_ansible(existing)}
    if module.check_mode:
        return {
            "changed": True,
            "capacity_provider": dict(_to_ansible(dict(existing, autoScalingGroupProvider=wanted)), tags=tags),
        }
    if settings_changed:
        update = {key: value for key, value in wanted.items() if key != "autoScalingGroupArn"}
        try:
            client.update_capacity_provider(aws_retry=True, name=params["name"], autoScalingGroupProvider=update)
        except BOTO_ERRORS as e:
            module.fail_json_aws(e, msg=f"Failed to update capacity provider {params['name']}")
    update_tags(module, client, existing["capacityProviderArn"], to_set, to_unset)
    return {"changed": True, "capacity_provider": _to_ansible(describe(module, client, params["name"]) or existing)}


def ensure_absent(module: AnsibleAWSModule, client: Any, existing: dict[str, Any] | None) -> dict[str, Any]:
    if existing is None:
        return {"changed": False}
    if not module.check_mode:
        try:
            client.delete_capacity_provider(aws_retry=True, capacityProvider=existing["name"])
        except botocore.exceptions.ClientError as e:
            message = e.response.get("Error", {}).get("Message", "")
            if "in use" in message or "associated" in message:
                module.fail_json_aws(
                    e,
                    msg=f"capacity provider {existing['name']} is still used by a cluster: remove it from the "
                    "cluster's capacity providers and default strategy first (PutClusterCapacityProviders, e.g. "
                    "community.aws.ecs_cluster with capacity_providers: []), and stop the services that use it",
                )
            module.fail_json_aws(e, msg=f"Failed to delete capacity provider {existing['name']}")
        except botocore.exceptions.BotoCoreError as e:
            module.fail_json_aws(e, msg=f"Failed to delete capacity provider {existing['name']}")
    return {"changed": True}


DIFF_DROP = ("update_status", "update_status_reason", "status")


def _diff_view(provider: dict[str, Any] | None) -> dict[str, Any]:
    return {key: value for key, value in (provider or {}).items() if key not in DIFF_DROP}


def main() -> None:
    scaling_options = {
        "status": {"type": "str", "choices": ["ENABLED", "DISABLED"]},
        "target_capacity": {"type": "int"},
        "minimum_scaling_step_size": {"type": "int"},
        "maximum_scaling_step_size": {"type": "int"},
        "instance_warmup_period": {"type": "int"},
    }
    argument_spec = {
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "name": {"type": "str", "required": True},
        "auto_scaling_group": {"type": "str", "aliases": ["auto_scaling_group_arn", "auto_scaling_group_name"]},
        "managed_scaling": {"type": "dict", "options": scaling_options},
        "managed_termination_protection": {"type": "str", "choices": ["ENABLED", "DISABLED"]},
        "managed_draining": {"type": "str", "choices": ["ENABLED", "DISABLED"]},
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate_params(module)
    client = module.client(
        "ecs", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=["ThrottlingException"])
    )

    raw = describe(module, client, module.params["name"])
    existing = _to_ansible(raw) if raw else None
    if module.params["state"] == "present":
        result = ensure_present(module, client, raw)
    else:
        result = ensure_absent(module, client, raw)
    if module._diff:  # pylint: disable=protected-access
        result["diff"] = {"before": _diff_view(existing), "after": _diff_view(result.get("capacity_provider"))}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
