"""The storage tier converges through 25 % throttling + 5 % 5xx (issue 17): 0 failed tasks, then changed=0.

The smaller version of tools/fault_converge.py for CI. The storage tier is where S3's SlowDown broke the run
(amazon.aws.s3_bucket's waiter gave up after botocore's 3 standard attempts); the platform's retry settings
(kstore.platform.aws_environment: standard mode, 10 attempts) must carry it through. Its prerequisites (the
network tier's VPC and app subnets, the security tier's key and EFS group) are made through boto3 without fault:
what is measured is the storage tier alone, under 3 minutes."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

PlaybookRun = Callable[..., subprocess.CompletedProcess]
RECAP = re.compile(r"localhost\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)")
FAULTS = {"throttle": 0.25, "error": 0.05, "seed": 17}


def _faults(url: str, settings: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(f"{url}/_kstore/faults", data=json.dumps(settings).encode(), method="POST")
    with urllib.request.urlopen(request, timeout=5) as resp:
        return json.load(resp)


def _status(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{url}/_kstore/faults", timeout=5) as resp:
        return json.load(resp)


@pytest.fixture()
def storage_prerequisites(clean_emulator: Any) -> Iterator[str]:
    """The network and security tiers' resources the storage tier discovers, made without fault; faults off after."""

    def client(service: str) -> Any:
        return boto3.client(service, region_name="eu-west-1", endpoint_url=clean_emulator.url)

    def tags(component: str, **more: str) -> list[dict[str, str]]:
        base = {"Platform": "kstore", "Environment": "local", "Component": component, "ManagedBy": "kstore.platform"}
        return [{"Key": k, "Value": v} for k, v in {**base, **more}.items()]

    ec2, kms = client("ec2"), client("kms")
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[vpc], Tags=tags("network", Name="kstore-local-vpc"))
    for i, az in enumerate(("eu-west-1a", "eu-west-1b")):
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{64 + 16 * i}.0/20", AvailabilityZone=az)
        ec2.create_tags(Resources=[subnet["Subnet"]["SubnetId"]], Tags=tags("network", Tier="app"))
    group = ec2.create_security_group(GroupName="kstore-local-efs", Description="EFS", VpcId=vpc)["GroupId"]
    ec2.create_tags(Resources=[group], Tags=tags("security"))
    key_tags = [{"TagKey": t["Key"], "TagValue": t["Value"]} for t in tags("security")]
    key = kms.create_key(Tags=key_tags)["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/kstore-local", TargetKeyId=key)
    try:
        yield clean_emulator.url
    finally:
        _faults(clean_emulator.url, {})


def _recap(result: subprocess.CompletedProcess) -> dict[str, int]:
    recap = RECAP.findall(result.stdout)
    assert recap, result.stdout[-3000:] + result.stderr[-2000:]
    return dict(zip(("ok", "changed", "unreachable", "failed"), map(int, recap[-1]), strict=True))


def test_storage_tier_converges_through_throttling_and_5xx(
    storage_prerequisites: str, run_playbook: PlaybookRun
) -> None:
    url = storage_prerequisites
    _faults(url, FAULTS)
    started = time.monotonic()
    converge = run_playbook("playbooks/storage.yml", {})
    first = _recap(converge)
    assert first["failed"] == 0 and converge.returncode == 0, converge.stdout[-6000:]
    assert first["changed"] > 0
    rerun = run_playbook("playbooks/storage.yml", {})
    second = _recap(rerun)
    assert second["failed"] == 0 and rerun.returncode == 0, rerun.stdout[-6000:]
    assert second["changed"] == 0, rerun.stdout[-6000:]
    status = _status(url)
    seconds = time.monotonic() - started
    print(f"storage under faults: {seconds:.0f} s, {status['requests']} requests, injected {status['injected']}")
    # the faults were there, S3's SlowDown included
    assert status["injected"]["throttle"] > 0 and status["injected"]["error"] > 0
    assert any(k.startswith("throttle s3:") for k in status["injected"]["by_action"])


def _fault_converge() -> Any:
    path = Path(__file__).resolve().parents[2] / "tools/fault_converge.py"
    spec = importlib.util.spec_from_file_location("fault_converge", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["fault_converge"] = module  # its dataclass needs it
    spec.loader.exec_module(module)
    return module


def test_fault_converge_reads_failed_tasks_and_tiers() -> None:
    tool = _fault_converge()
    output = "\n".join(
        [
            "TASK [kstore.platform.storage : Buckets] ***",
            "failed: [localhost] (item=media) => {...}",
            "failed: [localhost] (item=logs) => {...}",
            "TASK [kstore.platform.database : Probe] ***",
            "fatal: [localhost]: FAILED! => {...}",
            "...ignoring",
            "TASK [kstore.platform.edge : ALB] ***",
            "ok: [localhost]",
        ]
    )
    assert tool.failed_tasks(output) == ["kstore.platform.storage : Buckets"]
    # site.yml's tiers but those that need Docker, in its order; the summary (read-only) last
    assert tool.AWS_TIERS[:3] == ["network", "security", "storage"] and tool.AWS_TIERS[-1] == "summary"
    assert "image" not in tool.AWS_TIERS and "preflight" not in tool.AWS_TIERS
