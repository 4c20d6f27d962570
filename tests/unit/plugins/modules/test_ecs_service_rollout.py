"""kstore.platform.ecs_service_rollout: the real module code against the real emulator over HTTP, and botocore
Stubber where the emulator cannot produce the state.

With tools/emulator/fidelity/ecs_service_deployment_lifecycle, the emulator's services get a new PRIMARY deployment
on UpdateService and complete it once the cluster has an ACTIVE container instance; it never fails a deployment nor
rolls one back (it runs no containers). A FAILED deployment and a circuit-breaker rollback are tested with
Stubber, answering DescribeServices in the shape AWS's ECS API reference documents for them.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.kstore.platform.plugins.modules import ecs_service_rollout
from botocore.stub import Stubber

REGION = "eu-west-1"
CLUSTER = "shop-dev-cluster"
SERVICE = "shop-dev-shop"
TD = "arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-dev-shop:{}"


@pytest.fixture()
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    sleeps: list[float] = []
    monkeypatch.setattr(ecs_service_rollout.time, "sleep", sleeps.append)
    return sleeps


def _service(url: str, with_instance: bool) -> Any:
    ec2 = boto3.client("ec2", region_name=REGION, endpoint_url=url)
    ecs = boto3.client("ecs", region_name=REGION, endpoint_url=url)
    ecs.create_cluster(clusterName=CLUSTER)
    if with_instance:
        image_id = ec2.describe_images()["Images"][0]["ImageId"]
        instance_id = ec2.run_instances(ImageId=image_id, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
        document = {"instanceId": instance_id, "region": REGION, "accountId": "123456789012"}
        ecs.register_container_instance(cluster=CLUSTER, instanceIdentityDocument=json.dumps(document))
    for _revision in range(2):
        ecs.register_task_definition(family=SERVICE, containerDefinitions=[{"name": "web", "image": "x", "memory": 64}])
    ecs.create_service(cluster=CLUSTER, serviceName=SERVICE, taskDefinition=f"{SERVICE}:1", desiredCount=2)
    return ecs


ARGS = {"cluster": CLUSTER, "service": SERVICE, "delay": 1, "region": REGION}


def test_completed_rollout(run_module: Callable[..., dict], clean_emulator: Any, no_sleep: list) -> None:
    ecs = _service(clean_emulator.url, with_instance=True)
    ecs.update_service(cluster=CLUSTER, service=SERVICE, taskDefinition=f"{SERVICE}:2")
    result = run_module(ecs_service_rollout.main, dict(ARGS, expected_task_definition=f"{SERVICE}:2"))

    assert result.get("failed") is not True, result
    assert result["changed"] is False
    assert (result["completed"], result["rolled_back"], result["rollout_state"]) == (True, False, "COMPLETED")
    assert result["service"]["task_definition"] == TD.format(2)
    assert result["service"]["running_count"] == result["service"]["desired_count"] == 2
    assert result["events"][0]["message"] == f"(service {SERVICE}) has reached a steady state."


def test_timeout_reports_deployments_and_events(
    run_module: Callable[..., dict], clean_emulator: Any, no_sleep: list
) -> None:
    _service(clean_emulator.url, with_instance=False)  # nothing can be placed: stays IN_PROGRESS
    result = run_module(ecs_service_rollout.main, dict(ARGS, timeout=0))

    assert result["failed"] is True
    assert result["msg"].startswith(
        f"The rollout of service {SERVICE} did not complete within 0 s "
        "(PRIMARY rollout state IN_PROGRESS, running 0 of 2)"
    )
    assert "PRIMARY ecs-svc/" in result["msg"]
    assert "unable to place a task" in result["msg"]


def test_check_mode_does_not_wait(run_module: Callable[..., dict], clean_emulator: Any, no_sleep: list) -> None:
    _service(clean_emulator.url, with_instance=False)
    result = run_module(ecs_service_rollout.main, dict(ARGS, timeout=600), check_mode=True)

    assert result.get("failed") is not True, result
    assert (result["changed"], result["completed"], result["rollout_state"]) == (False, False, "IN_PROGRESS")
    assert no_sleep == []
    assert clean_emulator.requests()["by_action"]["ecs:DescribeServices"] == 1


def test_other_task_definition_is_a_rollback(
    run_module: Callable[..., dict], clean_emulator: Any, no_sleep: list
) -> None:
    _service(clean_emulator.url, with_instance=True)
    result = run_module(ecs_service_rollout.main, dict(ARGS, expected_task_definition=TD.format(2)))

    assert result["failed"] is True
    assert result["rolled_back"] is True
    assert f"runs {TD.format(1)}, not {TD.format(2)}: the deployment circuit breaker rolled it back" in result["msg"]


def test_missing_service(run_module: Callable[..., dict], clean_emulator: Any) -> None:
    boto3.client("ecs", region_name=REGION, endpoint_url=clean_emulator.url).create_cluster(clusterName=CLUSTER)
    result = run_module(ecs_service_rollout.main, ARGS)
    assert result["failed"] is True
    assert result["msg"] == f"Service {SERVICE} of cluster {CLUSTER} is not ACTIVE (MISSING): nothing rolls out"


# --- Stubber: a circuit-breaker rollback, which the emulator never produces --------------------------------------

T0 = datetime.datetime(2026, 11, 21, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture()
def stubbed(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubber]:
    client = boto3.client("ecs", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="y")
    stubber = Stubber(client)
    monkeypatch.setattr(
        AnsibleAWSModule,
        "client",
        lambda self, service, retry_decorator=None, **_: RetryingBotoClientWrapper(client, retry_decorator),
    )
    with stubber:
        yield stubber
    stubber.assert_no_pending_responses()


def _described(deployments: list[dict], events: list[dict], running: int = 2) -> dict:
    return {
        "services": [
            {
                "serviceArn": f"arn:aws:ecs:{REGION}:123456789012:service/{CLUSTER}/{SERVICE}",
                "serviceName": SERVICE,
                "status": "ACTIVE",
                "desiredCount": 2,
                "runningCount": running,
                "pendingCount": 0,
                "taskDefinition": deployments[0]["taskDefinition"],
                "deployments": deployments,
                "events": events,
            }
        ],
        "failures": [],
    }


def _deployment(number: int, status: str, rollout: str, reason: str, minutes: int, failed: int = 0) -> dict:
    return {
        "id": f"ecs-svc/{number}",
        "status": status,
        "taskDefinition": TD.format(number),
        "desiredCount": 2,
        "pendingCount": 0,
        "runningCount": 2 if status == "PRIMARY" else 0,
        "failedTasks": failed,
        "createdAt": T0 + datetime.timedelta(minutes=minutes),
        "updatedAt": T0 + datetime.timedelta(minutes=minutes),
        "rolloutState": rollout,
        "rolloutStateReason": reason,
    }


def test_circuit_breaker_rollback_fails_with_states_and_events(
    run_module: Callable[..., dict], stubbed: Stubber
) -> None:
    # What AWS shows after the circuit breaker gave up on revision 8: a new PRIMARY deployment of revision 7 (the
    # rollback), the failed one ACTIVE/FAILED, and the service events saying so.
    deployments = [
        _deployment(7, "PRIMARY", "COMPLETED", "ECS deployment ecs-svc/7 completed.", 10),
        _deployment(8, "ACTIVE", "FAILED", "ECS deployment circuit breaker: tasks failed to start.", 0, failed=6),
    ]
    events = [
        {
            "id": "e3",
            "createdAt": T0 + datetime.timedelta(minutes=12),
            "message": f"(service {SERVICE}) has reached a steady state.",
        },
        {
            "id": "e2",
            "createdAt": T0 + datetime.timedelta(minutes=9),
            "message": f"(service {SERVICE}) (deployment ecs-svc/8) deployment failed: tasks failed to start.",
        },
        {
            "id": "e1",
            "createdAt": T0 + datetime.timedelta(minutes=9),
            "message": f"(service {SERVICE}) rolling back to deployment ecs-svc/7.",
        },
    ]
    stubbed.add_response(
        "describe_services", _described(deployments, events), {"cluster": CLUSTER, "services": [SERVICE]}
    )
    result = run_module(ecs_service_rollout.main, dict(ARGS, expected_task_definition=f"{SERVICE}:8", events=2))

    assert result["failed"] is True
    assert result["rolled_back"] is True
    assert f"runs {TD.format(7)}, not {SERVICE}:8" in result["msg"]
    assert (
        "ecs-svc/8 (" + TD.format(8) + ": ECS deployment circuit breaker: tasks failed to start.) FAILED"
        in result["msg"]
    )
    assert "deployment failed: tasks failed to start." in result["msg"]
    assert "rolling back to" not in result["msg"]  # events=2: only the latest two
    assert [d["id"] for d in result["deployments"]] == ["ecs-svc/7", "ecs-svc/8"]


def test_primary_failed_without_rollback(run_module: Callable[..., dict], stubbed: Stubber) -> None:
    deployments = [_deployment(8, "PRIMARY", "FAILED", "ECS deployment circuit breaker: tasks failed to start.", 0, 4)]
    stubbed.add_response(
        "describe_services", _described(deployments, [], running=0), {"cluster": CLUSTER, "services": [SERVICE]}
    )
    result = run_module(ecs_service_rollout.main, ARGS)

    assert result["failed"] is True
    assert result["rollout_state"] == "FAILED"
    assert (
        "the PRIMARY deployment ecs-svc/8 FAILED: ECS deployment circuit breaker: tasks failed to start."
        in result["msg"]
    )


def test_throttling_is_retried_while_waiting(run_module: Callable[..., dict], stubbed: Stubber, no_sleep: list) -> None:
    in_progress = [_deployment(8, "PRIMARY", "IN_PROGRESS", "ECS deployment ecs-svc/8 in progress.", 0)]
    done = [_deployment(8, "PRIMARY", "COMPLETED", "ECS deployment ecs-svc/8 completed.", 0)]
    expected = {"cluster": CLUSTER, "services": [SERVICE]}
    stubbed.add_response("describe_services", _described(in_progress, [], running=1), expected)
    stubbed.add_client_error("describe_services", "ThrottlingException", "Rate exceeded", 400)
    stubbed.add_response("describe_services", _described(done, []), expected)
    result = run_module(ecs_service_rollout.main, dict(ARGS, expected_task_definition=TD.format(8)))

    assert result.get("failed") is not True, result
    assert result["completed"] is True
