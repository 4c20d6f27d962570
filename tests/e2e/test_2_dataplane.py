"""The local platform RUNS (issue 13): after ``make up``, what the emulator records is running on Docker.

Read through the ECS, CloudWatch Logs and RDS APIs (as the platform's own modules read them) and checked against
the Docker engine: the service's tasks run and are healthy, ``ps-install`` ran once as a one-off task with its
exit code and log lines, the database and the cache are real servers the shop reaches.
"""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest
from e2e_platform import LocalPlatform

PREFIX = "kstore-local"
CLUSTER = f"{PREFIX}-cluster"


def _docker(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=False, timeout=120)


@pytest.fixture(scope="module")
def status(local_platform: LocalPlatform) -> dict[str, Any]:
    return json.loads((local_platform.state_dir / "dataplane" / "status.json").read_text())


def test_the_service_tasks_run_healthy_on_docker(local_platform: LocalPlatform, status: dict[str, Any]) -> None:
    ecs = local_platform.boto3_client("ecs")
    (service,) = ecs.describe_services(cluster=CLUSTER, services=[f"{PREFIX}-shop"])["services"]
    (primary,) = [d for d in service["deployments"] if d["status"] == "PRIMARY"]
    assert primary["rolloutState"] == "COMPLETED", service["deployments"]
    arns = ecs.list_tasks(cluster=CLUSTER, desiredStatus="RUNNING")["taskArns"]
    tasks = [
        t for t in ecs.describe_tasks(cluster=CLUSTER, tasks=arns)["tasks"] if t["group"] == f"service:{PREFIX}-shop"
    ]
    running = [t for t in tasks if t["lastStatus"] == "RUNNING"]
    assert len(running) == service["desiredCount"] >= 1, tasks
    for task in running:
        assert task["healthStatus"] == "HEALTHY", task
        name = (
            f"kstore-dp-{status['instance']}-task-{task['taskArn'].rsplit('/', 1)[-1]}-{task['containers'][0]['name']}"
        )
        inspected = json.loads(_docker("inspect", name).stdout or "[{}]")[0]
        assert inspected["State"]["Health"]["Status"] == "healthy", name
        definition = ecs.describe_task_definition(taskDefinition=task["taskDefinitionArn"])["taskDefinition"]
        assert inspected["Config"]["Image"] == definition["containerDefinitions"][0]["image"]
        assert "@sha256:" in inspected["Config"]["Image"], "pulled from the local registry by digest"
        # the shop's deep health check reaches the real database from inside the task
        deep = _docker("exec", name, "curl", "-fsS", "http://127.0.0.1:8080/health/deep")
        assert deep.returncode == 0, deep.stderr + deep.stdout


def test_ps_install_ran_once_as_a_one_off_task_with_its_exit_code_and_log_lines(local_platform: LocalPlatform) -> None:
    ecs, logs = local_platform.boto3_client("ecs"), local_platform.boto3_client("logs")
    arns = ecs.list_tasks(cluster=CLUSTER, startedBy=f"{PREFIX}-install"[:128], desiredStatus="STOPPED")["taskArns"]
    assert len(arns) == 1, arns
    (task,) = ecs.describe_tasks(cluster=CLUSTER, tasks=arns)["tasks"]
    assert task["stopCode"] == "EssentialContainerExited", task
    (container,) = task["containers"]
    assert container["exitCode"] == 0, container
    definition = ecs.describe_task_definition(taskDefinition=task["taskDefinitionArn"])["taskDefinition"]
    options = definition["containerDefinitions"][0]["logConfiguration"]["options"]
    stream = f"{options['awslogs-stream-prefix']}/{container['name']}/{task['taskArn'].rsplit('/', 1)[-1]}"
    events = logs.get_log_events(logGroupName=options["awslogs-group"], logStreamName=stream)["events"]
    text = "\n".join(e["message"] for e in events)
    assert "ps-install" in text, text
