"""tools/bench.py on a fresh emulator: a tier is benched with its prerequisite tiers converged first, the four runs
are reported with their changed counts and AWS requests, and nothing of the bench's platform is left afterwards.

The security tier needs the network tier (its security groups live in the platform's VPC): benched alone on an
empty emulator it fails unless the bench converges the network first. A cheap network (no NAT, flow logs or
endpoints) keeps the test short."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import boto3

ROOT = Path(__file__).resolve().parents[2]
NAME, ENV = "bench", "bench"  # tools/bench.py's platform
CHEAP_NETWORK = {
    "network_nat_mode": "none",
    "network_flow_logs_enabled": False,
    "network_endpoints": {
        k: False for k in ("s3", "ssm", "ssmmessages", "ec2messages", "ecr_api", "ecr_dkr", "logs", "secretsmanager")
    },
}


def bench(emulator_url: str, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, KSTORE_EMULATOR_PORT=str(urlparse(emulator_url).port))
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    extra = [
        item
        for key, value in CHEAP_NETWORK.items()
        for item in ("-e", f"{key}={value if isinstance(value, str) else json.dumps(value)}")
    ]
    return subprocess.run(
        [sys.executable, "tools/bench.py", *args, *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def platform_leftovers(url: str) -> list[str]:
    """What the emulator still holds of the bench's platform: VPCs, security groups, IAM roles by tag or name, and
    every taggable resource by tag, except KMS keys pending deletion (AWS keeps them for the waiting period)."""

    def client(service: str) -> Any:
        return boto3.client(service, endpoint_url=url, region_name="eu-west-1")

    tag = [{"Name": "tag:Platform", "Values": [NAME]}, {"Name": "tag:Environment", "Values": [ENV]}]
    left = [vpc["VpcId"] for vpc in client("ec2").describe_vpcs(Filters=tag)["Vpcs"]]
    left += [group["GroupId"] for group in client("ec2").describe_security_groups(Filters=tag)["SecurityGroups"]]
    left += [role["RoleName"] for role in client("iam").list_roles()["Roles"] if role["RoleName"].startswith(NAME)]
    mappings = client("resourcegroupstaggingapi").get_resources(
        TagFilters=[{"Key": "Platform", "Values": [NAME]}, {"Key": "Environment", "Values": [ENV]}]
    )["ResourceTagMappingList"]
    for arn in (m["ResourceARN"] for m in mappings):
        if ":key/" in arn:
            state = client("kms").describe_key(KeyId=arn.rsplit("/", 1)[1])["KeyMetadata"]["KeyState"]
            if state == "PendingDeletion":
                continue
        left.append(arn)
    return left


def test_bench_converges_prerequisites_and_reports_four_runs(clean_emulator: Any) -> None:
    started = time.monotonic()
    result = bench(clean_emulator.url, "--tier", "security", "--json")
    print(f"tools/bench.py --tier security: {time.monotonic() - started:.0f} s\n{result.stderr[-3000:]}")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["error"] is None

    assert list(report["tiers"]) == ["security"]
    assert list(report["prerequisites_seconds"]) == ["network"]  # converged first, not timed
    runs = report["tiers"]["security"]
    assert list(runs) == ["create", "no-op", "check", "absent"]
    for run, figures in runs.items():
        assert figures["seconds"] > 0, (run, figures)
        assert figures["requests"] > 0, (run, figures)
        assert figures["max_rss_mb"] > 0, (run, figures)
    assert runs["create"]["changed"] > 0, runs
    assert runs["no-op"]["changed"] == 0, runs
    assert runs["check"]["changed"] == 0, runs
    assert runs["absent"]["changed"] > 0, runs
    assert report["platform_noop"] is None  # a subset: site.yml would converge every tier
    assert report["leftovers"] == []
    assert platform_leftovers(clean_emulator.url) == []
