"""kstore.platform.ecs_container_instance_state against the emulator (container instances registered as the agent
registers them)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from ansible_collections.kstore.platform.plugins.modules import ecs_container_instance_state

CLUSTER = "kstore-local-cluster"


@pytest.fixture()
def ecs(clean_emulator: Any) -> Any:
    return boto3.client("ecs", region_name="eu-west-1", endpoint_url=clean_emulator.url)


@pytest.fixture()
def instance_id(ecs: Any, clean_emulator: Any) -> str:
    ec2 = boto3.client("ec2", region_name="eu-west-1", endpoint_url=clean_emulator.url)
    ecs.create_cluster(clusterName=CLUSTER)
    ids = [i["InstanceId"] for i in ec2.run_instances(ImageId="ami-12c6146b", MinCount=2, MaxCount=2)["Instances"]]
    for iid in ids:
        document = json.dumps({"instanceId": iid, "region": "eu-west-1", "accountId": "123456789012"})
        ecs.register_container_instance(cluster=CLUSTER, instanceIdentityDocument=document)
    ecs.register_task_definition(family="probe", containerDefinitions=[{"name": "p", "image": "busybox", "memory": 64}])
    return ids[0]


@pytest.fixture()
def state(run_module: Callable[..., dict], instance_id: str) -> Callable[..., dict]:
    def run(status: str, check_mode: bool = False, **args: Any) -> dict:
        module_args = {"cluster": CLUSTER, "ec2_instance_id": instance_id, "status": status, "wait_delay": 0, **args}
        return run_module(ecs_container_instance_state.main, module_args, check_mode=check_mode, diff=True)

    return run


def _status(ecs: Any, instance_id: str) -> str:
    arns = ecs.list_container_instances(cluster=CLUSTER)["containerInstanceArns"]
    items = ecs.describe_container_instances(cluster=CLUSTER, containerInstances=arns)["containerInstances"]
    return next(i["status"] for i in items if i["ec2InstanceId"] == instance_id)


def _arn(ecs: Any, instance_id: str) -> str:
    arns = ecs.list_container_instances(cluster=CLUSTER)["containerInstanceArns"]
    items = ecs.describe_container_instances(cluster=CLUSTER, containerInstances=arns)["containerInstances"]
    return next(i["containerInstanceArn"] for i in items if i["ec2InstanceId"] == instance_id)


def test_drain_then_activate(state: Callable[..., dict], ecs: Any, instance_id: str) -> None:
    check = state("DRAINING", check_mode=True)
    assert check["changed"] and _status(ecs, instance_id) == "ACTIVE"
    drained = state("DRAINING")
    assert drained["changed"]
    assert drained["container_instance"]["status"] == "DRAINING"
    assert drained["diff"] == {"before": {"status": "ACTIVE"}, "after": {"status": "DRAINING"}}
    assert _status(ecs, instance_id) == "DRAINING"
    assert not state("DRAINING")["changed"]
    assert state("ACTIVE")["changed"]
    assert _status(ecs, instance_id) == "ACTIVE"
    assert not state("ACTIVE")["changed"]


def test_wait_until_tasks_are_gone(
    state: Callable[..., dict], ecs: Any, instance_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    arn = _arn(ecs, instance_id)
    task = ecs.start_task(cluster=CLUSTER, taskDefinition="probe", containerInstances=[arn])["tasks"][0]["taskArn"]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:  # the task "moves" while the module waits
        sleeps.append(seconds)
        ecs.stop_task(cluster=CLUSTER, task=task)

    monkeypatch.setattr(time, "sleep", sleep)
    drained = state("DRAINING")
    assert drained["container_instance"]["running_tasks_count"] == 0
    assert sleeps


def test_wait_times_out_on_tasks_that_do_not_move(state: Callable[..., dict], ecs: Any, instance_id: str) -> None:
    ecs.start_task(cluster=CLUSTER, taskDefinition="probe", containerInstances=[_arn(ecs, instance_id)])
    result = state("DRAINING", wait_timeout=0)
    assert result["failed"]
    assert "still runs 1 task(s)" in result["msg"]


def test_unknown_instance_fails(run_module: Callable[..., dict], instance_id: str) -> None:
    result = run_module(
        ecs_container_instance_state.main, {"cluster": CLUSTER, "ec2_instance_id": "i-0000", "status": "DRAINING"}
    )
    assert result["failed"] and "No container instance i-0000" in result["msg"]
