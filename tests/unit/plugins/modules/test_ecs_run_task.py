"""kstore.platform.ecs_run_task: the real module code against the real emulator over HTTP, and botocore Stubber
where the emulator cannot produce the state.

The emulator (moto + tools/emulator/fidelity) runs no containers: a task it starts goes RUNNING -> STOPPED as
moto's state manager moves it (one step per DescribeTasks by default; ``manual`` transitions hold it), and every
container "exits" 0. Non-zero exit codes, container reasons and placement failures are therefore tested with
botocore's Stubber, answering with the response shapes of AWS's ECS API reference.
"""

from __future__ import annotations

import datetime
import json
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.kstore.platform.plugins.modules import ecs_run_task
from botocore.stub import Stubber

REGION = "eu-west-1"
CLUSTER = "shop-dev-cluster"
LOG_GROUP = "/shop/dev/shop"


@pytest.fixture()
def aws(clean_emulator: Any) -> Callable[[str], Any]:
    return lambda service: boto3.client(service, region_name=REGION, endpoint_url=clean_emulator.url)


def _set_task_transition(url: str, transition: dict | None) -> None:
    path = "set-transition" if transition else "unset-transition"
    body = {"model_name": "ecs::task", "transition": transition} if transition else {"model_name": "ecs::task"}
    request = urllib.request.Request(
        f"{url}/moto-api/state-manager/{path}", data=json.dumps(body).encode(), method="POST"
    )
    urllib.request.urlopen(request, timeout=5)


@pytest.fixture()
def held_tasks(clean_emulator: Any) -> Iterator[Callable[[int], None]]:
    """Hold tasks in each state for N DescribeTasks calls (moto's `manual` progression); undone afterwards."""
    yield lambda times: _set_task_transition(clean_emulator.url, {"progression": "manual", "times": times})
    _set_task_transition(clean_emulator.url, None)


@pytest.fixture()
def cluster(aws: Callable[[str], Any], clean_emulator: Any) -> dict[str, Any]:
    """A cluster with one registered container instance (what the ECS agent does), an awsvpc subnet and group."""
    ec2, ecs, logs = aws("ec2"), aws("ecs"), aws("logs")
    vpc_id = ec2.create_vpc(CidrBlock="10.70.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.70.1.0/24")["Subnet"]["SubnetId"]
    group_id = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc_id)["GroupId"]
    image_id = ec2.describe_images()["Images"][0]["ImageId"]
    instance_id = ec2.run_instances(ImageId=image_id, MinCount=1, MaxCount=1, SubnetId=subnet_id)["Instances"][0]
    ecs.create_cluster(clusterName=CLUSTER)
    document = {"instanceId": instance_id["InstanceId"], "region": REGION, "accountId": "123456789012"}
    ecs.register_container_instance(cluster=CLUSTER, instanceIdentityDocument=json.dumps(document))
    logs.create_log_group(logGroupName=LOG_GROUP)
    arn = ecs.register_task_definition(
        family="shop-dev-shop",
        networkMode="awsvpc",
        requiresCompatibilities=["EC2"],
        cpu="256",
        memory="512",
        containerDefinitions=[
            {
                "name": "prestashop",
                "image": "registry.example/shop@sha256:" + "a" * 64,
                "essential": True,
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {"awslogs-group": LOG_GROUP, "awslogs-region": REGION, "awslogs-stream-prefix": "shop"},
                },
            }
        ],
    )["taskDefinition"]["taskDefinitionArn"]
    clean_emulator.reset_requests()
    return {"subnet_id": subnet_id, "group_id": group_id, "task_definition_arn": arn}


def _args(cluster: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "cluster": CLUSTER,
        "task_definition": "shop-dev-shop",
        "network_configuration": {"subnets": [cluster["subnet_id"]], "security_groups": [cluster["group_id"]]},
        "container_overrides": [
            {"name": "prestashop", "command": ["ps-install"], "environment": {"PS_ADMIN_EMAIL": "a@example.com"}}
        ],
        "started_by": "install",
        "tags": {"Purpose": "install"},
        "wait_delay": 1,
        "region": REGION,
        **extra,
    }


@pytest.fixture()
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    sleeps: list[float] = []
    monkeypatch.setattr(ecs_run_task.time, "sleep", sleeps.append)
    return sleeps


def test_runs_waits_and_returns_exit_codes_and_log_tail(
    run_module: Callable[..., dict],
    cluster: dict,
    aws: Callable[[str], Any],
    held_tasks: Any,
    monkeypatch: Any,
    clean_emulator: Any,
) -> None:
    held_tasks(1)
    logs, ecs = aws("logs"), aws("ecs")

    def container_writes_logs(_seconds: float) -> None:
        # While the task "runs", its container writes to the stream the awslogs driver would use.
        for arn in ecs.list_tasks(cluster=CLUSTER)["taskArns"]:
            stream = f"shop/prestashop/{arn.rsplit('/', 1)[-1]}"
            if logs.describe_log_streams(logGroupName=LOG_GROUP, logStreamNamePrefix=stream)["logStreams"]:
                continue
            logs.create_log_stream(logGroupName=LOG_GROUP, logStreamName=stream)
            now = int(datetime.datetime.now().timestamp() * 1000)
            events = [{"timestamp": now + i, "message": f"line {i}"} for i in range(1, 6)]
            logs.put_log_events(logGroupName=LOG_GROUP, logStreamName=stream, logEvents=events)

    monkeypatch.setattr(ecs_run_task.time, "sleep", container_writes_logs)
    result = run_module(ecs_run_task.main, _args(cluster, log_lines=3))

    assert result.get("failed") is not True, result
    assert result["changed"] is True
    assert result["exit_codes"] == {"prestashop": 0}
    [task] = result["tasks"]
    assert task["last_status"] == "STOPPED"
    [container] = task["containers"]
    assert container["log_stream"] == f"{LOG_GROUP}:shop/prestashop/{task['task_id']}"
    assert container["log_tail"] == ["line 3", "line 4", "line 5"]
    # What reached ECS: the exact revision, the overrides, startedBy, tags, the awsvpc configuration.
    [described] = ecs.describe_tasks(cluster=CLUSTER, tasks=result["task_arns"], include=["TAGS"])["tasks"]
    assert described["taskDefinitionArn"] == cluster["task_definition_arn"]
    assert described["overrides"]["containerOverrides"] == [
        {
            "name": "prestashop",
            "command": ["ps-install"],
            "environment": [{"name": "PS_ADMIN_EMAIL", "value": "a@example.com"}],
        }
    ]
    assert described["startedBy"] == "install"
    assert described["tags"] == [{"key": "Purpose", "value": "install"}]
    counts = clean_emulator.requests()["by_action"]
    assert counts["ecs:RunTask"] == 1 and counts["logs:GetLogEvents"] == 1


def test_timeout_stops_the_task_and_fails(
    run_module: Callable[..., dict], cluster: dict, aws: Callable[[str], Any], held_tasks: Any, no_sleep: list
) -> None:
    held_tasks(10_000)
    result = run_module(ecs_run_task.main, _args(cluster, wait_timeout=1, log_lines=0))

    assert result["failed"] is True
    assert "did not stop within 1 s" in result["msg"]
    assert "the module stopped them" in result["msg"]
    [task] = aws("ecs").describe_tasks(cluster=CLUSTER, tasks=result["task_arns"])["tasks"]
    assert task["desiredStatus"] == "STOPPED"
    assert task["stoppedReason"] == "kstore.platform.ecs_run_task: not stopped within wait_timeout (1 s)"


def test_check_mode_runs_nothing(run_module: Callable[..., dict], cluster: dict, clean_emulator: Any) -> None:
    result = run_module(ecs_run_task.main, _args(cluster), check_mode=True)

    assert result["changed"] is True
    assert result["msg"] == f"Would run 1 task(s) of shop-dev-shop on {CLUSTER}"
    assert result["request"]["overrides"]["containerOverrides"][0]["command"] == ["ps-install"]
    assert clean_emulator.requests()["total"] == 0


def test_unknown_task_definition_fails(run_module: Callable[..., dict], cluster: dict) -> None:
    result = run_module(ecs_run_task.main, _args(cluster, task_definition="nope:3"))
    assert result["failed"] is True
    assert "Failed to describe task definition nope:3" in result["msg"]


def test_launch_type_and_strategy_exclusive(run_module: Callable[..., dict], cluster: dict) -> None:
    result = run_module(
        ecs_run_task.main,
        _args(cluster, launch_type="EC2", capacity_provider_strategy=[{"capacity_provider": "shop-dev-ecs"}]),
    )
    assert result["failed"] is True
    assert "mutually exclusive" in result["msg"]


# --- Stubber: states the emulator cannot produce --------------------------------------------------------------

TASK_ARN = f"arn:aws:ecs:{REGION}:123456789012:task/{CLUSTER}/0123456789abcdef0123456789abcdef"
TD_ARN = f"arn:aws:ecs:{REGION}:123456789012:task-definition/shop-dev-shop:4"
NOW = datetime.datetime(2026, 11, 21, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture()
def stubbed(monkeypatch: pytest.MonkeyPatch, no_sleep: list) -> Iterator[Stubber]:
    """Every client the module creates is one stubbed ECS client (the tests below read no logs)."""
    client = boto3.client("ecs", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="y")
    stubber = Stubber(client)

    def fake_client(self: AnsibleAWSModule, service: str, retry_decorator: Any = None, **_: Any) -> Any:
        assert service == "ecs", service
        return RetryingBotoClientWrapper(client, retry_decorator)

    monkeypatch.setattr(AnsibleAWSModule, "client", fake_client)
    with stubber:
        yield stubber
    stubber.assert_no_pending_responses()


def _task_definition(sidecar: bool = False) -> dict:
    containers = [{"name": "prestashop", "image": "shop@sha256:" + "a" * 64, "essential": True}]
    if sidecar:
        containers.append({"name": "sidecar", "image": "busybox", "essential": False})
    return {
        "taskDefinition": {"taskDefinitionArn": TD_ARN, "family": "shop-dev-shop", "containerDefinitions": containers}
    }


def _stopped(containers: list[dict], stop_code: str, reason: str) -> dict:
    return {
        "tasks": [
            {
                "taskArn": TASK_ARN,
                "lastStatus": "STOPPED",
                "desiredStatus": "STOPPED",
                "stopCode": stop_code,
                "stoppedReason": reason,
                "startedAt": NOW,
                "stoppedAt": NOW,
                "containers": containers,
            }
        ],
        "failures": [],
    }


def _expect_run(stubber: Stubber, describe: dict) -> None:
    stubber.add_response(
        "describe_task_definition", _task_definition(sidecar=True), {"taskDefinition": "shop-dev-shop"}
    )
    stubber.add_response(
        "run_task",
        {"tasks": [{"taskArn": TASK_ARN, "lastStatus": "PROVISIONING"}], "failures": []},
        {
            "cluster": CLUSTER,
            "taskDefinition": TD_ARN,
            "count": 1,
            "startedBy": "kstore.platform.ecs_run_task",
            "launchType": "EC2",
        },
    )
    stubber.add_response(
        "describe_tasks",
        {"tasks": [{"taskArn": TASK_ARN, "lastStatus": "RUNNING"}]},
        {"cluster": CLUSTER, "tasks": [TASK_ARN]},
    )
    stubber.add_response("describe_tasks", describe, {"cluster": CLUSTER, "tasks": [TASK_ARN]})


STUB_ARGS = {"cluster": CLUSTER, "task_definition": "shop-dev-shop", "launch_type": "EC2", "region": REGION}


def test_essential_container_exit_code_fails(run_module: Callable[..., dict], stubbed: Stubber) -> None:
    containers = [
        {"name": "prestashop", "lastStatus": "STOPPED", "exitCode": 3, "reason": ""},
        {"name": "sidecar", "lastStatus": "STOPPED", "exitCode": 137},
    ]
    _expect_run(stubbed, _stopped(containers, "EssentialContainerExited", "Essential container in task exited"))
    result = run_module(ecs_run_task.main, dict(STUB_ARGS, log_lines=0))

    assert result["failed"] is True
    assert result["msg"] == (
        "The one-off task failed: essential container prestashop of task 0123456789abcdef0123456789abcdef: exit code 3"
    )
    assert result["exit_codes"] == {"prestashop": 3, "sidecar": 137}  # the sidecar is not essential: not a failure
    assert result["tasks"][0]["stop_code"] == "EssentialContainerExited"
    assert result["tasks"][0]["stopped_reason"] == "Essential container in task exited"


def test_never_started_fails_with_the_reason(run_module: Callable[..., dict], stubbed: Stubber) -> None:
    containers = [
        {
            "name": "prestashop",
            "lastStatus": "STOPPED",
            "reason": "CannotPullContainerError: pull image manifest has been retried 5 time(s)",
        },
        {"name": "sidecar", "lastStatus": "STOPPED"},
    ]
    _expect_run(stubbed, _stopped(containers, "TaskFailedToStart", "CannotPullContainerError: ..."))
    result = run_module(ecs_run_task.main, dict(STUB_ARGS, log_lines=0))

    assert result["failed"] is True
    assert "task 0123456789abcdef0123456789abcdef failed to start: CannotPullContainerError" in result["msg"]
    assert "essential container prestashop of task 0123456789abcdef0123456789abcdef: no exit code " in result["msg"]
    assert result["exit_codes"]["prestashop"] is None


def test_placement_failure_fails(run_module: Callable[..., dict], stubbed: Stubber) -> None:
    stubbed.add_response("describe_task_definition", _task_definition(), {"taskDefinition": "shop-dev-shop"})
    failure = {
        "arn": f"arn:aws:ecs:{REGION}:123456789012:container-instance/{CLUSTER}/abc",
        "reason": "RESOURCE:MEMORY",
    }
    stubbed.add_response("run_task", {"tasks": [], "failures": [failure]})
    result = run_module(ecs_run_task.main, STUB_ARGS)

    assert result["failed"] is True
    assert result["msg"].startswith("The task never started: ECS placed 0 of 1 task(s)")
    assert "RESOURCE:MEMORY" in result["msg"]
    assert result["failures"] == [failure]


def test_throttling_is_retried(run_module: Callable[..., dict], stubbed: Stubber, no_sleep: list) -> None:
    stubbed.add_client_error("describe_task_definition", "ThrottlingException", "Rate exceeded", 400)
    containers = [
        {"name": "prestashop", "lastStatus": "STOPPED", "exitCode": 0},
        {"name": "sidecar", "lastStatus": "STOPPED", "exitCode": 0},
    ]
    _expect_run(stubbed, _stopped(containers, "EssentialContainerExited", "Essential container in task exited"))
    result = run_module(ecs_run_task.main, dict(STUB_ARGS, log_lines=0))

    assert result.get("failed") is not True, result
    assert result["exit_codes"] == {"prestashop": 0, "sidecar": 0}
