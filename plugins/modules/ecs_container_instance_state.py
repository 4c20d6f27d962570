# Copyright: Contributors to the kstore.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ecs_container_instance_state
version_added: 0.1.0
short_description: Drain an ECS container instance, or make it active again
description:
  - Sets the status of one ECS container instance to C(DRAINING) or C(ACTIVE)
    (C(ecs:UpdateContainerInstancesState)), found by its EC2 instance id or its container-instance ARN/id.
  - With O(wait=true) and O(status=DRAINING), waits until no task runs on it any more. ECS replaces the tasks of
    services elsewhere (within the services' C(minimumHealthyPercent)); it does not stop tasks started by
    C(RunTask)/C(StartTask), so an instance running such tasks drains only when they end - the wait then fails
    at O(wait_timeout).
  - No amazon.aws / community.aws module sets a container instance's state (community.aws 10.0.0 has
    C(ecs_attribute), C(ecs_cluster), C(ecs_service), C(ecs_task), C(ecs_taskdefinition) only).
author:
  - kstore platform engineers (!UNKNOWN)
options:
  cluster:
    description: The name or ARN of the ECS cluster the container instance belongs to.
    type: str
    required: true
  ec2_instance_id:
    description: The EC2 instance id of the container instance (what the SSM inventory names hosts by).
    type: str
  container_instance:
    description: The ARN or id of the container instance.
    type: str
  status:
    description: The status to set.
    type: str
    choices: [ACTIVE, DRAINING]
    required: true
  wait:
    description: With O(status=DRAINING), wait until the container instance runs no task.
    type: bool
    default: true
  wait_timeout:
    description: How many seconds to wait at most.
    type: int
    default: 900
  wait_delay:
    description: Seconds between two looks at the container instance while waiting.
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
  diff_mode:
    support: full
notes:
  - "IAM: C(ecs:ListContainerInstances), C(ecs:DescribeContainerInstances), C(ecs:UpdateContainerInstancesState)."
"""

EXAMPLES = r"""
- name: Drain the host's container instance and wait for its tasks to move
  kstore.platform.ecs_container_instance_state:
    cluster: kstore-production-cluster
    ec2_instance_id: "{{ instance_id }}"
    status: DRAINING
    wait_timeout: 1200
  delegate_to: localhost

- name: Put it back into service
  kstore.platform.ecs_container_instance_state:
    cluster: kstore-production-cluster
    ec2_instance_id: "{{ instance_id }}"
    status: ACTIVE
  delegate_to: localhost
"""

RETURN = r"""
container_instance:
  description: The container instance after the change (and the wait).
  returned: always
  type: dict
  contains:
    container_instance_arn:
      description: Its ARN.
      type: str
      sample: arn:aws:ecs:eu-west-1:123456789012:container-instance/kstore-production-cluster/0f1e2d3c
    ec2_instance_id:
      description: Its EC2 instance id.
      type: str
      sample: i-0123456789abcdef0
    status:
      description: Its status.
      type: str
      sample: DRAINING
    agent_connected:
      description: Whether its ECS agent is connected.
      type: bool
      sample: true
    running_tasks_count:
      description: Tasks running on it.
      type: int
      sample: 0
    pending_tasks_count:
      description: Tasks pending on it.
      type: int
      sample: 0
"""

import time
from typing import Any

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


def _summary(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "container_instance_arn": item["containerInstanceArn"],
        "ec2_instance_id": item.get("ec2InstanceId"),
        "status": item.get("status"),
        "agent_connected": bool(item.get("agentConnected")),
        "running_tasks_count": item.get("runningTasksCount", 0),
        "pending_tasks_count": item.get("pendingTasksCount", 0),
    }


def find(client: Any, cluster: str, ec2_instance_id: str | None, container_instance: str | None) -> dict | None:
    if container_instance:
        arns = [container_instance]
    else:
        arns = []
        params: dict[str, Any] = {"cluster": cluster, "filter": f"ec2InstanceId == {ec2_instance_id}"}
        while True:
            page = client.list_container_instances(aws_retry=True, **params)
            arns.extend(page.get("containerInstanceArns", []))
            if not page.get("nextToken"):
                break
            params["nextToken"] = page["nextToken"]
    for start in range(0, len(arns), 100):
        answer = client.describe_container_instances(
            aws_retry=True, cluster=cluster, containerInstances=arns[start : start + 100]
        )
        for item in answer.get("containerInstances", []):
            if container_instance or item.get("ec2InstanceId") == ec2_instance_id:
                return item
    return None


def main() -> None:
    module = AnsibleAWSModule(
        argument_spec={
            "cluster": {"type": "str", "required": True},
            "ec2_instance_id": {"type": "str"},
            "container_instance": {"type": "str"},
            "status": {"type": "str", "required": True, "choices": ["ACTIVE", "DRAINING"]},
            "wait": {"type": "bool", "default": True},
            "wait_timeout": {"type": "int", "default": 900},
            "wait_delay": {"type": "int", "default": 10},
        },
        mutually_exclusive=[["ec2_instance_id", "container_instance"]],
        required_one_of=[["ec2_instance_id", "container_instance"]],
        supports_check_mode=True,
    )
    params = module.params
    client = module.client(
        "ecs", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=["ThrottlingException"])
    )
    cluster = params["cluster"]
    try:
        item = find(client, cluster, params["ec2_instance_id"], params["container_instance"])
        if item is None:
            module.fail_json(
                msg=f"No container instance {params['ec2_instance_id'] or params['container_instance']} in {cluster}"
            )
        before = _summary(item)
        changed = before["status"] != params["status"]
        if changed and not module.check_mode:
            answer = client.update_container_instances_state(
                aws_retry=True,
                cluster=cluster,
                containerInstances=[item["containerInstanceArn"]],
                status=params["status"],
            )
            if answer.get("failures"):
                module.fail_json(msg="ECS refused the state change", failures=answer["failures"])
            item = answer["containerInstances"][0]
        if params["status"] == "DRAINING" and params["wait"] and not module.check_mode:
            deadline = time.monotonic() + params["wait_timeout"]
            while item.get("runningTasksCount", 0) > 0:
                if time.monotonic() > deadline:
                    module.fail_json(
                        msg=f"{item['containerInstanceArn']} still runs {item['runningTasksCount']} task(s) after "
                        f"{params['wait_timeout']} s (tasks not started by a service do not move)",
                        changed=changed,
                        container_instance=_summary(item),
                    )
                time.sleep(params["wait_delay"])
                item = find(client, cluster, None, item["containerInstanceArn"]) or item
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Failed to set the container instance's state in {cluster}")
    after = _summary(item) if not module.check_mode else dict(before, status=params["status"])
    module.exit_json(
        changed=changed,
        container_instance=after,
        diff={"before": {"status": before["status"]}, "after": {"status": after["status"]}},
    )


if __name__ == "__main__":
    main()
