"""`ansible-inventory -i inventories/local/ssm.yml --graph` against the private emulator, prepared as the cluster
tier leaves it (tests/fixtures/ssm_hosts.py): SSM-managed ECS container instances in two AZs, plus outliers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import boto3

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests/fixtures"))
import ssm_hosts  # noqa: E402


def ansible_inventory(emulator_url: str, *args: str) -> subprocess.CompletedProcess:
    env = dict(
        os.environ,
        KSTORE_EMULATOR_PORT=str(urlparse(emulator_url).port),
        ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
        ANSIBLE_NOCOLOR="1",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    env.pop("AWS_ENDPOINT_URL", None)  # the inventory file itself points at the emulator
    return subprocess.run(
        ["ansible-inventory", "-i", "inventories/local/ssm.yml", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _graph_groups(graph: str) -> dict[str, set[str]]:
    """``--graph`` output as {group: {hosts}} (direct hosts only)."""
    groups: dict[str, set[str]] = {}
    current = None
    for line in graph.splitlines():
        entry = line.strip(" |-")
        if entry.startswith("@"):
            current = entry[1:].rstrip(":")
            groups[current] = set()
        elif entry and current:
            groups[current].add(entry)
    return groups


def test_graph_groups_hosts_by_cluster_and_az(clean_emulator: Any) -> None:
    made = ssm_hosts.prepare(clean_emulator.url, count=4)
    clean_emulator.reset_requests()
    proc = ansible_inventory(clean_emulator.url, "--graph")
    assert proc.returncode == 0, proc.stderr
    assert "Failed to parse" not in proc.stderr, proc.stderr
    groups = _graph_groups(proc.stdout)
    members = set(made["cluster"])
    assert groups["cluster_kstore_local_cluster"] == members
    assert groups["cluster_none"] == {made["outside"], made["stopped"]}
    assert groups["ssm_offline"] == {made["stopped"]}
    assert groups["ssm_online"] == members | {made["outside"]}
    assert groups["az_eu_west_1a"] | groups["az_eu_west_1b"] == members | {made["outside"], made["stopped"]}
    assert groups["az_eu_west_1a"] and groups["az_eu_west_1b"]
    everything = set().union(*groups.values())
    assert groups["component_cluster"] == members | {made["stopped"]}
    assert groups["component_tools"] == {made["outside"]}
    assert made["unmanaged"] not in everything  # no instance profile granting SSM core: not a managed node
    requests = clean_emulator.requests()
    assert requests["by_action"]["ssm:DescribeInstanceInformation"] == 1
    assert requests["total"] == 5, requests


def _plain(value: Any) -> Any:
    """JSON of ``ansible-inventory --list`` without the ``{"__ansible_unsafe": ...}`` wrapping of plugin values."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def test_hosts_are_reached_through_ssm(clean_emulator: Any) -> None:
    made = ssm_hosts.prepare(clean_emulator.url, count=2)
    proc = ansible_inventory(clean_emulator.url, "--list")
    assert proc.returncode == 0, proc.stderr
    hostvars = _plain(json.loads(proc.stdout)["_meta"]["hostvars"])
    variables = hostvars[made["cluster"][0]]
    assert variables["ansible_connection"] == "amazon.aws.aws_ssm"
    assert variables["ansible_aws_ssm_instance_id"] == made["cluster"][0]
    assert variables["ansible_aws_ssm_region"] == "eu-west-1"
    assert variables["ansible_aws_ssm_bucket_name"] == "kstore-local-ssm-123456789012"
    assert variables["ansible_python_interpreter"] == "/usr/bin/python3"
    assert variables["ecs"]["cluster_name"] == "kstore-local-cluster"


def test_os_variables_leave_the_platform_name_alone(clean_emulator: Any) -> None:
    """SSM's PlatformName is the OS: as a host variable named platform_name it would beat group_vars/all."""
    made = ssm_hosts.prepare(clean_emulator.url, count=1)
    proc = ansible_inventory(clean_emulator.url, "--list")
    assert proc.returncode == 0, proc.stderr
    variables = _plain(json.loads(proc.stdout)["_meta"]["hostvars"])[made["cluster"][0]]
    assert variables["ssm_platform_name"] == "Amazon Linux"
    assert variables["ssm_platform_type"] == "Linux"
    assert variables["ssm_platform_version"] == "2023"
    assert variables["platform_name"] == "kstore"  # inventories/local/group_vars/all/platform.yml
    assert "platform_type" not in variables
    assert "platform_version" not in variables


def test_graph_lists_the_cluster_tier_instances(converged_cluster: Any) -> None:
    """The cluster tier converged for real (tests/integration/conftest.py): its Auto Scaling group's instances
    carry the launch template's instance profile, so SSM manages them and the graph lists them."""
    asg = boto3.client("autoscaling", region_name="eu-west-1", endpoint_url=converged_cluster.url)
    (group,) = asg.describe_auto_scaling_groups(AutoScalingGroupNames=["kstore-local-ecs"])["AutoScalingGroups"]
    launched = {instance["InstanceId"] for instance in group["Instances"]}
    assert len(launched) == 2
    proc = ansible_inventory(converged_cluster.url, "--graph")
    assert proc.returncode == 0, proc.stderr
    groups = _graph_groups(proc.stdout)
    assert groups["cluster_kstore_local_cluster"] == launched
    assert groups["ecs_container_instances"] == launched
    assert groups["ssm_online"] == launched
    assert groups["component_cluster"] == launched  # the launch template's Component tag (ec2_tags)
