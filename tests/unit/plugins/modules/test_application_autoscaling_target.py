"""kstore.platform.application_autoscaling_target: the real module code against the real emulator over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest
from ansible_collections.kstore.platform.plugins.modules import application_autoscaling_target

REGION = "eu-west-1"
CLUSTER = "shop-dev-cluster"
SERVICE = "shop-dev-shop"
RESOURCE_ID = f"service/{CLUSTER}/{SERVICE}"
DIMENSION = "ecs:service:DesiredCount"
NOT_SUSPENDED = {
    "dynamic_scaling_in_suspended": False,
    "dynamic_scaling_out_suspended": False,
    "scheduled_scaling_suspended": False,
}


@pytest.fixture()
def aas(clean_emulator: Any) -> Any:
    return boto3.client("application-autoscaling", region_name=REGION, endpoint_url=clean_emulator.url)


@pytest.fixture()
def service(clean_emulator: Any) -> str:
    """An ECS service to scale (AWS, and the emulator, refuse a target for a service that does not exist)."""
    ecs = boto3.client("ecs", region_name=REGION, endpoint_url=clean_emulator.url)
    ecs.create_cluster(clusterName=CLUSTER)
    ecs.register_task_definition(
        family="shop-dev-shop",
        containerDefinitions=[{"name": "app", "image": "nginx", "memory": 128, "essential": True}],
    )
    ecs.create_service(cluster=CLUSTER, serviceName=SERVICE, taskDefinition="shop-dev-shop", desiredCount=0)
    clean_emulator.reset_requests()
    return RESOURCE_ID


@pytest.fixture()
def target(run_module: Callable[..., dict], service: str) -> Callable[..., dict]:
    def run(check_mode: bool = False, diff: bool = False, **args: Any) -> dict:
        module_args = {"service_namespace": "ecs", "resource_id": service, "scalable_dimension": DIMENSION, **args}
        return run_module(application_autoscaling_target.main, module_args, check_mode=check_mode, diff=diff)

    return run


def described(aas: Any) -> list[dict]:
    return aas.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[RESOURCE_ID])["ScalableTargets"]


def calls(emulator: Any, action: str) -> int:
    return emulator.requests()["by_action"].get(f"application-autoscaling:{action}", 0)


def test_register_then_idempotent(target: Callable[..., dict], aas: Any, clean_emulator: Any) -> None:
    result = target(min_capacity=2, max_capacity=6, diff=True)
    assert result["changed"] is True, result
    returned = result["scalable_target"]
    assert returned["resource_id"] == RESOURCE_ID
    assert returned["service_namespace"] == "ecs"
    assert returned["scalable_dimension"] == DIMENSION
    assert (returned["min_capacity"], returned["max_capacity"]) == (2, 6)
    assert returned["suspended_state"] == NOT_SUSPENDED
    assert returned["scalable_target_arn"].startswith("arn:aws:application-autoscaling:eu-west-1:")
    assert "creation_time" in returned
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["min_capacity"] == 2
    assert [(t["MinCapacity"], t["MaxCapacity"]) for t in described(aas)] == [(2, 6)]

    again = target(min_capacity=2, max_capacity=6, diff=True)
    assert again["changed"] is False, again
    assert again["diff"]["before"] == again["diff"]["after"]
    assert again["scalable_target"]["scalable_target_arn"] == returned["scalable_target_arn"]
    assert calls(clean_emulator, "RegisterScalableTarget") == 1


def test_check_mode_registers_nothing(target: Callable[..., dict], aas: Any, clean_emulator: Any) -> None:
    result = target(min_capacity=2, max_capacity=6, check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["scalable_target"]["min_capacity"] == 2
    assert "scalable_target_arn" not in result["scalable_target"]
    assert result["diff"]["after"]["max_capacity"] == 6
    assert described(aas) == []
    assert calls(clean_emulator, "RegisterScalableTarget") == 0


def test_update_capacities(target: Callable[..., dict], aas: Any, clean_emulator: Any) -> None:
    target(min_capacity=2, max_capacity=6)
    check = target(min_capacity=1, max_capacity=4, check_mode=True)
    assert check["changed"] is True
    assert [(t["MinCapacity"], t["MaxCapacity"]) for t in described(aas)] == [(2, 6)]

    result = target(min_capacity=1, max_capacity=4, diff=True)
    assert result["changed"] is True
    assert result["diff"]["before"]["min_capacity"] == 2 and result["diff"]["after"]["min_capacity"] == 1
    assert (result["scalable_target"]["min_capacity"], result["scalable_target"]["max_capacity"]) == (1, 4)
    assert [(t["MinCapacity"], t["MaxCapacity"]) for t in described(aas)] == [(1, 4)]

    # Only max set: min is left alone.
    only_max = target(max_capacity=5)
    assert only_max["changed"] is True
    assert [(t["MinCapacity"], t["MaxCapacity"]) for t in described(aas)] == [(1, 5)]
    assert target(max_capacity=5)["changed"] is False
    assert target()["changed"] is False


def test_suspended_state(target: Callable[..., dict], aas: Any) -> None:
    target(min_capacity=2, max_capacity=6)
    result = target(suspended_state={"dynamic_scaling_in_suspended": True})
    assert result["changed"] is True
    assert result["scalable_target"]["suspended_state"] == dict(NOT_SUSPENDED, dynamic_scaling_in_suspended=True)
    assert described(aas)[0]["SuspendedState"]["DynamicScalingInSuspended"] is True
    assert target(suspended_state={"dynamic_scaling_in_suspended": True})["changed"] is False
    # The flags the task does not set keep their value.
    assert target(suspended_state={"scheduled_scaling_suspended": False})["changed"] is False
    assert target(suspended_state={"dynamic_scaling_in_suspended": False})["changed"] is True
    assert described(aas)[0]["SuspendedState"] == {
        "DynamicScalingInSuspended": False,
        "DynamicScalingOutSuspended": False,
        "ScheduledScalingSuspended": False,
    }


def test_deregister_and_idempotent(target: Callable[..., dict], aas: Any, clean_emulator: Any) -> None:
    target(min_capacity=2, max_capacity=6)
    check = target(state="absent", check_mode=True, diff=True)
    assert check["changed"] is True
    assert check["diff"]["after"] == {}
    assert len(described(aas)) == 1

    result = target(state="absent", diff=True)
    assert result["changed"] is True
    assert result["diff"]["before"]["max_capacity"] == 6 and result["diff"]["after"] == {}
    assert described(aas) == []
    assert calls(clean_emulator, "DeregisterScalableTarget") == 1

    again = target(state="absent")
    assert again["changed"] is False
    assert calls(clean_emulator, "DeregisterScalableTarget") == 1


def test_new_target_needs_both_capacities(target: Callable[..., dict], aas: Any, clean_emulator: Any) -> None:
    result = target(min_capacity=2)
    assert result["failed"] is True
    assert "min_capacity and max_capacity are required" in result["msg"]
    assert calls(clean_emulator, "RegisterScalableTarget") == 0


def test_min_above_existing_max_is_refused(target: Callable[..., dict], aas: Any, clean_emulator: Any) -> None:
    target(min_capacity=2, max_capacity=4)
    result = target(min_capacity=5)
    assert result["failed"] is True
    assert "would be greater than max_capacity (4)" in result["msg"]
    assert calls(clean_emulator, "RegisterScalableTarget") == 1


def test_missing_service_fails(run_module: Callable[..., dict], clean_emulator: Any) -> None:
    args = {
        "service_namespace": "ecs",
        "resource_id": "service/nope/nope",
        "scalable_dimension": DIMENSION,
        "min_capacity": 1,
        "max_capacity": 2,
    }
    result = run_module(application_autoscaling_target.main, args)
    assert result["failed"] is True
    assert "Failed to register the scalable target service/nope/nope" in result["msg"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"min_capacity": 5, "max_capacity": 2}, "min_capacity (5) must not be greater than max_capacity (2)"),
        ({"min_capacity": -1, "max_capacity": 2}, "min_capacity must be 0 or more"),
        ({"scalable_dimension": "dynamodb:table:ReadCapacityUnits"}, "does not belong to service_namespace 'ecs'"),
        ({"resource_id": " "}, "resource_id must not be empty"),
        ({"service_namespace": "nope"}, "value of service_namespace must be one of"),
        ({"suspended_state": {"typo": True}}, "typo"),
    ],
)
def test_bad_input_makes_no_request(
    run_module: Callable[..., dict], clean_emulator: Any, args: dict, message: str
) -> None:
    module_args = {"service_namespace": "ecs", "resource_id": RESOURCE_ID, "scalable_dimension": DIMENSION, **args}
    clean_emulator.reset_requests()
    result = run_module(application_autoscaling_target.main, module_args)
    assert result["failed"] is True
    assert message in result["msg"]
    assert clean_emulator.requests()["total"] == 0
