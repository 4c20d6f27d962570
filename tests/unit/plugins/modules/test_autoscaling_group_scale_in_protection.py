"""kstore.platform.autoscaling_group_scale_in_protection: the real module code against the real emulator over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest
from ansible_collections.kstore.platform.plugins.modules import autoscaling_group_scale_in_protection

GROUP = "shop-dev-ecs"


def _client(emulator: Any, service: str) -> Any:
    return boto3.client(service, region_name="eu-west-1", endpoint_url=emulator.url)


@pytest.fixture()
def autoscaling(clean_emulator: Any) -> Any:
    return _client(clean_emulator, "autoscaling")


def _make_group(emulator: Any, capacity: int) -> None:
    ec2, autoscaling = _client(emulator, "ec2"), _client(emulator, "autoscaling")
    vpc = ec2.create_vpc(CidrBlock="10.41.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.41.1.0/24")["Subnet"]["SubnetId"]
    ec2.create_launch_template(LaunchTemplateName=f"{GROUP}-lt", LaunchTemplateData={"ImageId": "ami-12c6146b"})
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=GROUP,
        LaunchTemplate={"LaunchTemplateName": f"{GROUP}-lt"},
        MinSize=0,
        MaxSize=max(capacity, 1),
        DesiredCapacity=capacity,
        VPCZoneIdentifier=subnet,
    )
    emulator.reset_requests()


@pytest.fixture()
def group(clean_emulator: Any) -> None:
    _make_group(clean_emulator, 2)


@pytest.fixture()
def protection(run_module: Callable[..., dict]) -> Callable[..., dict]:
    def run(check_mode: bool = False, diff: bool = False, **args: Any) -> dict:
        return run_module(
            autoscaling_group_scale_in_protection.main, {"name": GROUP, **args}, check_mode=check_mode, diff=diff
        )

    return run


def described(autoscaling: Any) -> dict:
    return autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[GROUP])["AutoScalingGroups"][0]


def instance_protection(autoscaling: Any) -> dict[str, bool]:
    return {i["InstanceId"]: i["ProtectedFromScaleIn"] for i in described(autoscaling)["Instances"]}


def calls(emulator: Any, action: str) -> int:
    return emulator.requests()["by_action"].get(f"autoscaling:{action}", 0)


def test_protect_group_only_then_idempotent(
    protection: Callable[..., dict], autoscaling: Any, group: None, clean_emulator: Any
) -> None:
    result = protection(new_instances_protected=True, diff=True)
    assert result["changed"] is True, result
    assert result["new_instances_protected"] is True
    assert result["changed_instance_ids"] == []
    assert result["auto_scaling_group_arn"] == described(autoscaling)["AutoScalingGroupARN"]
    assert result["diff"]["before"]["new_instances_protected"] is False
    assert result["diff"]["after"]["new_instances_protected"] is True
    assert described(autoscaling)["NewInstancesProtectedFromScaleIn"] is True
    # existing_instances=leave: the running instances keep their protection (none).
    assert set(instance_protection(autoscaling).values()) == {False}

    again = protection(new_instances_protected=True)
    assert again["changed"] is False, again
    assert calls(clean_emulator, "UpdateAutoScalingGroup") == 1
    assert calls(clean_emulator, "SetInstanceProtection") == 0


def test_match_protects_existing_instances(
    protection: Callable[..., dict], autoscaling: Any, group: None, clean_emulator: Any
) -> None:
    instances = sorted(instance_protection(autoscaling))
    assert len(instances) == 2
    result = protection(new_instances_protected=True, existing_instances="match", diff=True)
    assert result["changed"] is True, result
    assert result["changed_instance_ids"] == instances
    assert result["diff"]["after"]["instances_protected"] == dict.fromkeys(instances, True)
    assert instance_protection(autoscaling) == dict.fromkeys(instances, True)
    assert described(autoscaling)["NewInstancesProtectedFromScaleIn"] is True

    again = protection(new_instances_protected=True, existing_instances="match")
    assert again["changed"] is False, again
    assert again["changed_instance_ids"] == []
    assert calls(clean_emulator, "SetInstanceProtection") == 1

    # Turning it off again unprotects both the group's new instances and the running ones.
    off = protection(new_instances_protected=False, existing_instances="match")
    assert off["changed"] is True
    assert off["changed_instance_ids"] == instances
    assert described(autoscaling)["NewInstancesProtectedFromScaleIn"] is False
    assert instance_protection(autoscaling) == dict.fromkeys(instances, False)


def test_only_instances_differ(
    protection: Callable[..., dict], autoscaling: Any, group: None, clean_emulator: Any
) -> None:
    autoscaling.update_auto_scaling_group(AutoScalingGroupName=GROUP, NewInstancesProtectedFromScaleIn=True)
    clean_emulator.reset_requests()
    result = protection(new_instances_protected=True, existing_instances="match")
    assert result["changed"] is True
    assert len(result["changed_instance_ids"]) == 2
    assert calls(clean_emulator, "UpdateAutoScalingGroup") == 0
    assert calls(clean_emulator, "SetInstanceProtection") == 1


def test_check_mode_changes_nothing(
    protection: Callable[..., dict], autoscaling: Any, group: None, clean_emulator: Any
) -> None:
    result = protection(new_instances_protected=True, existing_instances="match", check_mode=True, diff=True)
    assert result["changed"] is True
    assert len(result["changed_instance_ids"]) == 2
    assert result["diff"]["after"]["new_instances_protected"] is True
    assert described(autoscaling)["NewInstancesProtectedFromScaleIn"] is False
    assert set(instance_protection(autoscaling).values()) == {False}
    assert calls(clean_emulator, "UpdateAutoScalingGroup") == 0
    assert calls(clean_emulator, "SetInstanceProtection") == 0


def test_already_unprotected_is_not_changed(protection: Callable[..., dict], group: None, clean_emulator: Any) -> None:
    result = protection(new_instances_protected=False, existing_instances="match")
    assert result["changed"] is False, result
    assert calls(clean_emulator, "DescribeAutoScalingGroups") == 1
    assert clean_emulator.requests()["total"] == 1


def test_batches_of_fifty(protection: Callable[..., dict], autoscaling: Any, clean_emulator: Any) -> None:
    _make_group(clean_emulator, 51)
    result = protection(new_instances_protected=True, existing_instances="match")
    assert len(result["changed_instance_ids"]) == 51
    assert calls(clean_emulator, "SetInstanceProtection") == 2
    assert set(instance_protection(autoscaling).values()) == {True}


def test_missing_group_fails(protection: Callable[..., dict], clean_emulator: Any) -> None:
    result = protection(new_instances_protected=True)
    assert result["failed"] is True
    assert f"Auto Scaling group {GROUP} does not exist" in result["msg"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"name": GROUP}, "new_instances_protected"),
        ({"name": " ", "new_instances_protected": True}, "name must be the name of an Auto Scaling group"),
        ({"name": GROUP, "new_instances_protected": True, "existing_instances": "all"}, "existing_instances"),
    ],
)
def test_bad_input_makes_no_request(
    run_module: Callable[..., dict], clean_emulator: Any, args: dict, message: str
) -> None:
    clean_emulator.reset_requests()
    result = run_module(autoscaling_group_scale_in_protection.main, args)
    assert result["failed"] is True
    assert message in result["msg"]
    assert clean_emulator.requests()["total"] == 0
