"""WAFv2 ListResourcesForWebACL (fidelity/wafv2_list_resources_for_web_acl)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

VISIBILITY = {"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False, "MetricName": "shop"}


def _web_acl(wafv2: Any) -> str:
    summary = wafv2.create_web_acl(
        Name="shop", Scope="REGIONAL", DefaultAction={"Allow": {}}, VisibilityConfig=VISIBILITY
    )["Summary"]
    return summary["ARN"]


def _load_balancer(aws: Callable[[str], Any]) -> str:
    ec2 = aws("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"eu-west-1{az}")["Subnet"][
            "SubnetId"
        ]
        for i, az in enumerate("ab")
    ]
    return aws("elbv2").create_load_balancer(Name="shop", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]


def test_lists_associated_load_balancers(aws: Callable[[str], Any]) -> None:
    wafv2 = aws("wafv2")
    acl_arn = _web_acl(wafv2)
    assert wafv2.list_resources_for_web_acl(WebACLArn=acl_arn)["ResourceArns"] == []

    lb_arn = _load_balancer(aws)
    pool_arn = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_abc"
    wafv2.associate_web_acl(WebACLArn=acl_arn, ResourceArn=lb_arn)
    wafv2.associate_web_acl(WebACLArn=acl_arn, ResourceArn=pool_arn)
    assert wafv2.list_resources_for_web_acl(WebACLArn=acl_arn)["ResourceArns"] == [lb_arn]
    assert wafv2.list_resources_for_web_acl(WebACLArn=acl_arn, ResourceType="APPLICATION_LOAD_BALANCER")[
        "ResourceArns"
    ] == [lb_arn]
    assert wafv2.list_resources_for_web_acl(WebACLArn=acl_arn, ResourceType="COGNITO_USER_POOL")["ResourceArns"] == [
        pool_arn
    ]

    wafv2.disassociate_web_acl(ResourceArn=lb_arn)
    assert wafv2.list_resources_for_web_acl(WebACLArn=acl_arn)["ResourceArns"] == []


def test_unknown_web_acl(aws: Callable[[str], Any]) -> None:
    arn = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/nope/00000000-0000-0000-0000-000000000000"
    with pytest.raises(ClientError) as error:
        aws("wafv2").list_resources_for_web_acl(WebACLArn=arn)
    assert error.value.response["Error"]["Code"] == "WAFNonexistentItemException"
