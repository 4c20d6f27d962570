"""kstore.platform.ecs_capacity_provider: the real module code against the real emulator over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest
from ansible_collections.kstore.platform.plugins.modules import ecs_capacity_provider

MUTATING = (
    "ecs:CreateCapacityProvider",
    "ecs:UpdateCapacityProvider",
    "ecs:DeleteCapacityProvider",
    "ecs:TagResource",
    "ecs:UntagResource",
)


def _client(emulator: Any, service: str) -> Any:
    return boto3.client(service, region_name="eu-west-1", endpoint_url=emulator.url)


def _group(emulator: Any, name: str, cidr: str) -> str:
    ec2, autoscaling = _client(emulator, "ec2"), _client(emulator, "autoscaling")
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr.replace("0.0/16", "1.0/24"))["Subnet"]["SubnetId"]
    ec2.create_launch_template(LaunchTemplateName=f"{name}-lt", LaunchTemplateData={"ImageId": "ami-12c6146b"})
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=name,
        LaunchTemplate={"LaunchTemplateName": f"{name}-lt"},
        MinSize=0,
        MaxSize=2,
        VPCZoneIdentifier=subnet,
        NewInstancesProtectedFromScaleIn=True,
    )
    return autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0][
        "AutoScalingGroupARN"
    ]


@pytest.fixture()
def ecs(clean_emulator: Any) -> Any:
    return _client(clean_emulator, "ecs")


@pytest.fixture()
def group_arn(clean_emulator: Any) -> str:
    arn = _group(clean_emulator, "shop-dev-ecs", "10.40.0.0/16")
    clean_emulator.reset_requests()
    return arn


@pytest.fixture()
def provider(run_module: Callable[..., dict], group_arn: str) -> Callable[..., dict]:
    def run(check_mode: bool = False, diff: bool = False, **args: Any) -> dict:
        module_args = {"name": "shop-dev-ecs", "auto_scaling_group": "shop-dev-ecs", **args}
        module_args = {key: value for key, value in module_args.items() if value is not None}
        return run_module(ecs_capacity_provider.main, module_args, check_mode=check_mode, diff=diff)

    return run


def described(ecs: Any, name: str = "shop-dev-ecs") -> dict | None:
    found = ecs.describe_capacity_providers(capacityProviders=[name], include=["TAGS"])["capacityProviders"]
    return found[0] if found else None


def mutating_calls(emulator: Any) -> dict[str, int]:
    return {action: count for action, count in emulator.requests()["by_action"].items() if action in MUTATING}


SCALING = {"status": "ENABLED", "target_capacity": 90, "maximum_scaling_step_size": 2, "instance_warmup_period": 120}


def test_create_by_group_name(provider: Callable[..., dict], ecs: Any, group_arn: str) -> None:
    result = provider(
        managed_scaling=SCALING,
        managed_termination_protection="ENABLED",
        managed_draining="ENABLED",
        tags={"Component": "cluster"},
        diff=True,
    )

    assert result["changed"] is True, result
    created = described(ecs)
    asg = created["autoScalingGroupProvider"]
    assert asg["autoScalingGroupArn"] == group_arn
    assert asg["managedScaling"] == {
        "status": "ENABLED",
        "targetCapacity": 90,
        "minimumScalingStepSize": 1,
        "maximumScalingStepSize": 2,
        "instanceWarmupPeriod": 120,
    }
    assert asg["managedTerminationProtection"] == "ENABLED"
    assert asg["managedDraining"] == "ENABLED"
    assert created["tags"] == [{"key": "Component", "value": "cluster"}]
    cp = result["capacity_provider"]
    assert cp["capacity_provider_arn"] == created["capacityProviderArn"]
    assert cp["auto_scaling_group_provider"]["managed_scaling"]["target_capacity"] == 90
    assert cp["tags"] == {"Component": "cluster"}
    assert result["diff"]["before"] == {}


def test_second_run_is_not_changed(provider: Callable[..., dict], clean_emulator: Any) -> None:
    args = {"managed_scaling": SCALING, "managed_termination_protection": "ENABLED", "tags": {"A": "1"}}
    provider(**args)
    clean_emulator.reset_requests()

    second = provider(**args)

    assert second["changed"] is False, second
    assert mutating_calls(clean_emulator) == {}
    # Once it exists, the group is compared by name: no Auto Scaling call.
    assert not any(action.startswith("autoscaling:") for action in clean_emulator.requests()["by_action"])


def test_check_mode_create(provider: Callable[..., dict], ecs: Any, clean_emulator: Any) -> None:
    result = provider(managed_scaling=SCALING, tags={"A": "1"}, check_mode=True, diff=True)

    assert result["changed"] is True, result
    assert "capacity_provider_arn" not in result["capacity_provider"]
    assert result["capacity_provider"]["tags"] == {"A": "1"}
    assert described(ecs) is None
    assert mutating_calls(clean_emulator) == {}


def test_update_in_place(provider: Callable[..., dict], ecs: Any, clean_emulator: Any) -> None:
    arn = provider(managed_scaling=SCALING, managed_draining="ENABLED")["capacity_provider"]["capacity_provider_arn"]

    checked = provider(managed_scaling={"target_capacity": 70}, managed_draining="DISABLED", check_mode=True, diff=True)
    assert checked["changed"] is True
    assert checked["diff"]["before"]["auto_scaling_group_provider"]["managed_scaling"]["target_capacity"] == 90
    assert checked["diff"]["after"]["auto_scaling_group_provider"]["managed_scaling"]["target_capacity"] == 70
    assert described(ecs)["autoScalingGroupProvider"]["managedScaling"]["targetCapacity"] == 90

    result = provider(managed_scaling={"target_capacity": 70}, managed_draining="DISABLED")
    assert result["changed"] is True
    now = described(ecs)
    assert now["capacityProviderArn"] == arn
    scaling = now["autoScalingGroupProvider"]["managedScaling"]
    # Unset sub-options keep their value.
    assert (scaling["targetCapacity"], scaling["maximumScalingStepSize"], scaling["instanceWarmupPeriod"]) == (
        70,
        2,
        120,
    )
    assert now["autoScalingGroupProvider"]["managedDraining"] == "DISABLED"
    assert provider(managed_scaling={"target_capacity": 70}, managed_draining="DISABLED")["changed"] is False


def test_tags_update_and_purge(provider: Callable[..., dict], ecs: Any) -> None:
    provider(tags={"A": "1", "B": "2"})
    assert provider(tags={"B": "3", "C": "4"}, purge_tags=False)["changed"] is True
    assert {t["key"]: t["value"] for t in described(ecs)["tags"]} == {"A": "1", "B": "3", "C": "4"}
    assert provider()["changed"] is False  # no tags: left alone
    result = provider(tags={"C": "4"})
    assert result["changed"] is True
    assert described(ecs)["tags"] == [{"key": "C", "value": "4"}]
    assert result["capacity_provider"]["tags"] == {"C": "4"}


def test_other_group_is_refused(provider: Callable[..., dict], clean_emulator: Any, ecs: Any) -> None:
    provider()
    _group(clean_emulator, "shop-dev-other", "10.41.0.0/16")
    clean_emulator.reset_requests()

    result = provider(auto_scaling_group="shop-dev-other")

    assert result["failed"] is True
    assert "cannot change the group" in result["msg"]
    assert mutating_calls(clean_emulator) == {}


def test_delete(provider: Callable[..., dict], ecs: Any, clean_emulator: Any) -> None:
    provider()
    assert provider(state="absent", check_mode=True)["changed"] is True
    assert described(ecs) is not None
    assert provider(state="absent")["changed"] is True
    assert described(ecs) is None
    clean_emulator.reset_requests()
    assert provider(state="absent")["changed"] is False
    assert mutating_calls(clean_emulator) == {}


def test_delete_attached_is_explained(provider: Callable[..., dict], ecs: Any) -> None:
    provider()
    ecs.create_cluster(clusterName="shop-dev-cluster")
    ecs.put_cluster_capacity_providers(
        cluster="shop-dev-cluster",
        capacityProviders=["shop-dev-ecs"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "shop-dev-ecs", "weight": 1}],
    )

    result = provider(state="absent")

    assert result["failed"] is True
    assert "still used by a cluster" in result["msg"]
    assert described(ecs) is not None


def test_missing_group(run_module: Callable[..., dict], clean_emulator: Any) -> None:
    result = run_module(ecs_capacity_provider.main, {"name": "shop-dev-ecs", "auto_scaling_group": "nope"})
    assert result["failed"] is True
    assert "nope not found" in result["msg"]


def test_create_needs_group(run_module: Callable[..., dict], clean_emulator: Any) -> None:
    result = run_module(ecs_capacity_provider.main, {"name": "shop-dev-ecs"})
    assert result["failed"] is True
    assert "auto_scaling_group is required" in result["msg"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"name": "ecs-shop"}, "cannot start with"),
        ({"name": "shop", "managed_scaling": {"target_capacity": 0}}, "target_capacity must be 1-100"),
        (
            {"name": "shop", "managed_scaling": {"minimum_scaling_step_size": 5, "maximum_scaling_step_size": 2}},
            "is above maximum_scaling_step_size",
        ),
    ],
)
def test_bad_input_makes_no_call(
    run_module: Callable[..., dict], clean_emulator: Any, args: dict, message: str
) -> None:
    result = run_module(ecs_capacity_provider.main, args)
    assert result["failed"] is True
    assert message in result["msg"]
    assert clean_emulator.requests()["by_action"] == {}
