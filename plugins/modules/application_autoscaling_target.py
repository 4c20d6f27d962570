# Copyright: Contributors to the kstore.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: application_autoscaling_target
version_added: 0.1.0
short_description: Register, update and deregister an Application Auto Scaling scalable target
description:
  - Registers a scalable target (a resource, such as an ECS service, whose capacity Application Auto Scaling
    adjusts between a minimum and a maximum), updates its capacities and suspended state, or deregisters it.
  - M(community.aws.application_autoscaling_policy) registers a target implicitly with its first policy and never
    deregisters it; this module makes the target an explicit resource, so that it can be removed.
  - A scalable target is identified by O(service_namespace), O(resource_id) and O(scalable_dimension).
  - With O(state=present), C(RegisterScalableTarget) is called only when the target is missing or one of the options
    the task sets differs from it; options the task does not set are left as they are.
  - With O(state=absent), C(DeregisterScalableTarget) removes the target; AWS deletes its scaling policies and
    scheduled actions with it.
  - Application Auto Scaling scalable targets can be tagged on AWS, but the emulator this collection is tested
    against (moto 5.2.5) has no C(TagResource) for them, so this module does not manage tags.
author:
  - kstore platform engineers (!UNKNOWN)
options:
  state:
    description:
      - Whether the scalable target should be registered.
    type: str
    choices: ['present', 'absent']
    default: present
  service_namespace:
    description:
      - The AWS service that owns the resource; V(ecs) for an ECS service.
    type: str
    required: true
    choices:
      - appstream
      - cassandra
      - comprehend
      - custom-resource
      - dynamodb
      - ec2
      - ecs
      - elasticache
      - elasticmapreduce
      - kafka
      - lambda
      - neptune
      - rds
      - sagemaker
      - workspaces
  resource_id:
    description:
      - The identifier of the resource, in the form AWS defines for O(service_namespace); for an ECS service
        V(service/<cluster name>/<service name>).
    type: str
    required: true
  scalable_dimension:
    description:
      - The capacity that is scaled, for example V(ecs:service:DesiredCount) for the task count of an ECS service,
        V(dynamodb:table:ReadCapacityUnits) or V(rds:cluster:ReadReplicaCount).
      - Its prefix must be O(service_namespace) (AWS lists the dimensions in the API reference of
        C(RegisterScalableTarget)).
    type: str
    required: true
  min_capacity:
    description:
      - The lowest capacity Application Auto Scaling scales in to (for ECS, the minimum number of tasks).
      - Required, with O(max_capacity), to register a new target; when not set, an existing target's is kept.
    type: int
  max_capacity:
    description:
      - The highest capacity Application Auto Scaling scales out to (for ECS, the maximum number of tasks).
      - Required, with O(min_capacity), to register a new target; when not set, an existing target's is kept.
    type: int
  suspended_state:
    description:
      - Suspends or resumes scaling activities; a sub-option that is not set is left as it is (a new target has
        all three off).
    type: dict
    suboptions:
      dynamic_scaling_in_suspended:
        description: Whether scale-in by target tracking and step scaling policies is suspended.
        type: bool
      dynamic_scaling_out_suspended:
        description: Whether scale-out by target tracking and step scaling policies is suspended.
        type: bool
      scheduled_scaling_suspended:
        description: Whether scheduled actions are suspended.
        type: bool
  role_arn:
    description:
      - The IAM role that allows Application Auto Scaling to modify the resource.
      - Not needed for the namespaces that have a service-linked role (ECS among them); AWS then uses the
        service-linked role and reports its ARN.
      - When not set, an existing target's role is kept.
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
  - The IAM actions used are C(application-autoscaling:DescribeScalableTargets),
    C(application-autoscaling:RegisterScalableTarget) and C(application-autoscaling:DeregisterScalableTarget);
    registering an ECS service's target also needs C(ecs:DescribeServices) and C(ecs:UpdateService), and
    C(iam:CreateServiceLinkedRole) the first time the account uses the service-linked role.
  - AWS accepts only O(min_capacity) <= O(max_capacity); the module checks this before any call, and again against
    the existing target's values when only one of them is set.
"""

EXAMPLES = r"""
- name: Let Application Auto Scaling run 2 to 6 tasks of an ECS service
  kstore.platform.application_autoscaling_target:
    service_namespace: ecs
    resource_id: service/shop-prod-cluster/shop-prod-shop
    scalable_dimension: ecs:service:DesiredCount
    min_capacity: 2
    max_capacity: 6
    state: present

- name: Suspend scale-in during a maintenance window, capacities unchanged
  kstore.platform.application_autoscaling_target:
    service_namespace: ecs
    resource_id: service/shop-prod-cluster/shop-prod-shop
    scalable_dimension: ecs:service:DesiredCount
    suspended_state:
      dynamic_scaling_in_suspended: true

- name: Deregister the target (its scaling policies and scheduled actions go with it)
  kstore.platform.application_autoscaling_target:
    service_namespace: ecs
    resource_id: service/shop-prod-cluster/shop-prod-shop
    scalable_dimension: ecs:service:DesiredCount
    state: absent
"""

RETURN = r"""
scalable_target:
  description:
    - The scalable target as C(DescribeScalableTargets) reports it, in snake_case.
    - In check mode, the values it would have; a target that would be registered has no
      RV(scalable_target.scalable_target_arn) nor RV(scalable_target.creation_time) yet.
  returned: when O(state=present)
  type: dict
  contains:
    service_namespace:
      description: The AWS service that owns the resource.
      returned: always
      type: str
      sample: ecs
    resource_id:
      description: The identifier of the resource.
      returned: always
      type: str
      sample: service/shop-prod-cluster/shop-prod-shop
    scalable_dimension:
      description: The capacity that is scaled.
      returned: always
      type: str
      sample: ecs:service:DesiredCount
    min_capacity:
      description: The minimum capacity.
      returned: always
      type: int
      sample: 2
    max_capacity:
      description: The maximum capacity.
      returned: always
      type: int
      sample: 6
    role_arn:
      description: The IAM role Application Auto Scaling uses to modify the resource.
      returned: when known
      type: str
      sample: >-
        arn:aws:iam::123456789012:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService
    suspended_state:
      description: Which scaling activities are suspended.
      returned: always
      type: dict
      contains:
        dynamic_scaling_in_suspended:
          description: Whether dynamic scale-in is suspended.
          returned: always
          type: bool
          sample: false
        dynamic_scaling_out_suspended:
          description: Whether dynamic scale-out is suspended.
          returned: always
          type: bool
          sample: false
        scheduled_scaling_suspended:
          description: Whether scheduled actions are suspended.
          returned: always
          type: bool
          sample: false
    scalable_target_arn:
      description: The ARN of the scalable target.
      returned: when the target is registered
      type: str
      sample: arn:aws:application-autoscaling:eu-west-1:123456789012:scalable-target/0123456789abcdef0123456789abcdef
    creation_time:
      description: When the target was registered.
      returned: when the target is registered
      type: str
      sample: "2026-01-31T12:00:00+00:00"
"""

from typing import Any

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.transformation import boto3_resource_to_ansible_dict

SERVICE_NAMESPACES = [
    "appstream",
    "cassandra",
    "comprehend",
    "custom-resource",
    "dynamodb",
    "ec2",
    "ecs",
    "elasticache",
    "elasticmapreduce",
    "kafka",
    "lambda",
    "neptune",
    "rds",
    "sagemaker",
    "workspaces",
]
SUSPENDED_KEYS = {
    "dynamic_scaling_in_suspended": "DynamicScalingInSuspended",
    "dynamic_scaling_out_suspended": "DynamicScalingOutSuspended",
    "scheduled_scaling_suspended": "ScheduledScalingSuspended",
}
# What --diff shows: the target's settings, not its bookkeeping (ARN, creation time).
DIFF_KEYS = ("service_namespace", "resource_id", "scalable_dimension", "min_capacity", "max_capacity", "role_arn")


def validate_params(module: AnsibleAWSModule) -> None:
    """Checks that need no AWS call."""
    params = module.params
    if not params["resource_id"].strip():
        module.fail_json(msg="resource_id must not be empty (for an ECS service: service/<cluster>/<service>)")
    prefix = params["scalable_dimension"].split(":", 1)[0]
    if prefix != params["service_namespace"]:
        module.fail_json(
            msg=f"scalable_dimension {params['scalable_dimension']!r} does not belong to service_namespace "
            f"{params['service_namespace']!r} (it must start with '{params['service_namespace']}:')"
        )
    if params["state"] != "present":
        return
    for option in ("min_capacity", "max_capacity"):
        if params[option] is not None and params[option] < 0:
            module.fail_json(msg=f"{option} must be 0 or more, got {params[option]}")
    both = params["min_capacity"] is not None and params["max_capacity"] is not None
    if both and params["min_capacity"] > params["max_capacity"]:
        module.fail_json(
            msg=f"min_capacity ({params['min_capacity']}) must not be greater than "
            f"max_capacity ({params['max_capacity']})"
        )


def _normalize(target: dict[str, Any]) -> dict[str, Any]:
    """A described target (boto3 shape) -> RV(scalable_target); AWS always reports all three suspended flags."""
    result = boto3_resource_to_ansible_dict(target, transform_tags=False, force_tags=False)
    suspended = result.get("suspended_state") or {}
    result["suspended_state"] = {key: bool(suspended.get(key, False)) for key in SUSPENDED_KEYS}
    return result


def describe_target(module: AnsibleAWSModule, client: Any) -> dict[str, Any] | None:
    params = module.params
    try:
        targets = client.describe_scalable_targets(
            aws_retry=True,
            ServiceNamespace=params["service_namespace"],
            ResourceIds=[params["resource_id"]],
            ScalableDimension=params["scalable_dimension"],
        )["ScalableTargets"]
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to describe the scalable target {params['resource_id']}")
    matches = [
        target
        for target in targets
        if target["ResourceId"] == params["resource_id"] and target["ScalableDimension"] == params["scalable_dimension"]
    ]
    return _normalize(matches[0]) if matches else None


def desired_target(params: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    """The target after the task: the existing one with the options the task sets."""
    new = {
        "service_namespace": params["service_namespace"],
        "resource_id": params["resource_id"],
        "scalable_dimension": params["scalable_dimension"],
        "suspended_state": {key: False for key in SUSPENDED_KEYS},
    }
    target = dict(existing) if existing else new
    for option in ("min_capacity", "max_capacity", "role_arn"):
        if params[option] is not None:
            target[option] = params[option]
    suspended = dict(target["suspended_state"])
    for key, value in (params["suspended_state"] or {}).items():
        if value is not None:
            suspended[key] = value
    target["suspended_state"] = suspended
    return target


def _differs(existing: dict[str, Any], desired: dict[str, Any]) -> bool:
    keys = ("min_capacity", "max_capacity", "role_arn", "suspended_state")
    return any(existing.get(key) != desired.get(key) for key in keys)


def register_target(module: AnsibleAWSModule, client: Any, existing: dict[str, Any] | None) -> None:
    params = module.params
    request: dict[str, Any] = {
        "ServiceNamespace": params["service_namespace"],
        "ResourceId": params["resource_id"],
        "ScalableDimension": params["scalable_dimension"],
    }
    for option, key in (("min_capacity", "MinCapacity"), ("max_capacity", "MaxCapacity"), ("role_arn", "RoleARN")):
        if params[option] is not None:
            request[key] = params[option]
    if params["suspended_state"] is not None:
        # Send all three flags: the ones the task leaves unset keep their current value.
        current = (existing or {}).get("suspended_state") or {}
        request["SuspendedState"] = {
            boto_key: bool(
                params["suspended_state"][key] if params["suspended_state"][key] is not None else current.get(key)
            )
            for key, boto_key in SUSPENDED_KEYS.items()
        }
    try:
        client.register_scalable_target(aws_retry=True, **request)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to register the scalable target {params['resource_id']}")


def deregister_target(module: AnsibleAWSModule, client: Any) -> bool:
    """Deregisters the target; False when AWS no longer knows it (removed meanwhile)."""
    params = module.params
    try:
        client.deregister_scalable_target(
            aws_retry=True,
            ServiceNamespace=params["service_namespace"],
            ResourceId=params["resource_id"],
            ScalableDimension=params["scalable_dimension"],
        )
    except botocore.exceptions.ClientError as e:
        # AWS answers ObjectNotFoundException (moto: ValidationException "No scalable target found") for a target
        # that is gone.
        error = e.response.get("Error", {})
        if error.get("Code") == "ObjectNotFoundException" or "No scalable target found" in error.get("Message", ""):
            return False
        module.fail_json_aws(e, msg=f"Failed to deregister the scalable target {params['resource_id']}")
    except botocore.exceptions.BotoCoreError as e:
        module.fail_json_aws(e, msg=f"Failed to deregister the scalable target {params['resource_id']}")
    return True


def ensure_present(module: AnsibleAWSModule, client: Any, existing: dict[str, Any] | None) -> dict[str, Any]:
    params = module.params
    if existing is None and (params["min_capacity"] is None or params["max_capacity"] is None):
        module.fail_json(
            msg=f"min_capacity and max_capacity are required to register the new scalable target "
            f"{params['resource_id']} ({params['scalable_dimension']})"
        )
    desired = desired_target(params, existing)
    if desired["min_capacity"] > desired["max_capacity"]:
        module.fail_json(
            msg=f"min_capacity ({desired['min_capacity']}) would be greater than max_capacity "
            f"({desired['max_capacity']}) of the scalable target {params['resource_id']}: set both"
        )
    if existing is not None and not _differs(existing, desired):
        return {"changed": False, "scalable_target": existing}
    if module.check_mode:
        return {"changed": True, "scalable_target": desired}
    register_target(module, client, existing)
    # Should AWS not list it yet, report what was asked for.
    return {"changed": True, "scalable_target": describe_target(module, client) or desired}


def ensure_absent(module: AnsibleAWSModule, client: Any, existing: dict[str, Any] | None) -> dict[str, Any]:
    if existing is None:
        return {"changed": False}
    if module.check_mode:
        return {"changed": True}
    return {"changed": deregister_target(module, client)}


def _diff_view(target: dict[str, Any] | None) -> dict[str, Any]:
    if not target:
        return {}
    view = {key: target[key] for key in DIFF_KEYS if target.get(key) is not None}
    view["suspended_state"] = target.get("suspended_state")
    return view


def main() -> None:
    suspended_options = {key: {"type": "bool"} for key in SUSPENDED_KEYS}
    argument_spec = {
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "service_namespace": {"type": "str", "required": True, "choices": SERVICE_NAMESPACES},
        "resource_id": {"type": "str", "required": True},
        "scalable_dimension": {"type": "str", "required": True},
        "min_capacity": {"type": "int"},
        "max_capacity": {"type": "int"},
        "suspended_state": {"type": "dict", "options": suspended_options},
        "role_arn": {"type": "str"},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate_params(module)
    client = module.client(
        "application-autoscaling",
        retry_decorator=AWSRetry.jittered_backoff(
            catch_extra_error_codes=["ThrottlingException", "ConcurrentUpdateException"]
        ),
    )

    existing = describe_target(module, client)
    if module.params["state"] == "present":
        result = ensure_present(module, client, existing)
    else:
        result = ensure_absent(module, client, existing)
    if module._diff:  # pylint: disable=protected-access
        result["diff"] = {"before": _diff_view(existing), "after": _diff_view(result.get("scalable_target"))}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
