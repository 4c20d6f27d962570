# Copyright: kstore.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: ssm
short_description: Hosts that AWS Systems Manager manages, joined with EC2 and ECS data
version_added: 0.1.0
description:
  - Lists the EC2 instances that AWS Systems Manager manages (C(ssm:DescribeInstanceInformation)), keeps those
    whose ping status is C(Online) unless O(include_offline=true), and joins each with its EC2 data (tags,
    availability zone, private IP, instance type, launch time; C(ec2:DescribeInstances)) and, when O(ecs=true),
    with its ECS container-instance membership (cluster name, agent connected, running tasks count).
  - Every host is reached through Session Manager, never SSH - it gets C(ansible_connection=amazon.aws.aws_ssm),
    C(ansible_aws_ssm_instance_id), C(ansible_aws_ssm_region) and, from this plugin's options, the S3 bucket and
    KMS key the connection transfers files through.
  - Only managed nodes of resource type C(EC2Instance) are listed. A node SSM still knows but EC2 no longer
    returns (terminated and gone, or excluded by O(filters)) is left out.
  - The configuration file must end with C(ssm.yml) or C(ssm.yaml), for example C(inventories/production/ssm.yml).
  - Uses C(ssm:DescribeInstanceInformation), C(ec2:DescribeInstances) and, when O(ecs=true), C(ecs:ListClusters),
    C(ecs:ListContainerInstances), C(ecs:DescribeContainerInstances). Throttled calls are retried with jittered
    backoff.
author:
  - kstore platform engineers (!UNKNOWN)
extends_documentation_fragment:
  - inventory_cache
  - constructed
  - amazon.aws.boto3
  - amazon.aws.common.plugins
  - amazon.aws.region.plugins
  - amazon.aws.assume_role.plugins
options:
  plugin:
    description: The name of this plugin; it must always be set to V(kstore.platform.ssm) for it to be used.
    required: true
    type: str
    choices: [kstore.platform.ssm]
  regions:
    description:
      - The regions in which to list managed instances.
      - If empty (the default), every region C(ec2:DescribeRegions) answers (as P(amazon.aws.aws_ec2#inventory) does);
        name the regions to keep the plugin from calling every region.
    type: list
    elements: str
    default: []
  filters:
    description:
      - EC2 filters (the C(ec2:DescribeInstances) C(Filters)) a host must match, as a dictionary of filter name to
        value or list of values, for example C(tag:Environment) or C(instance-state-name).
      - See U(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstances.html#API_DescribeInstances_RequestParameters).
    type: dict
    default: {}
  ssm_filters:
    description:
      - SSM filters (the C(ssm:DescribeInstanceInformation) C(Filters)) as a dictionary of key to value or list of
        values, for example C(PlatformTypes), C(AgentVersion) or C(tag:Role).
      - A C(PingStatus) key here replaces the one O(include_offline) sets.
    type: dict
    default: {}
  include_offline:
    description:
      - Also list managed instances whose ping status is not C(Online) (C(ConnectionLost), C(Inactive)).
      - They cannot be reached; use it to see them, for example in C(ansible-inventory --graph).
    type: bool
    default: false
  hostnames:
    description:
      - The host name, in order of preference; the first one that yields a value is used.
      - V(instance-id) (the default, what the Session Manager connection needs), V(private-ip-address),
        V(private-dns-name), V(computer-name) (the name the SSM agent reports), V(tag:NAME) (the value of tag
        NAME), or any other string as a Jinja2 expression over the host variables, as O(compose) takes them.
      - Whatever the name, C(ansible_aws_ssm_instance_id) holds the instance id for the connection. Two hosts
        yielding the same name make the plugin fail.
    type: list
    elements: str
    default: [instance-id]
  ecs:
    description:
      - Join each host with the ECS container instance that runs on it (matched on C(ec2InstanceId)), as the
        C(ecs) host variable; hosts outside any cluster get C(ecs=null).
    type: bool
    default: true
  ecs_clusters:
    description:
      - The ECS clusters (names or ARNs) to look for container instances in; all clusters of the region if empty.
    type: list
    elements: str
    default: []
  strict_permissions:
    description:
      - When V(false), a region in which a call is denied (C(AccessDenied*), C(UnauthorizedOperation)) is
        skipped with a warning instead of failing the inventory.
    type: bool
    default: true
  ssm_bucket_name:
    description:
      - The S3 bucket the C(amazon.aws.aws_ssm) connection transfers modules through
        (C(ansible_aws_ssm_bucket_name)); required by that connection.
    type: str
  ssm_bucket_sse_mode:
    description: The server-side encryption of the transfer bucket's objects (C(ansible_aws_ssm_bucket_sse_mode)).
    type: str
    choices: [AES256, aws:kms]
  ssm_bucket_sse_kms_key_id:
    description:
      - The KMS key of the transfer bucket's objects when O(ssm_bucket_sse_mode=aws:kms)
        (C(ansible_aws_ssm_bucket_sse_kms_key_id)).
    type: str
  ssm_bucket_endpoint_url:
    description: The S3 endpoint the connection uses for the transfer bucket (C(ansible_aws_ssm_bucket_endpoint_url)).
    type: str
  ssm_document:
    description: A Session Manager document for the shell session (C(ansible_aws_ssm_document)).
    type: str
notes:
  - The controller needs the C(session-manager-plugin) to connect, not to list hosts.
  - Host variables - C(instance_id), C(region), C(ping_status), C(last_ping), C(agent_version),
    C(ssm_platform_type), C(ssm_platform_name), C(ssm_platform_version) (the OS as SSM reports it, e.g.
    C(Linux) / C(Amazon Linux) / C(2023); prefixed so that they never override the collection's platform-wide
    C(platform_name) and C(platform_env)), C(computer_name), C(instance_type), C(availability_zone),
    C(private_ip_address), C(private_dns_name), C(launch_time), C(state), C(image_id), C(vpc_id), C(subnet_id),
    C(ec2_tags) (a dictionary; not C(tags), a name Ansible reserves), C(ecs) (C(cluster_name), C(cluster_arn),
    C(container_instance_arn), C(status),
    C(agent_connected), C(running_tasks_count), C(pending_tasks_count)) - are available to O(compose),
    O(groups) and O(keyed_groups).
seealso:
  - plugin: amazon.aws.aws_ssm
    plugin_type: connection
  - plugin: amazon.aws.aws_ec2
    plugin_type: inventory
"""

EXAMPLES = r"""
---
# inventories/production/ssm.yml - online ECS container instances grouped by cluster and AZ
plugin: kstore.platform.ssm
regions:
  - eu-west-1
filters:
  tag:Platform: kstore
  tag:Environment: production
ssm_bucket_name: kstore-production-ssm
ssm_bucket_sse_mode: aws:kms
ssm_bucket_sse_kms_key_id: alias/kstore-production
keyed_groups:
  - key: ecs.cluster_name | default('none', true)
    prefix: cluster
  - key: availability_zone
    prefix: az
groups:
  ecs_container_instances: ecs is not none
  ecs_agent_disconnected: ecs is not none and not ecs.agent_connected

---
# Every managed instance, offline ones too, named after the Name tag (falling back to the instance id)
plugin: kstore.platform.ssm
include_offline: true
hostnames:
  - tag:Name
  - instance-id
ecs: false
ssm_filters:
  PlatformTypes: Linux
compose:
  ansible_host: instance_id

---
# Cached for ten minutes in JSON files
plugin: kstore.platform.ssm
regions: [eu-west-1]
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/kstore-ssm-inventory
cache_timeout: 600
"""

import re
from typing import Any

try:
    import botocore
except ImportError:
    pass  # handled by AWSInventoryBase's require_aws_sdk

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_text
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.plugin_utils.inventory import AWSInventoryBase

THROTTLING = ["ThrottlingException", "Throttling", "RequestLimitExceeded", "TooManyRequestsException"]
DENIED = ["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnrecognizedClientException"]
EC2_FILTER_CHUNK = 199  # DescribeInstances takes at most 200 values per filter
ECS_DESCRIBE_CHUNK = 100  # DescribeContainerInstances takes at most 100 container instances
KNOWN_HOSTNAMES = {
    "instance-id": "instance_id",
    "private-ip-address": "private_ip_address",
    "private-dns-name": "private_dns_name",
    "computer-name": "computer_name",
}


def _as_list(value: Any) -> list[str]:
    return [to_text(v) for v in value] if isinstance(value, (list, tuple)) else [to_text(value)]


def _filter_list(filters: dict[str, Any], key_name: str = "Name") -> list[dict[str, Any]]:
    return [{key_name: to_text(k), "Values": _as_list(v)} for k, v in (filters or {}).items()]


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _iso(value: Any) -> str | None:
    return value.isoformat() if hasattr(value, "isoformat") else (to_text(value) if value else None)


class InventoryModule(AWSInventoryBase):
    NAME = "kstore.platform.ssm"
    INVENTORY_FILE_SUFFIXES = ("ssm.yml", "ssm.yaml")

    def __init__(self) -> None:
        super().__init__()
        self._retry = AWSRetry.jittered_backoff(retries=8, delay=1, max_delay=20, catch_extra_error_codes=THROTTLING)

    # --- AWS calls, one page at a time so that a throttled page is retried alone -------------------------------

    def _client(self, service: str, region: str) -> Any:
        return self.client(service, region=region, retry_decorator=self._retry)

    def _managed_instances(self, ssm: Any, filters: list[dict[str, Any]]) -> list[dict[str, Any]]:
        nodes: list[dict[str, Any]] = []
        params: dict[str, Any] = {"MaxResults": 50}
        if filters:
            params["Filters"] = filters
        while True:
            page = ssm.describe_instance_information(aws_retry=True, **params)
            nodes.extend(page.get("InstanceInformationList", []))
            if not page.get("NextToken"):
                return nodes
            params["NextToken"] = page["NextToken"]

    def _ec2_instances(self, ec2: Any, instance_ids: list[str], filters: list[dict[str, Any]]) -> dict[str, dict]:
        found: dict[str, dict] = {}
        for chunk in _chunks(instance_ids, EC2_FILTER_CHUNK):
            params: dict[str, Any] = {"Filters": [*filters, {"Name": "instance-id", "Values": chunk}]}
            while True:
                page = ec2.describe_instances(aws_retry=True, **params)
                for reservation in page.get("Reservations", []):
                    for instance in reservation.get("Instances", []):
                        found[instance["InstanceId"]] = instance
                if not page.get("NextToken"):
                    break
                params["NextToken"] = page["NextToken"]
        return found

    def _paged(self, call: Any, key: str, **params: Any) -> list[str]:
        items: list[str] = []
        while True:
            page = call(aws_retry=True, **params)
            items.extend(page.get(key, []))
            if not page.get("nextToken"):
                return items
            params["nextToken"] = page["nextToken"]

    def _ecs_membership(self, ecs: Any, wanted: set[str]) -> dict[str, dict]:
        membership: dict[str, dict] = {}
        clusters = self.get_option("ecs_clusters") or self._paged(ecs.list_clusters, "clusterArns")
        for cluster in clusters:
            arns = self._paged(ecs.list_container_instances, "containerInstanceArns", cluster=cluster)
            cluster_name = cluster.rsplit("/", 1)[-1]
            for chunk in _chunks(arns, ECS_DESCRIBE_CHUNK):
                answer = ecs.describe_container_instances(aws_retry=True, cluster=cluster, containerInstances=chunk)
                for item in answer.get("containerInstances", []):
                    instance_id = item.get("ec2InstanceId")
                    if instance_id not in wanted:
                        continue
                    membership[instance_id] = {
                        "cluster_name": cluster_name,
                        "cluster_arn": cluster if cluster.startswith("arn:") else None,
                        "container_instance_arn": item.get("containerInstanceArn"),
                        "status": item.get("status"),
                        "agent_connected": bool(item.get("agentConnected")),
                        "running_tasks_count": item.get("runningTasksCount", 0),
                        "pending_tasks_count": item.get("pendingTasksCount", 0),
                    }
                    if membership[instance_id]["cluster_arn"] is None:
                        arn = item.get("containerInstanceArn", "")
                        membership[instance_id]["cluster_arn"] = re.sub(
                            r":container-instance/([^/]+)/.*$", r":cluster/\1", arn
                        )
        return membership

    def _query_region(self, region: str) -> list[dict[str, Any]]:
        ssm_filters = self.get_option("ssm_filters") or {}
        if not self.get_option("include_offline") and "PingStatus" not in ssm_filters:
            ssm_filters = {**ssm_filters, "PingStatus": "Online"}
        nodes = self._managed_instances(self._client("ssm", region), _filter_list(ssm_filters, "Key"))
        nodes = [n for n in nodes if n.get("ResourceType", "EC2Instance") == "EC2Instance"]
        if not nodes:
            return []
        ids = [n["InstanceId"] for n in nodes]
        ec2_filters = _filter_list(self.get_option("filters"))
        instances = self._ec2_instances(self._client("ec2", region), ids, ec2_filters)
        membership: dict[str, dict] = {}
        if self.get_option("ecs") and instances:
            membership = self._ecs_membership(self._client("ecs", region), set(instances))
        hosts = []
        for node in nodes:
            instance = instances.get(node["InstanceId"])
            if instance is None:
                self.display.vvv(f"kstore.platform.ssm: {node['InstanceId']} is managed by SSM but not in EC2's answer")
                continue
            hosts.append(self._host_vars(region, node, instance, membership.get(node["InstanceId"])))
        return hosts

    def _query(self) -> list[dict[str, Any]]:
        hosts: list[dict[str, Any]] = []
        for region in self._boto3_regions(service="ssm"):
            try:
                hosts.extend(self._query_region(region))
            except is_boto3_error_code(DENIED) as e:
                if self.get_option("strict_permissions"):
                    self.fail_aws(f"Access denied listing SSM-managed instances in {region}", exception=e)
                self.display.warning(f"kstore.platform.ssm: skipping {region}: {to_text(e)}")
            except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
                self.fail_aws(f"Failed to list SSM-managed instances in {region}", exception=e)
        return hosts

    # --- host variables and inventory ---------------------------------------------------------------------------

    @staticmethod
    def _host_vars(region: str, node: dict, instance: dict, ecs: dict | None) -> dict[str, Any]:
        placement = instance.get("Placement") or {}
        return {
            "instance_id": node["InstanceId"],
            "region": region,
            "ping_status": node.get("PingStatus"),
            "last_ping": _iso(node.get("LastPingDateTime")),
            "agent_version": node.get("AgentVersion"),
            # ssm_-prefixed: platform_* are the collection's platform-wide variables (platform_name, platform_env),
            # which a host variable would override on these hosts.
            "ssm_platform_type": node.get("PlatformType"),
            "ssm_platform_name": node.get("PlatformName"),
            "ssm_platform_version": node.get("PlatformVersion"),
            "computer_name": node.get("ComputerName"),
            "instance_type": instance.get("InstanceType"),
            "availability_zone": placement.get("AvailabilityZone"),
            "private_ip_address": instance.get("PrivateIpAddress") or node.get("IPAddress"),
            "private_dns_name": instance.get("PrivateDnsName"),
            "launch_time": _iso(instance.get("LaunchTime")),
            "state": (instance.get("State") or {}).get("Name"),
            "image_id": instance.get("ImageId"),
            "vpc_id": instance.get("VpcId"),
            "subnet_id": instance.get("SubnetId"),
            "ec2_tags": {t["Key"]: t["Value"] for t in instance.get("Tags") or []},
            "ecs": ecs,
        }

    def _connection_vars(self, host: dict[str, Any]) -> dict[str, Any]:
        variables = {
            "ansible_connection": "amazon.aws.aws_ssm",
            "ansible_aws_ssm_instance_id": host["instance_id"],
            "ansible_aws_ssm_region": host["region"],
        }
        for option in ("bucket_name", "bucket_sse_mode", "bucket_sse_kms_key_id", "bucket_endpoint_url", "document"):
            value = self.get_option(f"ssm_{option}")
            if value:
                variables[f"ansible_aws_ssm_{option}"] = value
        return variables

    def _hostname(self, host: dict[str, Any]) -> str | None:
        for preference in self.get_option("hostnames"):
            if preference in KNOWN_HOSTNAMES:
                value = host.get(KNOWN_HOSTNAMES[preference])
            elif preference.startswith("tag:"):
                value = host["ec2_tags"].get(preference[4:])
            else:
                try:
                    value = self._compose(preference, host)
                except Exception as e:  # any templating error: this preference yields nothing
                    if self.get_option("strict"):
                        raise AnsibleError(f"Could not compose hostname {preference!r}: {to_text(e)}") from e
                    value = None
            if value:
                return to_text(value)
        return None

    def _populate(self, hosts: list[dict[str, Any]]) -> None:
        strict = self.get_option("strict")
        seen: dict[str, str] = {}
        for host in hosts:
            name = self._hostname(host)
            if name is None:
                self.display.warning(f"kstore.platform.ssm: no hostname for {host['instance_id']}; skipped")
                continue
            if name in seen:
                raise AnsibleError(
                    f"kstore.platform.ssm: {seen[name]} and {host['instance_id']} both have the hostname {name!r}"
                )
            seen[name] = host["instance_id"]
            self.inventory.add_host(name)
            for key, value in {**host, **self._connection_vars(host)}.items():
                self.inventory.set_variable(name, key, value)
            all_vars = self.inventory.get_host(name).get_vars()
            self._set_composite_vars(self.get_option("compose"), all_vars, name, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), all_vars, name, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), all_vars, name, strict=strict)

    def parse(self, inventory: Any, loader: Any, path: str, cache: bool = True) -> None:
        super().parse(inventory, loader, path, cache=cache)
        cached, hosts = self.get_cached_result(path, cache)
        if not cached:
            hosts = self._query()
        self._populate(hosts)
        self.update_cached_result(path, cache, hosts)
