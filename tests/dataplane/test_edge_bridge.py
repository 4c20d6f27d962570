"""The bridge's view of a load balancer, as the local edge needs it (work in progress, issue 14): listeners with
their rules and actions, the target groups they forward to (health check, targets, deregistration delay), and the
WAF's rate-based rule. A private emulator over HTTP; no Docker."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import boto3

REGION = "eu-west-1"


def test_the_bridge_shows_a_load_balancer_as_the_edge_needs_it(start_emulator: Any) -> None:
    with start_emulator() as emulator:
        session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
        ec2, elbv2, waf = (session.client(n, endpoint_url=emulator.url) for n in ("ec2", "elbv2", "wafv2"))
        vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
        subnets = [
            ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.8.{i}.0/24", AvailabilityZone=f"{REGION}{z}")["Subnet"][
                "SubnetId"
            ]
            for i, z in ((1, "a"), (2, "b"))
        ]
        lb = elbv2.create_load_balancer(Name="edge", Subnets=subnets)["LoadBalancers"][0]
        app = elbv2.create_target_group(
            Name="app",
            Protocol="HTTP",
            Port=8080,
            VpcId=vpc,
            TargetType="ip",
            HealthCheckPath="/health",
            HealthCheckIntervalSeconds=15,
            HealthyThresholdCount=2,
            UnhealthyThresholdCount=3,
            Matcher={"HttpCode": "200-399"},
        )["TargetGroups"][0]["TargetGroupArn"]
        elbv2.modify_target_group_attributes(
            TargetGroupArn=app, Attributes=[{"Key": "deregistration_delay.timeout_seconds", "Value": "30"}]
        )
        elbv2.register_targets(TargetGroupArn=app, Targets=[{"Id": "10.8.1.9", "Port": 8080}])
        listener = elbv2.create_listener(
            LoadBalancerArn=lb["LoadBalancerArn"],
            Protocol="HTTP",
            Port=80,
            DefaultActions=[{"Type": "forward", "TargetGroupArn": app}],
        )["Listeners"][0]["ListenerArn"]
        elbv2.create_rule(
            ListenerArn=listener,
            Priority=10,
            Conditions=[{"Field": "path-pattern", "Values": ["/api/*"]}],
            Actions=[{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}],
        )
        acl = waf.create_web_acl(
            Name="edge",
            Scope="REGIONAL",
            DefaultAction={"Allow": {}},
            VisibilityConfig={"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False, "MetricName": "e"},
            Rules=[
                {
                    "Name": "rate",
                    "Priority": 0,
                    "Action": {"Block": {}},
                    "Statement": {"RateBasedStatement": {"Limit": 150, "AggregateKeyType": "IP"}},
                    "VisibilityConfig": {
                        "SampledRequestsEnabled": False,
                        "CloudWatchMetricsEnabled": False,
                        "MetricName": "r",
                    },
                }
            ],
        )["Summary"]["ARN"]
        waf.associate_web_acl(WebACLArn=acl, ResourceArn=lb["LoadBalancerArn"])
        with urllib.request.urlopen(f"{emulator.url}/_kstore/dataplane/state", timeout=30) as answer:
            (seen,) = json.loads(answer.read())["load_balancers"]
    assert (seen["name"], seen["vpc_id"], seen["dns_name"]) == ("edge", vpc, lb["DNSName"])
    (http,) = seen["listeners"]
    assert http["port"] == 80 and http["default_actions"][0]["TargetGroupArn"] == app
    assert http["rules"] == [
        {
            "priority": 10,
            "conditions": [{"Field": "path-pattern", "Values": ["/api/*"]}],
            "actions": [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}],
        }
    ]
    group = seen["target_groups"][app]
    assert group["health_check"] == {
        "path": "/health",
        "interval": 15,
        "timeout": 5,
        "healthy": 2,
        "unhealthy": 3,
        "matcher": "200-399",
    }
    assert group["deregistration_delay"] == 30 and group["targets"] == [{"id": "10.8.1.9", "port": 8080}]
    assert seen["waf"] == {"rate_limit": 150, "window": 300}
