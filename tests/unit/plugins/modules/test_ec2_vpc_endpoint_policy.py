"""kstore.platform.ec2_vpc_endpoint_policy: the real module code against the real emulator over HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from ansible_collections.kstore.platform.plugins.modules import ec2_vpc_endpoint_policy

RESTRICTED = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "*",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalAccount": "123456789012"}},
        }
    ],
}


@pytest.fixture()
def ec2(clean_emulator: Any) -> Any:
    return boto3.client("ec2", region_name="eu-west-1", endpoint_url=clean_emulator.url)


@pytest.fixture()
def endpoint_id(ec2: Any, clean_emulator: Any) -> str:
    """An endpoint created without a policy: AWS's full-access default, as amazon.aws.ec2_vpc_endpoint leaves it."""
    vpc = ec2.create_vpc(CidrBlock="10.77.0.0/16")["Vpc"]["VpcId"]
    endpoint = ec2.create_vpc_endpoint(VpcId=vpc, ServiceName="com.amazonaws.eu-west-1.s3", VpcEndpointType="Gateway")
    clean_emulator.reset_requests()
    return endpoint["VpcEndpoint"]["VpcEndpointId"]


@pytest.fixture()
def policy_module(run_module: Callable[..., dict], endpoint_id: str) -> Callable[..., dict]:
    def run(check_mode: bool = False, diff: bool = False, **args: Any) -> dict:
        module_args = {"vpc_endpoint_id": endpoint_id, "policy": RESTRICTED, "region": "eu-west-1", **args}
        return run_module(ec2_vpc_endpoint_policy.main, module_args, check_mode=check_mode, diff=diff)

    return run


def policy_of(ec2: Any, endpoint_id: str) -> dict:
    return json.loads(ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"][0]["PolicyDocument"])


def modify_calls(emulator: Any) -> int:
    return emulator.requests()["by_action"].get("ec2:ModifyVpcEndpoint", 0)


def test_restricts_an_existing_full_access_endpoint_then_idempotent(
    policy_module: Callable[..., dict], ec2: Any, endpoint_id: str, clean_emulator: Any
) -> None:
    assert policy_of(ec2, endpoint_id)["Statement"][0].get("Condition") is None  # the default
    result = policy_module(diff=True)
    assert result["changed"] is True, result
    assert result["diff"]["before"]["policy"]["Statement"][0]["Principal"] == "*"
    assert result["diff"]["after"]["policy"] == RESTRICTED
    assert policy_of(ec2, endpoint_id) == RESTRICTED

    again = policy_module()
    assert again["changed"] is False, again
    assert modify_calls(clean_emulator) == 1


def test_same_policy_in_another_spelling_is_no_change(
    policy_module: Callable[..., dict], ec2: Any, endpoint_id: str
) -> None:
    policy_module()
    respelled = json.loads(json.dumps(RESTRICTED))
    respelled["Statement"][0]["Action"] = ["*"]
    assert policy_module(policy=json.dumps(respelled, indent=2))["changed"] is False


def test_check_mode_changes_nothing(
    policy_module: Callable[..., dict], ec2: Any, endpoint_id: str, clean_emulator: Any
) -> None:
    result = policy_module(check_mode=True, diff=True)
    assert result["changed"] is True
    assert "Condition" not in policy_of(ec2, endpoint_id)["Statement"][0]
    assert modify_calls(clean_emulator) == 0


def test_missing_endpoint_fails(run_module: Callable[..., dict], clean_emulator: Any) -> None:
    result = run_module(
        ec2_vpc_endpoint_policy.main,
        {"vpc_endpoint_id": "vpce-0123456789abcdef0", "policy": RESTRICTED, "region": "eu-west-1"},
    )
    assert result["failed"] is True
    assert "does not exist" in result["msg"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"vpc_endpoint_id": "endpoint-1"}, "must be an endpoint id"),
        ({"policy": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}, "Principal"),
        ({"policy": {"Version": "2012-10-17"}}, "Principal"),
    ],
)
def test_bad_input_makes_no_request(
    run_module: Callable[..., dict], clean_emulator: Any, args: dict, message: str
) -> None:
    clean_emulator.reset_requests()
    module_args = {"vpc_endpoint_id": "vpce-0123456789abcdef0", "policy": RESTRICTED, "region": "eu-west-1", **args}
    result = run_module(ec2_vpc_endpoint_policy.main, module_args)
    assert result["failed"] is True
    assert message in result["msg"]
    assert clean_emulator.requests()["total"] == 0
