"""ELBv2 Describe*Attributes return the defaults AWS documents (fidelity/elbv2_default_attributes)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _attrs(attributes: list[dict[str, str]]) -> dict[str, str]:
    return {a["Key"]: a["Value"] for a in attributes}


def _network(ec2: Any) -> tuple[str, list[str]]:
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"eu-west-1{az}")["Subnet"][
            "SubnetId"
        ]
        for i, az in enumerate("ab")
    ]
    return vpc_id, subnets


def test_application_load_balancer_defaults(aws: Callable[[str], Any]) -> None:
    elbv2 = aws("elbv2")
    _vpc_id, subnets = _network(aws("ec2"))
    arn = elbv2.create_load_balancer(Name="shop", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    attrs = _attrs(elbv2.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"])
    assert attrs["access_logs.s3.enabled"] == "false"
    assert attrs["idle_timeout.timeout_seconds"] == "60"
    assert attrs["routing.http2.enabled"] == "true"
    assert attrs["routing.http.desync_mitigation_mode"] == "defensive"
    assert attrs["routing.http.drop_invalid_header_fields.enabled"] == "false"
    assert attrs["routing.http.xff_header_processing.mode"] == "append"
    assert attrs["load_balancing.cross_zone.enabled"] == "true"

    elbv2.modify_load_balancer_attributes(
        LoadBalancerArn=arn, Attributes=[{"Key": "idle_timeout.timeout_seconds", "Value": "120"}]
    )
    attrs = _attrs(elbv2.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"])
    assert attrs["idle_timeout.timeout_seconds"] == "120"


def test_network_load_balancer_defaults(aws: Callable[[str], Any]) -> None:
    elbv2 = aws("elbv2")
    _vpc_id, subnets = _network(aws("ec2"))
    arn = elbv2.create_load_balancer(Name="nlb", Subnets=subnets, Type="network")["LoadBalancers"][0]["LoadBalancerArn"]
    attrs = _attrs(elbv2.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"])
    assert attrs["load_balancing.cross_zone.enabled"] == "false"
    assert attrs["access_logs.s3.enabled"] == "false"
    assert attrs["dns_record.client_routing_policy"] == "any_availability_zone"
    assert "idle_timeout.timeout_seconds" not in attrs


def test_target_group_defaults(aws: Callable[[str], Any]) -> None:
    elbv2 = aws("elbv2")
    vpc_id, _subnets = _network(aws("ec2"))
    http = elbv2.create_target_group(Name="web", Protocol="HTTP", Port=80, VpcId=vpc_id, TargetType="ip")
    attrs = _attrs(
        elbv2.describe_target_group_attributes(TargetGroupArn=http["TargetGroups"][0]["TargetGroupArn"])["Attributes"]
    )
    assert attrs["stickiness.lb_cookie.duration_seconds"] == "86400"
    assert attrs["stickiness.app_cookie.duration_seconds"] == "86400"
    assert attrs["stickiness.app_cookie.cookie_name"] == ""
    assert attrs["stickiness.type"] == "lb_cookie"
    assert attrs["deregistration_delay.timeout_seconds"] == "300"

    tcp = elbv2.create_target_group(Name="tcp", Protocol="TCP", Port=6379, VpcId=vpc_id, TargetType="ip")
    attrs = _attrs(
        elbv2.describe_target_group_attributes(TargetGroupArn=tcp["TargetGroups"][0]["TargetGroupArn"])["Attributes"]
    )
    assert attrs["stickiness.type"] == "source_ip"
    assert attrs["proxy_protocol_v2.enabled"] == "false"
    assert attrs["preserve_client_ip.enabled"] == "false"
    assert attrs["deregistration_delay.connection_termination.enabled"] == "false"
