# Copyright: Contributors to the kstore.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ecs_run_task
version_added: 0.1.0
short_description: Run a one-off ECS task, wait for it to stop, report its exit codes and log tail
description:
  - Starts O(count) tasks of a task definition with C(RunTask) (one-off jobs such as an install or a database
    migration), waits until every one of them has stopped, and returns each container's exit code and reason,
    the task's C(stoppedReason) / C(stopCode), and the last O(log_lines) lines each container wrote to CloudWatch
    Logs through its C(awslogs) log configuration.
  - Fails when a task could not be placed or never started, when an essential container exits with a code other
    than 0 (or without one), and when the tasks have not stopped within O(wait_timeout) seconds; in that last case
    the module stops the tasks it started (C(StopTask) with a reason saying so) before failing.
  - Every run starts new tasks, so the module always reports C(changed) (also in check mode, where it starts
    nothing and returns the request it would send).
author:
  - kstore platform engineers (!UNKNOWN)
options:
  cluster:
    description:
      - The name or ARN of the cluster to run the task in.
    type: str
    required: true
  task_definition:
    description:
      - The task definition to run, as C(family) (its latest ACTIVE revision), C(family:revision) or an ARN.
    type: str
    required: true
  count:
    description:
      - How many tasks to start (1 to 10). Each is waited for and reported.
    type: int
    default: 1
  container_overrides:
    description:
      - Per-container changes for this run only.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The name of the container, as in the task definition.
        type: str
        required: true
      command:
        description: The command to run instead of the image's / task definition's.
        type: list
        elements: str
      environment:
        description:
          - Environment variables to add or override. Plain values only, they are visible in the task's
            description; pass secrets through the task definition's C(secrets).
        type: dict
  launch_type:
    description:
      - Where the task runs. Mutually exclusive with O(capacity_provider_strategy); with neither, the cluster's
        default capacity provider strategy applies.
    type: str
    choices: [EC2, FARGATE, EXTERNAL]
  capacity_provider_strategy:
    description:
      - The capacity providers to run the task on.
    type: list
    elements: dict
    suboptions:
      capacity_provider:
        description: The name of the capacity provider.
        type: str
        required: true
      weight:
        description: The relative share of tasks for this provider.
        type: int
        default: 1
      base:
        description: The minimum number of tasks on this provider.
        type: int
        default: 0
  network_configuration:
    description:
      - The network of a task definition in C(awsvpc) network mode (required by AWS for those).
    type: dict
    suboptions:
      subnets:
        description: The subnets the task's network interface may be placed in.
        type: list
        elements: str
        required: true
      security_groups:
        description: The security groups of the task's network interface.
        type: list
        elements: str
        default: []
      assign_public_ip:
        description: Whether the interface gets a public IP (Fargate only).
        type: bool
        default: false
  started_by:
    description:
      - Recorded as the task's C(startedBy) (up to 128 characters); C(ListTasks) can filter on it.
    type: str
    default: kstore.platform.ecs_run_task
  tags:
    description:
      - Tags put on the tasks.
    type: dict
    aliases: ['resource_tags']
  propagate_tags:
    description:
      - Also copy the tags of the task definition to the tasks.
    type: bool
    default: false
  wait_timeout:
    description:
      - How many seconds to wait for every task to stop. When they have not, the module stops them and fails.
    type: int
    default: 900
  wait_delay:
    description:
      - Seconds between two C(DescribeTasks) calls while waiting.
    type: int
    default: 5
  log_lines:
    description:
      - How many of the last log lines of each container to return (0 reads no logs). Read from the C(awslogs)
        configuration of the container in the task definition (group, region, stream prefix).
    type: int
    default: 50
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - kstore.platform.attributes
  - kstore.platform.attributes.actiongroup_aws
attributes:
  check_mode:
    support: full
    details: Starts nothing; reports C(changed) and the request it would send.
  diff_mode:
    support: none
notes:
  - The IAM actions used are C(ecs:DescribeTaskDefinition), C(ecs:RunTask), C(ecs:DescribeTasks),
    C(ecs:StopTask) (on timeout) and C(logs:GetLogEvents); C(ecs:TagResource) with O(tags), and C(iam:PassRole)
    on the task definition's task and execution roles.
  - The container log stream is C(<awslogs-stream-prefix>/<container name>/<task id>), as the awslogs driver names
    it; a container without an awslogs configuration or a stream prefix has no log tail.
"""

EXAMPLES = r"""
- name: Install the shop's database schema once, before the service rolls
  kstore.platform.ecs_run_task:
    cluster: shop-production-cluster
    task_definition: shop-production-shop:12
    capacity_provider_strategy:
      - capacity_provider: shop-production-ecs
    network_configuration:
      subnets: [subnet-0123456789abcdef0, subnet-0123456789abcdef1]
      security_groups: [sg-0123456789abcdef0]
    container_overrides:
      - name: prestashop
        command: [ps-install]
        environment:
          PS_ADMIN_EMAIL: admin@example.com
    started_by: deploy-install
    wait_timeout: 1200
    log_lines: 100
  register: install

- name: Show what the install printed
  ansible.builtin.debug:
    var: install.tasks[0].containers[0].log_tail
"""

RETURN = r"""
task_arns:
  description: The ARNs of the tasks that were started.
  returned: when not in check mode
  type: list
  elements: str
  sample: ["arn:aws:ecs:eu-west-1:123456789012:task/shop-production-cluster/0123456789abcdef0123456789abcdef"]
exit_codes:
  description: The exit code of each container of the first task, by container name (null when it has none).
  returned: when not in check mode
  type: dict
  sample: {"prestashop": 0}
tasks:
  description: Each task as it stopped.
  returned: when not in check mode
  type: list
  elements: dict
  contains:
    task_arn:
      description: The ARN of the task.
      type: str
      returned: always
      sample: arn:aws:ecs:eu-west-1:123456789012:task/shop-production-cluster/0123456789abcdef0123456789abcdef
    task_id:
      description: The ID of the task (the last part of its ARN, as in its log stream names).
      type: str
      returned: always
      sample: 0123456789abcdef0123456789abcdef
    last_status:
      description: The task's last status.
      type: str
      returned: always
      sample: STOPPED
    stopped_reason:
      description: Why the task stopped.
      type: str
      returned: always
      sample: Essential container in task exited
    stop_code:
      description: The task's stop code (C(EssentialContainerExited), C(TaskFailedToStart), C(UserInitiated), ...).
      type: str
      returned: when AWS reports one
      sample: EssentialContainerExited
    started_at:
      description: When the task started.
      type: str
      returned: when it started
      sample: "2026-11-21T12:00:00+00:00"
    stopped_at:
      description: When the task stopped.
      type: str
      returned: when it stopped
      sample: "2026-11-21T12:01:30+00:00"
    containers:
      description: The task's containers.
      type: list
      elements: dict
      returned: always
      contains:
        name:
          description: The container's name.
          type: str
          returned: always
          sample: prestashop
        essential:
          description: Whether the task definition marks it essential.
          type: bool
          returned: always
          sample: true
        exit_code:
          description: Its exit code; null when it has none (it never ran, or was killed before it could exit).
          type: int
          returned: always
          sample: 0
        reason:
          description: Why it stopped, as ECS reports it (for example C(CannotPullContainerError ...)).
          type: str
          returned: always
          sample: ""
        last_status:
          description: The container's last status.
          type: str
          returned: always
          sample: STOPPED
        log_stream:
          description: The CloudWatch Logs group and stream of the container, as C(group:stream).
          type: str
          returned: when the container logs through awslogs with a stream prefix
          sample: /shop/production/shop:shop/prestashop/0123456789abcdef0123456789abcdef
        log_tail:
          description: The container's last O(log_lines) log lines, oldest first.
          type: list
          elements: str
          returned: always
          sample: ["Installing PrestaShop 9.0.1", "Done"]
failures:
  description: The placement failures C(RunTask) reported (such as C(RESOURCE:MEMORY)).
  returned: when there were some
  type: list
  elements: dict
  sample: [{"arn": "arn:aws:ecs:eu-west-1:123456789012:container-instance/abc", "reason": "RESOURCE:MEMORY"}]
request:
  description: The C(RunTask) request (check mode), in boto3's shape.
  returned: in check mode
  type: dict
  sample: {"cluster": "shop-production-cluster", "taskDefinition": "shop-production-shop:12", "count": 1}
"""

import time
from typing import Any

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

RETRY = AWSRetry.jittered_backoff(catch_extra_error_codes=["ThrottlingException"])
TIMEOUT_REASON = "kstore.platform.ecs_run_task: not stopped within wait_timeout ({timeout} s)"


def build_request(params: dict[str, Any]) -> dict[str, Any]:
    """The RunTask request (boto3 shape) for the module's parameters."""
    request: dict[str, Any] = {
        "cluster": params["cluster"],
        "taskDefinition": params["task_definition"],
        "count": params["count"],
        "startedBy": params["started_by"],
    }
    overrides = []
    for override in params["container_overrides"]:
        item: dict[str, Any] = {"name": override["name"]}
        if override.get("command") is not None:
            item["command"] = list(override["command"])
        if override.get("environment"):
            item["environment"] = [
                {"name": str(name), "value": str(value)} for name, value in sorted(override["environment"].items())
            ]
        overrides.append(item)
    if overrides:
        request["overrides"] = {"containerOverrides": overrides}
    if params["launch_type"]:
        request["launchType"] = params["launch_type"]
    if params["capacity_provider_strategy"]:
        request["capacityProviderStrategy"] = [
            {"capacityProvider": item["capacity_provider"], "weight": item["weight"], "base": item["base"]}
            for item in params["capacity_provider_strategy"]
        ]
    network = params["network_configuration"]
    if network:
        request["networkConfiguration"] = {
            "awsvpcConfiguration": {
                "subnets": list(network["subnets"]),
                "securityGroups": list(network["security_groups"] or []),
                "assignPublicIp": "ENABLED" if network["assign_public_ip"] else "DISABLED",
            }
        }
    if params["tags"]:
        request["tags"] = [{"key": str(key), "value": str(value)} for key, value in sorted(params["tags"].items())]
    if params["propagate_tags"]:
        request["propagateTags"] = "TASK_DEFINITION"
    return request


def describe_task_definition(module: AnsibleAWSModule, ecs: Any) -> dict[str, Any]:
    name = module.params["task_definition"]
    try:
        return ecs.describe_task_definition(aws_retry=True, taskDefinition=name)["taskDefinition"]
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to describe task definition {name}")


def run_tasks(module: AnsibleAWSModule, ecs: Any, request: dict[str, Any]) -> tuple[list[str], list[dict]]:
    try:
        response = ecs.run_task(aws_retry=True, **request)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to run task definition {request['taskDefinition']}")
    failures = response.get("failures", [])
    task_arns = [task["taskArn"] for task in response.get("tasks", [])]
    if len(task_arns) < request["count"]:
        reasons = "; ".join(f"{f.get('arn', '')} {f.get('reason', '')} {f.get('detail', '')}".strip() for f in failures)
        if task_arns:
            stop_tasks(module, ecs, request["cluster"], task_arns, "kstore.platform.ecs_run_task: not all tasks placed")
        module.fail_json(
            msg=f"The task never started: ECS placed {len(task_arns)} of {request['count']} task(s) of "
            f"{request['taskDefinition']} on {request['cluster']}" + (f" ({reasons})" if reasons else ""),
            failures=failures,
            task_arns=task_arns,
        )
    return task_arns, failures


def describe_tasks(module: AnsibleAWSModule, ecs: Any, cluster: str, task_arns: list[str]) -> list[dict[str, Any]]:
    try:
        return ecs.describe_tasks(aws_retry=True, cluster=cluster, tasks=task_arns)["tasks"]
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to describe tasks {', '.join(task_arns)}")


def stop_tasks(module: AnsibleAWSModule, ecs: Any, cluster: str, task_arns: list[str], reason: str) -> None:
    for task_arn in task_arns:
        try:
            ecs.stop_task(aws_retry=True, cluster=cluster, task=task_arn, reason=reason[:255])
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
            module.fail_json_aws(e, msg=f"Failed to stop task {task_arn} (after: {reason})")


def wait_until_stopped(
    module: AnsibleAWSModule, ecs: Any, cluster: str, task_arns: list[str]
) -> tuple[list[dict[str, Any]], bool]:
    """Poll DescribeTasks until every task is STOPPED; returns (tasks as last described, stopped)."""
    deadline = time.monotonic() + module.params["wait_timeout"]
    while True:
        tasks = describe_tasks(module, ecs, cluster, task_arns)
        if len(tasks) == len(task_arns) and all(task.get("lastStatus") == "STOPPED" for task in tasks):
            return tasks, True
        if time.monotonic() >= deadline:
            return tasks, False
        time.sleep(max(0, min(module.params["wait_delay"], deadline - time.monotonic())))


def log_settings(task_definition: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per container: essential flag and its awslogs group / region / stream prefix (when it has them)."""
    settings = {}
    for container in task_definition.get("containerDefinitions", []):
        log_config = container.get("logConfiguration") or {}
        options = log_config.get("options") or {}
        awslogs = log_config.get("logDriver") == "awslogs" and options.get("awslogs-stream-prefix")
        settings[container["name"]] = {
            "essential": container.get("essential", True),
            "group": options.get("awslogs-group") if awslogs else None,
            "region": options.get("awslogs-region") if awslogs else None,
            "prefix": options.get("awslogs-stream-prefix") if awslogs else None,
        }
    return settings


def read_log_tail(module: AnsibleAWSModule, group: str, stream: str, region: str | None) -> list[str]:
    limit = module.params["log_lines"]
    extra = {"region": region} if region else {}
    logs = module.client("logs", retry_decorator=RETRY, **extra)
    try:
        events = logs.get_log_events(
            aws_retry=True, logGroupName=group, logStreamName=stream, limit=limit, startFromHead=False
        )["events"]
    except is_boto3_error_code("ResourceNotFoundException"):
        return []  # The container wrote nothing (or never started): no stream.
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Failed to read log stream {stream} of {group}")
    return [event["message"].rstrip("\n") for event in events][-limit:]


def report_task(module: AnsibleAWSModule, task: dict[str, Any], settings: dict[str, dict[str, Any]]) -> dict:
    task_id = task["taskArn"].rsplit("/", 1)[-1]
    report: dict[str, Any] = {
        "task_arn": task["taskArn"],
        "task_id": task_id,
        "last_status": task.get("lastStatus"),
        "stopped_reason": task.get("stoppedReason", ""),
        "containers": [],
    }
    if task.get("stopCode"):
        report["stop_code"] = task["stopCode"]
    for key, name in (("startedAt", "started_at"), ("stoppedAt", "stopped_at")):
        if task.get(key):
            value = task[key]
            report[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    for container in task.get("containers", []):
        setting = settings.get(container["name"], {"essential": True, "group": None, "prefix": None, "region": None})
        item = {
            "name": container["name"],
            "essential": setting["essential"],
            "exit_code": container.get("exitCode"),
            "reason": container.get("reason", ""),
            "last_status": container.get("lastStatus"),
            "log_tail": [],
        }
        if setting["group"] and setting["prefix"]:
            stream = f"{setting['prefix']}/{container['name']}/{task_id}"
            item["log_stream"] = f"{setting['group']}:{stream}"
            if module.params["log_lines"] > 0:
                item["log_tail"] = read_log_tail(module, setting["group"], stream, setting["region"])
        report["containers"].append(item)
    return report


def problems_of(report: dict[str, Any]) -> list[str]:
    """What makes a stopped task a failure: an essential container without exit code 0, or a failed start."""
    problems = []
    if report.get("stop_code") == "TaskFailedToStart":
        problems.append(f"task {report['task_id']} failed to start: {report['stopped_reason']}")
    for container in report["containers"]:
        if not container["essential"] or container["exit_code"] == 0:
            continue
        code = "no exit code" if container["exit_code"] is None else f"exit code {container['exit_code']}"
        reason = f" ({container['reason']})" if container["reason"] else ""
        problems.append(f"essential container {container['name']} of task {report['task_id']}: {code}{reason}")
    if not report["containers"]:
        problems.append(f"task {report['task_id']} has no containers: {report['stopped_reason']}")
    return problems


def main() -> None:
    argument_spec = {
        "cluster": {"type": "str", "required": True},
        "task_definition": {"type": "str", "required": True},
        "count": {"type": "int", "default": 1},
        "container_overrides": {
            "type": "list",
            "elements": "dict",
            "default": [],
            "options": {
                "name": {"type": "str", "required": True},
                "command": {"type": "list", "elements": "str"},
                "environment": {"type": "dict"},
            },
        },
        "launch_type": {"type": "str", "choices": ["EC2", "FARGATE", "EXTERNAL"]},
        "capacity_provider_strategy": {
            "type": "list",
            "elements": "dict",
            "options": {
                "capacity_provider": {"type": "str", "required": True},
                "weight": {"type": "int", "default": 1},
                "base": {"type": "int", "default": 0},
            },
        },
        "network_configuration": {
            "type": "dict",
            "options": {
                "subnets": {"type": "list", "elements": "str", "required": True},
                "security_groups": {"type": "list", "elements": "str", "default": []},
                "assign_public_ip": {"type": "bool", "default": False},
            },
        },
        "started_by": {"type": "str", "default": "kstore.platform.ecs_run_task"},
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "propagate_tags": {"type": "bool", "default": False},
        "wait_timeout": {"type": "int", "default": 900},
        "wait_delay": {"type": "int", "default": 5},
        "log_lines": {"type": "int", "default": 50},
    }
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[("launch_type", "capacity_provider_strategy")],
    )
    params = module.params
    if not 1 <= params["count"] <= 10:
        module.fail_json(msg=f"count must be 1 to 10 (RunTask's limit), got {params['count']}")
    if params["wait_timeout"] < 1 or params["wait_delay"] < 1:
        module.fail_json(msg="wait_timeout and wait_delay must be at least 1 second")
    if not 0 <= params["log_lines"] <= 10000:
        module.fail_json(msg=f"log_lines must be 0 to 10000 (GetLogEvents' limit), got {params['log_lines']}")
    if len(params["started_by"]) > 128:
        module.fail_json(msg="started_by must be at most 128 characters")

    request = build_request(params)
    if module.check_mode:
        module.exit_json(
            changed=True,
            msg=f"Would run {params['count']} task(s) of {params['task_definition']} on {params['cluster']}",
            request=request,
        )

    ecs = module.client("ecs", retry_decorator=RETRY)
    task_definition = describe_task_definition(module, ecs)
    # Run exactly the revision described, so that the log settings read are those of the task that runs.
    request["taskDefinition"] = task_definition["taskDefinitionArn"]
    task_arns, failures = run_tasks(module, ecs, request)
    tasks, stopped = wait_until_stopped(module, ecs, params["cluster"], task_arns)
    settings = log_settings(task_definition)

    if not stopped:
        reason = TIMEOUT_REASON.format(timeout=params["wait_timeout"])
        stop_tasks(module, ecs, params["cluster"], task_arns, reason)
        reports = [report_task(module, task, settings) for task in tasks]
        states = ", ".join(f"{report['task_id']}: {report['last_status']}" for report in reports)
        module.fail_json(
            msg=f"The task(s) of {task_definition['taskDefinitionArn']} did not stop within {params['wait_timeout']} s "
            f"({states}); the module stopped them with reason '{reason}'",
            changed=True,
            task_arns=task_arns,
            tasks=reports,
            failures=failures,
        )

    reports = [report_task(module, task, settings) for task in tasks]
    result = {
        "changed": True,
        "task_arns": task_arns,
        "tasks": reports,
        "exit_codes": {container["name"]: container["exit_code"] for container in reports[0]["containers"]},
    }
    if failures:
        result["failures"] = failures
    problems = [problem for report in reports for problem in problems_of(report)]
    if problems:
        module.fail_json(msg="The one-off task failed: " + "; ".join(problems), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
