"""What the run shows the user (issue 12): site.yml ends with a summary of what exists (printed, and as JSON in the
state directory), playbooks/summary.yml prints the same alone, playbooks/diagram.yml draws the live platform.

Every identifier is checked against the emulator itself (boto3), not against what the inventory asked for."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from e2e_platform import LocalPlatform

PREFIX = "kstore-local"
TAG_FILTERS = [{"Name": "tag:Platform", "Values": ["kstore"]}, {"Name": "tag:Environment", "Values": ["local"]}]
NODE = re.compile(r'^\s*"([^"]+)" \[', re.MULTILINE)


def _recap(output: str) -> dict[str, int]:
    found = re.findall(r"^localhost\s*:\s*(.*)$", output, re.MULTILINE)
    assert found, output[-3000:]
    return {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", found[-1])}


@pytest.fixture(scope="module")
def live(local_platform: LocalPlatform) -> dict[str, Any]:
    """The platform's identifiers as the emulator has them."""
    client = local_platform.boto3_client
    (vpc,) = client("ec2").describe_vpcs(Filters=TAG_FILTERS)["Vpcs"]
    subnets = client("ec2").describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"]
    nats = client("ec2").describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["NatGateways"]
    endpoints = client("ec2").describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])
    (db,) = client("rds").describe_db_instances(DBInstanceIdentifier=f"{PREFIX}-db")["DBInstances"]
    efs = [
        f
        for f in client("efs").describe_file_systems()["FileSystems"]
        if {"Key": "Platform", "Value": "kstore"} in f.get("Tags", [])
    ]
    (cache,) = client("elasticache").describe_replication_groups(ReplicationGroupId=f"{PREFIX}-redis")[
        "ReplicationGroups"
    ]
    (alb,) = client("elbv2").describe_load_balancers(Names=[f"{PREFIX}-alb"])["LoadBalancers"]
    (service,) = client("ecs").describe_services(cluster=f"{PREFIX}-cluster", services=[f"{PREFIX}-shop"])["services"]
    definition = client("ecs").describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]
    buckets = [b["Name"] for b in client("s3").list_buckets()["Buckets"] if b["Name"].startswith(f"{PREFIX}-")]
    repos = client("ecr").describe_repositories()["repositories"]
    dashboards = client("cloudwatch").list_dashboards(DashboardNamePrefix=PREFIX)["DashboardEntries"]
    return {
        "edge_port": local_platform.env["KSTORE_EDGE_HTTPS_PORT"],  # the local edge's HTTPS port on loopback
        "vpc": vpc,
        "subnets": subnets,
        "nats": [n for n in nats if n["State"] not in ("deleted", "deleting", "failed")],
        "endpoints": endpoints["VpcEndpoints"],
        "db": db,
        "efs": efs,
        "cache": cache,
        "alb": alb,
        "service": service,
        "image": definition["containerDefinitions"][0]["image"],
        "buckets": sorted(buckets),
        "repos": [r["repositoryName"] for r in repos if r["repositoryName"].startswith(f"{PREFIX}-")],
        "dashboards": [d["DashboardName"] for d in dashboards],
    }


def _check_summary(summary: dict[str, Any], live: dict[str, Any]) -> None:
    assert summary["platform"] == PREFIX
    assert summary["network"]["vpc_id"] == live["vpc"]["VpcId"]
    assert summary["network"]["cidr"] == live["vpc"]["CidrBlock"]
    assert {s["id"] for s in summary["network"]["subnets"]} == {s["SubnetId"] for s in live["subnets"]}
    assert summary["database"]["instance_id"] == live["db"]["DBInstanceIdentifier"]
    assert summary["database"]["endpoint"] == live["db"]["Endpoint"]["Address"]
    assert [summary["storage"]["efs"]["id"]] == [f["FileSystemId"] for f in live["efs"]]
    assert summary["storage"]["buckets"] == live["buckets"]
    primary = live["cache"]["NodeGroups"][0]["PrimaryEndpoint"]
    assert summary["cache"]["endpoint"] == primary["Address"]
    assert summary["image"] == live["image"] and "@sha256:" in summary["image"]
    assert summary["registry"]["repository_name"] in live["repos"]
    assert summary["cluster"]["cluster_name"] == f"{PREFIX}-cluster"
    assert summary["service"]["service_name"] == live["service"]["serviceName"]
    assert summary["edge"]["dns_name"] == live["alb"]["DNSName"]
    assert summary["edge"]["shop_url"] == f"https://shop.kstore.test:{live['edge_port']}/"
    assert summary["edge"]["back_office_url"] == f"https://shop.kstore.test:{live['edge_port']}/admin-kstore/"
    assert [summary["observability"]["dashboard_name"]] == live["dashboards"]
    assert summary["audit"]["verdict"] in ("pass", "fail")


def _printed(output: str, summary: dict[str, Any]) -> None:
    for value in (
        summary["network"]["vpc_id"],
        summary["network"]["cidr"],
        summary["database"]["endpoint"],
        summary["storage"]["efs"]["id"],
        summary["cache"]["endpoint"],
        summary["image"],
        summary["cluster"]["cluster_name"],
        summary["service"]["service_name"],
        summary["edge"]["dns_name"],
        summary["edge"]["shop_url"],
        summary["edge"]["back_office_url"],
        summary["observability"]["dashboard_name"],
    ):
        assert value in output, value


def test_make_up_ends_with_the_summary(local_platform: LocalPlatform, live: dict[str, Any]) -> None:
    path = local_platform.state_dir / "summary.json"
    assert path.is_file(), "site.yml wrote no summary.json in the state directory"
    summary = json.loads(path.read_text())
    _check_summary(summary, live)
    first = local_platform.runs.get("first")
    if first is not None:  # not with KSTORE_E2E_REUSE: then the up was not run by this session
        assert "TASK [What exists]" in first.stdout
        _printed(first.stdout[first.stdout.rindex("TASK [What exists]") :], summary)


def test_summary_alone_prints_the_same(local_platform: LocalPlatform, live: dict[str, Any]) -> None:
    path = local_platform.state_dir / "summary.json"
    before = path.read_text() if path.exists() else None
    result = local_platform.timed(
        "summary.yml alone", ["ansible-playbook", "playbooks/summary.yml", "-i", "inventories/local"], timeout=600
    )
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-6000:]
    assert _recap(result.stdout)["changed"] == 0, "the summary of an unchanged platform changed"
    summary = json.loads(path.read_text())
    assert before is None or path.read_text() == before
    _check_summary(summary, live)
    _printed(result.stdout, summary)
    for secret_word in ("password", 'auth_token": "', "cookie_key"):
        assert secret_word not in path.read_text().lower()

    check = local_platform.run(
        ["ansible-playbook", "playbooks/summary.yml", "-i", "inventories/local", "--check"], timeout=600
    )
    assert check.returncode == 0, (check.stdout + check.stderr)[-6000:]
    _printed(check.stdout, summary)


def test_diagram_draws_what_exists(local_platform: LocalPlatform, live: dict[str, Any]) -> None:
    result = local_platform.timed(
        "diagram.yml", ["ansible-playbook", "playbooks/diagram.yml", "-i", "inventories/local"], timeout=600
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-6000:]
    svg, png, dot = (local_platform.state_dir / f"diagram.{ext}" for ext in ("svg", "png", "dot"))
    assert svg.is_file() and "<svg" in svg.read_text()
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    expected = (
        {f"subnet/{s['SubnetId']}" for s in live["subnets"]}
        | {f"nat/{n['NatGatewayId']}" for n in live["nats"]}
        | {f"vpce/{e['VpcEndpointId']}" for e in live["endpoints"]}
        | {f"s3/{b}" for b in live["buckets"]}
        | {f"efs/{f['FileSystemId']}" for f in live["efs"]}
        | {f"ecr/{r}" for r in live["repos"]}
        | {
            "internet",
            f"alb/{live['alb']['LoadBalancerName']}",
            f"ecs-service/{live['service']['serviceName']}",
            f"rds/{live['db']['DBInstanceIdentifier']}",
            f"redis/{live['cache']['ReplicationGroupId']}",
        }
    )
    assert set(NODE.findall(dot.read_text())) == expected
    assert f"cluster_vpc_{live['vpc']['VpcId']}" in dot.read_text()
