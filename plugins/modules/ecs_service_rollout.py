# Copyright: Contributors to the kstore.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ecs_service_rollout
version_added: 0.1.0
short_description: Wait for an ECS service's rolling deployment to complete; report a failed or rolled-back one
description:
  - Waits until the C(PRIMARY) deployment of an ECS service (deployment controller C(ECS)) has the
    C(rolloutState) C(COMPLETED) and the service runs as many tasks as it wants (C(runningCount) equal to
    C(desiredCount)).
  - Fails, with the states of the service's deployments and its latest O(events) events, when the deployment
    C(FAILED), when the deployment circuit breaker rolled it back (the C(PRIMARY) deployment then runs another
    task definition than O(expected_task_definition), or a newer deployment replaced the failed one), when the
    service does not exist or is not ACTIVE, and when O(timeout) passes first.
  - The module only reads, and never reports C(changed). In check mode it returns the current state without waiting.
author:
  - kstore platform engineers (!UNKNOWN)
options:
  cluster:
    description:
      - The name or ARN of the service's cluster.
    type: str
    required: true
  service:
    description:
      - The name or ARN of the service.
    type: str
    required: true
  expected_task_definition:
    description:
      - The task definition (ARN, or C(family:revision)) the deployment is meant to roll out. When the
        C(PRIMARY) deployment runs another one, the circuit breaker rolled the deployment back (or someone else
        deployed since), and the module fails saying so.
      - When not set, only the deployments' own states are checked.
    type: str
  wait:
    description:
      - Wait for the deployment to complete. V(false) checks the current state once (and still fails on a failed
        or rolled-back deployment).
    type: bool
    default: true
  timeout:
    description:
      - Seconds to wait for the deployment to complete.
    type: int
    default: 900
  delay:
    description:
      - Seconds between two C(DescribeServices) calls while waiting.
    type: int
    default: 10
  events:
    description:
      - How many of the service's latest events to return (and to show in a failure message).
    type: int
    default: 10
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - kstore.platform.attributes
  - kstore.platform.attributes.actiongroup_aws
attributes:
  check_mode:
    support: full
    details: Returns the current state at once, without waiting.
  diff_mode:
    support: none
notes:
  - The IAM action used is C(ecs:DescribeServices).
  - A service whose deployment controller is C(CODE_DEPLOY) or C(EXTERNAL) has no rollout state; the module then
    waits for one deployment running the desired count.
"""

EXAMPLES = r"""
- name: Wait for the new task definition to roll out
  kstore.platform.ecs_service_rollout:
    cluster: shop-production-cluster
    service: shop-production-shop
    expected_task_definition: "{{ task_definition.taskdefinition.taskDefinitionArn }}"
    timeout: 1200
    delay: 15
    events: 20

- name: Report the current state without waiting
  kstore.platform.ecs_service_rollout:
    cluster: shop-production-cluster
    service: shop-production-shop
    wait: false
  register: rollout
"""

RETURN = r"""
rollout_state:
  description: The C(rolloutState) of the C(PRIMARY) deployment (V(COMPLETED), V(IN_PROGRESS) or V(FAILED)).
  returned: always
  type: str
  sample: COMPLETED
completed:
  description: Whether the rollout has completed (primary deployment COMPLETED, running count equal to desired).
  returned: always
  type: bool
  sample: true
rolled_back:
  description: Whether the service was found rolled back (see O(expected_task_definition)).
  returned: always
  type: bool
  sample: false
service:
  description: The service, as last described.
  returned: always
  type: dict
  contains:
    service_name:
      description: The service's name.
      type: str
      returned: always
      sample: shop-production-shop
    service_arn:
      description: The service's ARN.
      type: str
      returned: always
      sample: arn:aws:ecs:eu-west-1:123456789012:service/shop-production-cluster/shop-production-shop
    status:
      description: The service's status.
      type: str
      returned: always
      sample: ACTIVE
    task_definition:
      description: The task definition the service runs.
      type: str
      returned: always
      sample: arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-production-shop:12
    desired_count:
      description: How many tasks the service wants.
      type: int
      returned: always
      sample: 2
    running_count:
      description: How many run.
      type: int
      returned: always
      sample: 2
    pending_count:
      description: How many are pending.
      type: int
      returned: always
      sample: 0
deployments:
  description: The service's deployments, newest first.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The deployment's ID.
      type: str
      returned: always
      sample: ecs-svc/1234567890123456789
    status:
      description: V(PRIMARY), V(ACTIVE) or V(INACTIVE).
      type: str
      returned: always
      sample: PRIMARY
    task_definition:
      description: The task definition it rolls out.
      type: str
      returned: always
      sample: arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-production-shop:12
    rollout_state:
      description: Its rollout state.
      type: str
      returned: when the deployment controller is ECS
      sample: COMPLETED
    rollout_state_reason:
      description: Why it is in that state.
      type: str
      returned: when the deployment controller is ECS
      sample: ECS deployment ecs-svc/1234567890123456789 completed.
    desired_count:
      description: Tasks it wants.
      type: int
      returned: always
      sample: 2
    running_count:
      description: Tasks it runs.
      type: int
      returned: always
      sample: 2
    failed_tasks:
      description: Tasks of this deployment that failed to start.
      type: int
      returned: always
      sample: 0
    created_at:
      description: When it was created.
      type: str
      returned: always
      sample: "2026-11-21T12:00:00+00:00"
events:
  description: The service's latest O(events) events, newest first, as C(created_at) and C(message).
  returned: always
  type: list
  elements: dict
  sample: [{"created_at": "2026-11-21T12:05:00+00:00", "message": "(service shop) has reached a steady state."}]
"""

import time
from typing import Any

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

RETRY = AWSRetry.jittered_backoff(catch_extra_error_codes=["ThrottlingException"])


def _text(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def describe_service(module: AnsibleAWSModule, ecs: Any) -> dict[str, Any]:
    cluster, name = module.params["cluster"], module.params["service"]
    try:
        response = ecs.describe_services(aws_retry=True, cluster=cluster, services=[name])
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to describe service {name} of cluster {cluster}")
    services = response.get("services", [])
    if not services or services[0].get("status") != "ACTIVE":
        state = services[0].get("status") if services else "MISSING"
        module.fail_json(msg=f"Service {name} of cluster {cluster} is not ACTIVE ({state}): nothing rolls out")
    return services[0]


def same_task_definition(have: str | None, expected: str) -> bool:
    """An ARN equals itself or its `family:revision` tail."""
    if not have:
        return False
    return have == expected or have.rsplit("/", 1)[-1] == expected.rsplit("/", 1)[-1]


def deployments_of(service: dict[str, Any]) -> list[dict[str, Any]]:
    deployments = sorted(service.get("deployments", []), key=lambda d: _text(d.get("createdAt", "")), reverse=True)
    result = []
    for deployment in deployments:
        item = {
            "id": deployment.get("id"),
            "status": deployment.get("status"),
            "task_definition": deployment.get("taskDefinition"),
            "desired_count": deployment.get("desiredCount", 0),
            "running_count": deployment.get("runningCount", 0),
            "pending_count": deployment.get("pendingCount", 0),
            "failed_tasks": deployment.get("failedTasks", 0),
            "created_at": _text(deployment.get("createdAt", "")),
            "updated_at": _text(deployment.get("updatedAt", "")),
        }
        if "rolloutState" in deployment:
            item["rollout_state"] = deployment["rolloutState"]
            item["rollout_state_reason"] = deployment.get("rolloutStateReason", "")
        result.append(item)
    return result


def assess(service: dict[str, Any], expected: str | None) -> dict[str, Any]:
    """Where the rollout stands: completed, failed (with why) or still in progress."""
    deployments = deployments_of(service)
    primary = next((d for d in deployments if d["status"] == "PRIMARY"), None)
    problems = []
    rolled_back = False
    if primary is None:
        problems.append("the service has no PRIMARY deployment")
        rollout_state = ""
    else:
        rollout_state = primary.get("rollout_state", "")
        if expected and not same_task_definition(primary["task_definition"], expected):
            rolled_back = True
            problems.append(
                f"the PRIMARY deployment {primary['id']} runs {primary['task_definition']}, not {expected}: "
                "the deployment circuit breaker rolled it back (or another deployment replaced it)"
            )
        if rollout_state == "FAILED":
            problems.append(f"the PRIMARY deployment {primary['id']} FAILED: {primary.get('rollout_state_reason', '')}")
        failed = [d for d in deployments if d is not primary and d.get("rollout_state") == "FAILED"]
        if failed:
            rolled_back = True
            problems.append(
                "deployment(s) "
                + ", ".join(f"{d['id']} ({d['task_definition']}: {d.get('rollout_state_reason', '')})" for d in failed)
                + " FAILED and were replaced"
            )
    running_ok = service.get("runningCount", 0) == service.get("desiredCount", 0)
    if primary is not None and "rollout_state" in primary:
        completed = rollout_state == "COMPLETED" and running_ok
    else:
        completed = primary is not None and len(deployments) == 1 and running_ok
    return {
        "completed": completed and not problems,
        "problems": problems,
        "rolled_back": rolled_back,
        "rollout_state": rollout_state,
        "deployments": deployments,
    }


def build_result(module: AnsibleAWSModule, service: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
    events = sorted(service.get("events", []), key=lambda e: _text(e.get("createdAt", "")), reverse=True)
    return {
        "changed": False,
        "completed": state["completed"],
        "rolled_back": state["rolled_back"],
        "rollout_state": state["rollout_state"],
        "deployments": state["deployments"],
        "events": [
            {"created_at": _text(e.get("createdAt", "")), "message": e.get("message", "")}
            for e in events[: module.params["events"]]
        ],
        "service": {
            "service_name": service.get("serviceName"),
            "service_arn": service.get("serviceArn"),
            "status": service.get("status"),
            "task_definition": service.get("taskDefinition"),
            "desired_count": service.get("desiredCount", 0),
            "running_count": service.get("runningCount", 0),
            "pending_count": service.get("pendingCount", 0),
        },
    }


def summary(result: dict[str, Any]) -> str:
    deployments = "; ".join(
        f"{d['status']} {d['id']} {d['task_definition']} {d.get('rollout_state', '-')} "
        f"running {d['running_count']}/{d['desired_count']} failed tasks {d['failed_tasks']}"
        for d in result["deployments"]
    )
    events = " | ".join(f"{e['created_at']} {e['message']}" for e in result["events"])
    return f"Deployments: {deployments}. Latest events: {events or 'none'}"


def main() -> None:
    argument_spec = {
        "cluster": {"type": "str", "required": True},
        "service": {"type": "str", "required": True},
        "expected_task_definition": {"type": "str"},
        "wait": {"type": "bool", "default": True},
        "timeout": {"type": "int", "default": 900},
        "delay": {"type": "int", "default": 10},
        "events": {"type": "int", "default": 10},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    if params["timeout"] < 0 or params["delay"] < 1 or params["events"] < 0:
        module.fail_json(msg="timeout must be 0 or more, delay at least 1 and events 0 or more")

    ecs = module.client("ecs", retry_decorator=RETRY)
    deadline = time.monotonic() + params["timeout"]
    while True:
        service = describe_service(module, ecs)
        state = assess(service, params["expected_task_definition"])
        result = build_result(module, service, state)
        if state["problems"]:
            module.fail_json(
                msg=f"The rollout of service {params['service']} failed: {'; '.join(state['problems'])}. "
                + summary(result),
                **result,
            )
        if state["completed"] or module.check_mode or not params["wait"]:
            module.exit_json(**result)
        if time.monotonic() >= deadline:
            module.fail_json(
                msg=f"The rollout of service {params['service']} did not complete within {params['timeout']} s "
                f"(PRIMARY rollout state {state['rollout_state'] or 'unknown'}, running "
                f"{service.get('runningCount', 0)} of {service.get('desiredCount', 0)}). " + summary(result),
                **result,
            )
        time.sleep(max(0, min(params["delay"], deadline - time.monotonic())))


if __name__ == "__main__":
    main()
