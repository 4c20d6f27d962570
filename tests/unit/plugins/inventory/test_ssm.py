"""kstore.platform.ssm inventory plugin.

The emulator has no SSM agent, and moto has no DescribeInstanceInformation of its own: the SSM paths (pagination,
offline hosts, throttling, denied regions, hosts EC2 no longer knows) are tested with botocore's Stubber and real
response shapes. The EC2/ECS join is tested against the emulator, whose fidelity patch
``ssm_managed_ec2_instance_information`` lists instances whose instance profile grants SSM core.
"""

from __future__ import annotations

import datetime
import sys
import time
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from ansible.errors import AnsibleError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import init_plugin_loader, inventory_loader
from botocore.stub import Stubber

ROOT = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(ROOT / "tests/fixtures"))
import ssm_hosts  # noqa: E402

REGION = "eu-west-1"
NOW = datetime.datetime(2026, 11, 21, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(scope="module", autouse=True)
def _loader() -> None:
    """Ansible's collection loader, which inventory plugins (option definitions, doc fragments) need.

    Module tests import ``ansible_collections.*`` as plain packages at collection time; the loader cannot adopt
    packages imported that way, so they are dropped from ``sys.modules`` first (the module tests keep their own
    references).
    """
    if not any(type(finder).__name__ == "_AnsibleCollectionFinder" for finder in sys.meta_path):
        for name in [n for n in sys.modules if n == "ansible_collections" or n.startswith("ansible_collections.")]:
            del sys.modules[name]
    init_plugin_loader([str(ROOT / ".collections")])


def _node(instance_id: str, ping: str = "Online", resource_type: str = "EC2Instance") -> dict[str, Any]:
    """One InstanceInformationList entry, shaped as SSM answers it."""
    return {
        "InstanceId": instance_id,
        "PingStatus": ping,
        "LastPingDateTime": NOW,
        "AgentVersion": "3.3.987.0",
        "IsLatestVersion": False,
        "PlatformType": "Linux",
        "PlatformName": "Amazon Linux",
        "PlatformVersion": "2023",
        "ResourceType": resource_type,
        "IPAddress": "10.0.1.10",
        "ComputerName": "ip-10-0-1-10.eu-west-1.compute.internal",
        "AssociationStatus": "Success",
        "SourceId": instance_id,
        "SourceType": "AWS::EC2::Instance",
    }


def _instance(instance_id: str, az: str = "eu-west-1a", tags: dict[str, str] | None = None) -> dict[str, Any]:
    """One DescribeInstances instance, shaped as EC2 answers it (no Tags key when the instance has none)."""
    instance: dict[str, Any] = {
        "InstanceId": instance_id,
        "ImageId": "ami-0123456789abcdef0",
        "InstanceType": "t3.medium",
        "LaunchTime": NOW,
        "Placement": {"AvailabilityZone": az, "Tenancy": "default"},
        "PrivateDnsName": "ip-10-0-1-10.eu-west-1.compute.internal",
        "PrivateIpAddress": "10.0.1.10",
        "State": {"Code": 16, "Name": "running"},
        "SubnetId": "subnet-0123456789abcdef0",
        "VpcId": "vpc-0123456789abcdef0",
    }
    if tags is not None:
        instance["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
    return instance


def _reservations(*instances: dict[str, Any]) -> dict[str, Any]:
    return {"Reservations": [{"ReservationId": "r-0123", "OwnerId": "123456789012", "Instances": list(instances)}]}


class Stubs:
    """Stubbed boto3 clients handed to the plugin instead of real ones (amazon.aws's boto3_conn is patched)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.clients = {s: boto3.client(s, region_name=REGION) for s in ("ssm", "ec2", "ecs")}
        self.stubbers = {s: Stubber(c) for s, c in self.clients.items()}
        for stubber in self.stubbers.values():
            stubber.activate()
        from ansible_collections.amazon.aws.plugins.plugin_utils import base

        monkeypatch.setattr(base, "boto3_conn", lambda _plugin, conn_type, resource, **_kw: self.clients[resource])
        monkeypatch.setattr(time, "sleep", lambda _seconds: None)  # retries back off without waiting

    def __getitem__(self, service: str) -> Stubber:
        return self.stubbers[service]

    def ssm_page(
        self, nodes: list[dict], token: str | None = None, next_token: str | None = None, **params: Any
    ) -> None:
        expected: dict[str, Any] = {"MaxResults": 50, **params}
        if token:
            expected["NextToken"] = token
        answer: dict[str, Any] = {"InstanceInformationList": nodes}
        if next_token:
            answer["NextToken"] = next_token
        self["ssm"].add_response("describe_instance_information", answer, expected)

    def ec2(self, ids: list[str], *instances: dict[str, Any], filters: list[dict] | None = None) -> None:
        expected = {"Filters": [*(filters or []), {"Name": "instance-id", "Values": ids}]}
        self["ec2"].add_response("describe_instances", _reservations(*instances), expected)

    def ecs_none(self) -> None:
        self["ecs"].add_response("list_clusters", {"clusterArns": []}, {})

    def verify(self) -> None:
        for stubber in self.stubbers.values():
            stubber.assert_no_pending_responses()


ONLINE = {"Filters": [{"Key": "PingStatus", "Values": ["Online"]}]}


@pytest.fixture()
def stubs(monkeypatch: pytest.MonkeyPatch) -> Stubs:
    return Stubs(monkeypatch)


def parse(tmp_path: Path, **config: Any) -> InventoryData:
    path = tmp_path / "test.ssm.yml"
    path.write_text(yaml.safe_dump({"plugin": "kstore.platform.ssm", "regions": [REGION], **config}, sort_keys=False))
    inventory = InventoryData()
    plugin = inventory_loader.get("kstore.platform.ssm")
    assert plugin.verify_file(str(path))
    plugin.parse(inventory, DataLoader(), str(path), cache=True)
    if getattr(plugin, "_cache", None) is not None:
        plugin.update_cache_if_changed()  # what the InventoryManager does after parse (when caching is on)
    return inventory


def hostvars(inventory: InventoryData, name: str) -> dict[str, Any]:
    return inventory.get_host(name).get_vars()


def test_pages_are_followed_and_hosts_get_the_ssm_connection(tmp_path: Path, stubs: Stubs) -> None:
    stubs.ssm_page([_node("i-01")], next_token="t1", **ONLINE)
    stubs.ssm_page([_node("i-02")], token="t1", **ONLINE)
    stubs.ec2(["i-01", "i-02"], _instance("i-01", tags={"Name": "a"}), _instance("i-02", "eu-west-1b"))
    cluster = "arn:aws:ecs:eu-west-1:123456789012:cluster/kstore-production-cluster"
    ci = "arn:aws:ecs:eu-west-1:123456789012:container-instance/kstore-production-cluster/0f1e"
    stubs["ecs"].add_response("list_clusters", {"clusterArns": [cluster]}, {})
    stubs["ecs"].add_response("list_container_instances", {"containerInstanceArns": [ci]}, {"cluster": cluster})
    stubs["ecs"].add_response(
        "describe_container_instances",
        {
            "containerInstances": [
                {
                    "containerInstanceArn": ci,
                    "ec2InstanceId": "i-02",
                    "status": "ACTIVE",
                    "agentConnected": True,
                    "runningTasksCount": 3,
                    "pendingTasksCount": 1,
                }
            ],
            "failures": [],
        },
        {"cluster": cluster, "containerInstances": [ci]},
    )
    inventory = parse(
        tmp_path,
        ssm_bucket_name="kstore-production-ssm",
        ssm_bucket_sse_mode="aws:kms",
        ssm_bucket_sse_kms_key_id="alias/kstore-production",
        keyed_groups=[
            {"key": "ecs.cluster_name | default('none', true)", "prefix": "cluster"},
            {"key": "availability_zone", "prefix": "az"},
        ],
    )
    stubs.verify()
    assert sorted(inventory.hosts) == ["i-01", "i-02"]
    second = hostvars(inventory, "i-02")
    assert second["ansible_connection"] == "amazon.aws.aws_ssm"
    assert second["ansible_aws_ssm_instance_id"] == "i-02"
    assert second["ansible_aws_ssm_region"] == REGION
    assert second["ansible_aws_ssm_bucket_name"] == "kstore-production-ssm"
    assert second["ansible_aws_ssm_bucket_sse_mode"] == "aws:kms"
    assert second["ansible_aws_ssm_bucket_sse_kms_key_id"] == "alias/kstore-production"
    assert second["ecs"] == {
        "cluster_name": "kstore-production-cluster",
        "cluster_arn": cluster,
        "container_instance_arn": ci,
        "status": "ACTIVE",
        "agent_connected": True,
        "running_tasks_count": 3,
        "pending_tasks_count": 1,
    }
    assert second["launch_time"] == NOW.isoformat()
    assert hostvars(inventory, "i-01")["ecs"] is None
    assert set(inventory.groups["cluster_kstore_production_cluster"].hosts) == {inventory.get_host("i-02")}
    assert {h.name for h in inventory.groups["cluster_none"].hosts} == {"i-01"}
    assert {h.name for h in inventory.groups["az_eu_west_1b"].hosts} == {"i-02"}


def test_offline_hosts_only_when_asked(tmp_path: Path, stubs: Stubs) -> None:
    stubs.ssm_page([_node("i-01"), _node("i-02", "ConnectionLost")])
    stubs.ec2(["i-01", "i-02"], _instance("i-01"), _instance("i-02"))
    stubs.ecs_none()
    inventory = parse(tmp_path, include_offline=True, groups={"offline": "ping_status != 'Online'"})
    stubs.verify()
    assert {h.name for h in inventory.groups["offline"].hosts} == {"i-02"}


def test_ssm_and_ec2_filters_are_passed_on(tmp_path: Path, stubs: Stubs) -> None:
    ssm_filters = {
        "Filters": [{"Key": "PlatformTypes", "Values": ["Linux"]}, {"Key": "PingStatus", "Values": ["Online"]}]
    }
    stubs.ssm_page([_node("i-01")], **ssm_filters)
    ec2_filters = [
        {"Name": "tag:Environment", "Values": ["production"]},
        {"Name": "instance-type", "Values": ["t3.medium", "m7g.large"]},
    ]
    stubs.ec2(["i-01"], _instance("i-01"), filters=ec2_filters)
    inventory = parse(
        tmp_path,
        ecs=False,
        ssm_filters={"PlatformTypes": "Linux"},
        filters={"tag:Environment": "production", "instance-type": ["t3.medium", "m7g.large"]},
    )
    stubs.verify()
    assert list(inventory.hosts) == ["i-01"]


def test_instances_without_tags_and_tag_hostnames(tmp_path: Path, stubs: Stubs) -> None:
    stubs.ssm_page([_node("i-01"), _node("i-02")], **ONLINE)
    stubs.ec2(["i-01", "i-02"], _instance("i-01", tags={"Name": "web-1"}), _instance("i-02"))
    stubs.ecs_none()
    inventory = parse(tmp_path, hostnames=["tag:Name", "instance-id"])
    stubs.verify()
    assert sorted(inventory.hosts) == ["i-02", "web-1"]
    assert hostvars(inventory, "web-1")["ansible_aws_ssm_instance_id"] == "i-01"
    assert hostvars(inventory, "i-02")["ec2_tags"] == {}


def test_compose_expression_hostname(tmp_path: Path, stubs: Stubs) -> None:
    stubs.ssm_page([_node("i-01")], **ONLINE)
    stubs.ec2(["i-01"], _instance("i-01"))
    inventory = parse(tmp_path, ecs=False, hostnames=["availability_zone ~ '-' ~ instance_id"])
    assert list(inventory.hosts) == ["eu-west-1a-i-01"]


def test_duplicate_hostnames_fail(tmp_path: Path, stubs: Stubs) -> None:
    stubs.ssm_page([_node("i-01"), _node("i-02")], **ONLINE)
    stubs.ec2(["i-01", "i-02"], _instance("i-01", tags={"Name": "web"}), _instance("i-02", tags={"Name": "web"}))
    with pytest.raises(AnsibleError, match="both have the hostname 'web'"):
        parse(tmp_path, ecs=False, hostnames=["tag:Name"])


def test_instance_ssm_knows_but_ec2_does_not_is_left_out(tmp_path: Path, stubs: Stubs) -> None:
    stubs.ssm_page([_node("i-01"), _node("i-gone"), _node("mi-0123", resource_type="ManagedInstance")], **ONLINE)
    stubs.ec2(["i-01", "i-gone"], _instance("i-01"))
    stubs.ecs_none()
    inventory = parse(tmp_path)
    stubs.verify()
    assert list(inventory.hosts) == ["i-01"]


def test_no_managed_instances_makes_no_ec2_call(tmp_path: Path, stubs: Stubs) -> None:
    stubs.ssm_page([], **ONLINE)
    inventory = parse(tmp_path)
    stubs.verify()
    assert not inventory.hosts


def test_throttling_is_retried(tmp_path: Path, stubs: Stubs) -> None:
    stubs["ssm"].add_client_error("describe_instance_information", "ThrottlingException", "Rate exceeded", 400)
    stubs.ssm_page([_node("i-01")], next_token="t1", **ONLINE)
    stubs["ssm"].add_client_error("describe_instance_information", "ThrottlingException", "Rate exceeded", 400)
    stubs.ssm_page([_node("i-02")], token="t1", **ONLINE)
    stubs["ec2"].add_client_error("describe_instances", "RequestLimitExceeded", "Request limit exceeded.", 503)
    stubs.ec2(["i-01", "i-02"], _instance("i-01"), _instance("i-02"))
    stubs["ecs"].add_client_error("list_clusters", "ThrottlingException", "Rate exceeded", 400)
    stubs.ecs_none()
    inventory = parse(tmp_path)
    stubs.verify()
    assert sorted(inventory.hosts) == ["i-01", "i-02"]


def test_denied_region_fails_unless_permissions_are_lax(tmp_path: Path, stubs: Stubs) -> None:
    stubs["ssm"].add_client_error("describe_instance_information", "AccessDeniedException", "not authorized", 400)
    with pytest.raises(AnsibleError, match="Access denied"):
        parse(tmp_path)
    stubs["ssm"].add_client_error("describe_instance_information", "AccessDeniedException", "not authorized", 400)
    assert not parse(tmp_path, strict_permissions=False).hosts


def test_cache_answers_the_second_run(tmp_path: Path, stubs: Stubs) -> None:
    stubs.ssm_page([_node("i-01")], **ONLINE)
    stubs.ec2(["i-01"], _instance("i-01"))
    cache = {"cache": True, "cache_plugin": "ansible.builtin.jsonfile", "cache_connection": str(tmp_path / "cache")}
    first = parse(tmp_path, ecs=False, **cache)
    second = parse(tmp_path, ecs=False, **cache)  # no stubbed answer left: a second query would fail
    stubs.verify()
    assert list(first.hosts) == list(second.hosts) == ["i-01"]
    assert hostvars(second, "i-01")["launch_time"] == NOW.isoformat()


# --- against the emulator: the EC2 / ECS join ---------------------------------------------------------------------


def test_join_with_ec2_and_ecs_on_the_emulator(tmp_path: Path, clean_emulator: Any) -> None:
    made = ssm_hosts.prepare(clean_emulator.url, count=3)
    ecs = boto3.client("ecs", region_name=REGION, endpoint_url=clean_emulator.url)
    ecs.register_task_definition(
        family="probe", containerDefinitions=[{"name": "probe", "image": "busybox", "memory": 64}]
    )
    cluster = "kstore-local-cluster"
    arns = ecs.list_container_instances(cluster=cluster)["containerInstanceArns"]
    described = ecs.describe_container_instances(cluster=cluster, containerInstances=arns)["containerInstances"]
    member = next(c["containerInstanceArn"] for c in described if c["ec2InstanceId"] == made["cluster"][0])
    ecs.start_task(cluster=cluster, taskDefinition="probe", containerInstances=[member])
    clean_emulator.reset_requests()
    inventory = parse(
        tmp_path,
        endpoint_url=clean_emulator.url,
        filters={"tag:Platform": "kstore", "tag:Environment": "local"},
        include_offline=True,
        keyed_groups=[{"key": "ecs.cluster_name | default('none', true)", "prefix": "cluster"}],
    )
    expected = {*made["cluster"], made["outside"], made["stopped"]}
    assert set(inventory.hosts) == expected  # the instance without an instance profile is not managed
    for instance_id in made["cluster"]:
        variables = hostvars(inventory, instance_id)
        assert variables["ecs"]["cluster_name"] == cluster
        assert variables["ecs"]["agent_connected"] is True
        assert variables["ecs"]["status"] == "ACTIVE"
        assert variables["ping_status"] == "Online"
        assert variables["availability_zone"] in made["azs"]
        assert variables["ec2_tags"]["Component"] == "cluster"
        assert variables["private_ip_address"].startswith("10.77.")
    assert hostvars(inventory, made["cluster"][0])["ecs"]["running_tasks_count"] >= 1
    assert hostvars(inventory, made["outside"])["ecs"] is None
    assert hostvars(inventory, made["stopped"])["ping_status"] == "ConnectionLost"
    assert {h.name for h in inventory.groups["cluster_kstore_local_cluster"].hosts} == set(made["cluster"])
    requests = clean_emulator.requests()["by_action"]
    assert requests == {
        "ssm:DescribeInstanceInformation": 1,
        "ec2:DescribeInstances": 1,
        "ecs:ListClusters": 1,
        "ecs:ListContainerInstances": 1,
        "ecs:DescribeContainerInstances": 1,
    }
