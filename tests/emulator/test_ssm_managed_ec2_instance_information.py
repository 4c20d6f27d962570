"""SSM DescribeInstanceInformation for SSM-enabled EC2 instances (fidelity/ssm_managed_ec2_instance_information)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def _profile(iam: Any, name: str, managed: list[str], inline: dict | None = None) -> str:
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST))
    for arn in managed:
        iam.attach_role_policy(RoleName=name, PolicyArn=arn)
    if inline:
        iam.put_role_policy(RoleName=name, PolicyName="inline", PolicyDocument=json.dumps(inline))
    iam.create_instance_profile(InstanceProfileName=name)
    iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=name)
    return name


def _run(ec2: Any, count: int, profile: str | None = None, tags: dict | None = None) -> list[str]:
    # One RunInstances per instance: moto associates the instance profile with the first instance of a call only.
    args: dict[str, Any] = {"ImageId": "ami-12c6146b", "MinCount": 1, "MaxCount": 1, "InstanceType": "t3.small"}
    if profile:
        args["IamInstanceProfile"] = {"Name": profile}
    if tags:
        args["TagSpecifications"] = [
            {"ResourceType": "instance", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}
        ]
    return [ec2.run_instances(**args)["Instances"][0]["InstanceId"] for _launch in range(count)]


def _listed(ssm: Any, **kwargs: Any) -> dict[str, dict]:
    pages = ssm.get_paginator("describe_instance_information").paginate(**kwargs)
    return {node["InstanceId"]: node for page in pages for node in page["InstanceInformationList"]}


def test_only_instances_allowed_to_register_are_managed(aws: Callable[[str], Any]) -> None:
    iam, ec2, ssm = aws("iam"), aws("ec2"), aws("ssm")
    core = _profile(iam, "core", [CORE])
    inline = _profile(
        iam,
        "inline",
        [],
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ssm:*", "Resource": "*"}]},
    )
    bare = _profile(iam, "bare", [])
    managed = _run(ec2, 2, core) + _run(ec2, 1, inline)
    _run(ec2, 1, bare)
    _run(ec2, 1)
    nodes = _listed(ssm)
    assert sorted(nodes) == sorted(managed)
    node = nodes[managed[0]]
    assert node["PingStatus"] == "Online"
    assert node["ResourceType"] == "EC2Instance"
    assert node["PlatformType"] == "Linux"
    assert node["IPAddress"]
    assert node["LastPingDateTime"]


def test_stopped_is_connection_lost_and_terminated_is_gone(aws: Callable[[str], Any]) -> None:
    iam, ec2, ssm = aws("iam"), aws("ec2"), aws("ssm")
    first, second, third = _run(ec2, 3, _profile(iam, "core", [CORE]))
    ec2.stop_instances(InstanceIds=[second])
    ec2.terminate_instances(InstanceIds=[third])
    nodes = _listed(ssm)
    assert {k: v["PingStatus"] for k, v in nodes.items()} == {first: "Online", second: "ConnectionLost"}
    online = _listed(ssm, Filters=[{"Key": "PingStatus", "Values": ["Online"]}])
    assert list(online) == [first]
    old_style = _listed(ssm, InstanceInformationFilterList=[{"key": "InstanceIds", "valueSet": [second]}])
    assert list(old_style) == [second]


def test_pages_and_tag_filters(aws: Callable[[str], Any]) -> None:
    iam, ec2, ssm = aws("iam"), aws("ec2"), aws("ssm")
    profile = _profile(iam, "core", [CORE])
    tagged = _run(ec2, 3, profile, {"Role": "ecs"})
    _run(ec2, 4, profile)
    first = ssm.describe_instance_information(MaxResults=5)
    assert len(first["InstanceInformationList"]) == 5
    second = ssm.describe_instance_information(MaxResults=5, NextToken=first["NextToken"])
    assert len(second["InstanceInformationList"]) == 2
    assert "NextToken" not in second
    assert sorted(_listed(ssm, Filters=[{"Key": "tag:Role", "Values": ["ecs"]}])) == sorted(tagged)
    assert sorted(_listed(ssm, Filters=[{"Key": "tag-key", "Values": ["Role"]}])) == sorted(tagged)
