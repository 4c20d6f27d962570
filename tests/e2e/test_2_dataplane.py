"""The local platform RUNS (issue 13): after ``make up``, what the emulator records is running on Docker.

Read through the ECS, CloudWatch Logs and RDS APIs (as the platform's own modules read them) and checked against
the Docker engine: the service's tasks run and are healthy, ``ps-install`` ran once as a one-off task with its
exit code and log lines, the database and the cache are real servers the shop reaches.
"""

from __future__ import annotations

import json
import subprocess
import time
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
        # read-only root, an init, no capability (the service role's task definition), and the web root's generated
        # .htaccess written at start from the database (the install task's copy died with its container)
        host = inspected["HostConfig"]
        assert host["ReadonlyRootfs"] and host["Init"] and host["CapDrop"] == ["ALL"], host
        assert "/var/www/html/var/cache" in host["Tmpfs"], host["Tmpfs"]
        htaccess = _docker("exec", name, "cat", "/var/www/html/.htaccess")
        assert "~~start~~" in htaccess.stdout, htaccess.stdout + htaccess.stderr


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


def test_an_install_without_tls_fails_with_mariadbs_refusal(local_platform: LocalPlatform) -> None:
    """The database requires secure transport (the parameter group, enforced by the data plane's MariaDB): the
    same one-off install task with the shop's TLS switched off fails, with MariaDB's error in its log."""
    ecs, logs = local_platform.boto3_client("ecs"), local_platform.boto3_client("logs")
    (service,) = ecs.describe_services(cluster=CLUSTER, services=[f"{PREFIX}-shop"])["services"]
    definition = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]
    container = definition["containerDefinitions"][0]
    assert {"name": "PS_DB_SSL", "value": "1"} in container["environment"], "the platform turns TLS on"
    run = ecs.run_task(
        cluster=CLUSTER,
        taskDefinition=service["taskDefinition"],
        networkConfiguration=service["networkConfiguration"],
        capacityProviderStrategy=service["capacityProviderStrategy"],
        startedBy="e2e-install-without-tls",
        overrides={
            "containerOverrides": [
                {
                    "name": container["name"],
                    "command": ["ps-install"],
                    "environment": [
                        # what the install step adds (roles/service/tasks/install.yml), TLS off, a short wait
                        {"name": "PS_ADMIN_EMAIL", "value": "e2e@kstore.test"},
                        {"name": "PS_SHOP_NAME", "value": "e2e"},
                        {"name": "PS_DB_SSL", "value": "0"},
                        {"name": "PS_DB_WAIT_TIMEOUT", "value": "4"},
                    ],
                }
            ]
        },
    )
    task_arn = run["tasks"][0]["taskArn"]
    deadline = time.monotonic() + 120
    task = ecs.describe_tasks(cluster=CLUSTER, tasks=[task_arn])["tasks"][0]
    while task["lastStatus"] != "STOPPED" and time.monotonic() < deadline:
        time.sleep(2)
        task = ecs.describe_tasks(cluster=CLUSTER, tasks=[task_arn])["tasks"][0]
    assert task["lastStatus"] == "STOPPED", task
    assert task["containers"][0]["exitCode"] == 3, task["containers"]
    options = container["logConfiguration"]["options"]
    stream = f"{options['awslogs-stream-prefix']}/{container['name']}/{task_arn.rsplit('/', 1)[-1]}"
    text = "\n".join(
        e["message"] for e in logs.get_log_events(logGroupName=options["awslogs-group"], logStreamName=stream)["events"]
    )
    assert "unreachable" in text and "1045" in text, text
