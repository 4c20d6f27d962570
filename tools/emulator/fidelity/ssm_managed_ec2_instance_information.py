"""SSM DescribeInstanceInformation for EC2 instances whose instance profile lets the SSM Agent register.

AWS behaviour restored: an EC2 instance becomes a Systems Manager managed node when its SSM Agent (preinstalled
on Amazon Linux 2023 and the ECS-optimized AMIs) can call ``ssm:UpdateInstanceInformation`` with the instance
profile's role — typically through the AWS managed policy ``AmazonSSMManagedInstanceCore``. Such a node is listed
by ``DescribeInstanceInformation`` with ``ResourceType: EC2Instance``, ``PingStatus: Online`` while the instance
runs and ``ConnectionLost`` once it stopped (the agent no longer pings); a terminated instance is deregistered.
The action pages with ``MaxResults`` (5-50) / ``NextToken`` and filters with ``Filters`` (``InstanceIds``,
``PingStatus``, ``PlatformTypes``, ``ResourceType``, ``tag-key``, ``tag:<key>``) or the older
``InstanceInformationFilterList`` (``key`` / ``valueSet``, same keys without tags). moto 5.2 does not implement
the action at all (HTTP 500). Here the agent is modelled, not run: an instance qualifies when its instance
profile's role has an attached or inline policy allowing ``ssm:UpdateInstanceInformation``; instances without
an instance profile, or with a role lacking that permission, are not managed nodes — as on AWS (unless Default
Host Management Configuration is on, which this emulator does not model).

Needed by: the collection's ``kstore.platform.ssm`` inventory plugin (inventories/local/ssm.yml) and
``amazon.aws.aws_ec2``'s ``use_ssm_inventory`` callers.
"""

from __future__ import annotations

import fnmatch
import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from ._patching import patch

SSM_REGISTER_ACTION = "ssm:UpdateInstanceInformation"
AGENT_VERSION = "3.3.1142.0"
PING_BY_STATE = {"running": "Online", "stopping": "ConnectionLost", "stopped": "ConnectionLost"}


def _allows_registration(document: Any) -> bool:
    if not document:
        return False
    if isinstance(document, str):
        document = json.loads(unquote(document))
    statements = document.get("Statement", [])
    for statement in statements if isinstance(statements, list) else [statements]:
        if statement.get("Effect") != "Allow":
            continue
        actions = statement.get("Action", [])
        for action in [actions] if isinstance(actions, str) else actions:
            if fnmatch.fnmatchcase(SSM_REGISTER_ACTION.lower(), action.lower()):
                return True
    return False


def _role_allows_registration(role: Any) -> bool:
    documents = [v.document for p in role.managed_policies.values() for v in p.versions if v.is_default_version]
    documents += list(role.policies.values())
    return any(_allows_registration(doc) for doc in documents)


def _managed(ec2_backend: Any, instance: Any) -> bool:
    # moto records the profile of a RunInstances call as an association (of its first instance only: launch
    # instances one at a time when the profile matters).
    association = ec2_backend.iam_instance_profile_associations.get(instance.id)
    if association is None or association.state != "associated":
        return False
    return any(_role_allows_registration(role) for role in association.iam_instance_profile.roles)


def _node(instance: Any) -> dict[str, Any]:
    ip = instance.private_ip or ""
    return {
        "InstanceId": instance.id,
        "PingStatus": PING_BY_STATE[instance.state],
        "LastPingDateTime": datetime.now(UTC),
        "AgentVersion": AGENT_VERSION,
        "IsLatestVersion": True,
        "PlatformType": "Linux",
        "PlatformName": "Amazon Linux",
        "PlatformVersion": "2023",
        "ResourceType": "EC2Instance",
        "IPAddress": ip,
        "ComputerName": f"ip-{ip.replace('.', '-')}.{instance.region_name}.compute.internal",
        "SourceId": instance.id,
        "SourceType": "AWS::EC2::Instance",
    }


def _matches(node: dict[str, Any], tags: dict[str, str], key: str, values: list[str]) -> bool:
    field = {
        "InstanceIds": "InstanceId",
        "PingStatus": "PingStatus",
        "PlatformTypes": "PlatformType",
        "ResourceType": "ResourceType",
        "AgentVersion": "AgentVersion",
    }.get(key)
    if field:
        return node[field] in values
    if key == "tag-key":
        return any(v in tags for v in values)
    if key.startswith("tag:"):
        return tags.get(key[4:]) in values
    return True  # keys this model does not know (AssociationStatus, IamRole, ...) do not narrow the answer


def describe_instance_information(self: Any) -> Any:
    from moto.core.responses import ActionResult
    from moto.ec2.models import ec2_backends

    ec2_backend = ec2_backends[self.current_account][self.region]
    filters = [(f["Key"], f["Values"]) for f in self._get_param("Filters") or []]
    filters += [(f["key"], f["valueSet"]) for f in self._get_param("InstanceInformationFilterList") or []]
    nodes = []
    for instance in ec2_backend.all_instances():
        if instance.state not in PING_BY_STATE or not _managed(ec2_backend, instance):
            continue
        node = _node(instance)
        tags = {t["key"]: t["value"] for t in ec2_backend.describe_tags(filters={"resource-id": [instance.id]})}
        if all(_matches(node, tags, key, values) for key, values in filters):
            nodes.append(node)
    nodes.sort(key=lambda n: n["InstanceId"])
    size = int(self._get_param("MaxResults") or 50)
    start = int(self._get_param("NextToken") or 0)
    result: dict[str, Any] = {"InstanceInformationList": nodes[start : start + size]}
    if start + size < len(nodes):
        result["NextToken"] = str(start + size)
    return ActionResult(result)


def apply() -> None:
    from moto.ssm.responses import SimpleSystemManagerResponse

    patch(
        SimpleSystemManagerResponse,
        "describe_instance_information",
        __name__,
        lambda _original: describe_instance_information,
    )
