# Copyright: Contributors to the kstore.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: elasticache_replication_group
version_added: 0.1.0
short_description: Manage ElastiCache (Redis OSS / Valkey) replication groups
description:
  - Creates, updates in place and deletes an ElastiCache replication group, a primary with replicas (cluster mode
    disabled, O(num_node_groups=1)) or several shards (cluster mode enabled).
  - Settings are compared with the group and, for those ElastiCache reports per node (engine version, security
    groups, subnet and parameter groups, maintenance window), with its first member cluster. An option that is
    not set is left alone.
  - Changed in place through C(ModifyReplicationGroup) are O(description), O(engine), O(engine_version) (upgrades only),
    O(cache_node_type), O(automatic_failover), O(multi_az), O(security_group_ids), O(cache_parameter_group),
    O(snapshot_retention_limit), O(preferred_maintenance_window), and the AUTH token with O(update_auth_token).
  - AWS cannot change O(at_rest_encryption), O(kms_key_id), O(cache_subnet_group) or O(port) of an existing
    group; nor does this module change O(transit_encryption) (a two-step migration on Redis OSS 7.0.5+, a
    replacement before), O(num_node_groups) or O(replicas_per_node_group). When one of them differs the module
    fails, naming the settings and saying that they need a new replication group.
author:
  - kstore platform engineers (!UNKNOWN)
options:
  state:
    description:
      - Whether the replication group should exist.
    type: str
    choices: ['present', 'absent']
    default: present
  replication_group_id:
    description:
      - The replication group identifier (1-40 lowercase letters, digits and hyphens, starting with a letter).
    type: str
    required: true
  description:
    description:
      - The description of the group. Required to create it.
    type: str
  engine:
    description:
      - The engine.
    type: str
    choices: ['redis', 'valkey']
    default: redis
  engine_version:
    description:
      - The engine version, for example V(7.1). A shorter version matches a longer one (V(7.1) matches
        V(7.1.0)). An existing group is upgraded, never downgraded.
    type: str
  cache_node_type:
    description:
      - The node type, for example V(cache.t4g.micro). Required to create the group.
    type: str
  num_node_groups:
    description:
      - The number of shards. V(1) creates a group with cluster mode disabled.
    type: int
    default: 1
  replicas_per_node_group:
    description:
      - The number of replicas in each shard, 0 to 5.
    type: int
    default: 1
  automatic_failover:
    description:
      - Whether a replica is promoted when the primary fails. Needs at least one replica.
    type: bool
  multi_az:
    description:
      - Whether the nodes are spread over availability zones with automatic failover. Needs O(automatic_failover).
    type: bool
  at_rest_encryption:
    description:
      - Whether data at rest is encrypted. Only at creation.
    type: bool
  kms_key_id:
    description:
      - The KMS key (ID, ARN or alias) that encrypts data at rest; the service key when not set. Only at creation,
        with O(at_rest_encryption=true).
    type: str
  transit_encryption:
    description:
      - Whether connections use TLS. Only at creation. Required with O(auth_token).
    type: bool
  auth_token:
    description:
      - The AUTH token (password), 16 to 128 printable characters without C(@), C(") or C(/).
      - AWS never returns it, so it cannot be compared. It is set when the group is created, and on an existing
        group only with O(update_auth_token=true).
    type: str
  update_auth_token:
    description:
      - Set O(auth_token) on an existing group, with O(auth_token_update_strategy). Reports a change every time.
    type: bool
    default: false
  auth_token_update_strategy:
    description:
      - V(ROTATE) adds O(auth_token) and keeps the previous token valid until the next rotation; V(SET) replaces
        the token (or sets one on a group that allows unauthenticated access with ROTATE first).
    type: str
    choices: ['ROTATE', 'SET']
    default: ROTATE
  cache_subnet_group:
    description:
      - The cache subnet group to place the nodes in. Only at creation.
    type: str
  security_group_ids:
    description:
      - The VPC security groups of the nodes. The order does not matter.
    type: list
    elements: str
  cache_parameter_group:
    description:
      - The cache parameter group; the engine's default group when not set at creation.
    type: str
  port:
    description:
      - The port the nodes listen on. Only at creation; AWS uses V(6379) when not set.
    type: int
  snapshot_retention_limit:
    description:
      - Days automatic snapshots are kept; V(0) switches them off.
    type: int
  preferred_maintenance_window:
    description:
      - The weekly maintenance window, for example V(sun:03:00-sun:04:00) (UTC).
    type: str
  apply_immediately:
    description:
      - Apply modifications now rather than in the next maintenance window.
    type: bool
    default: true
  wait:
    description:
      - Wait until the group is available (O(state=present)) or deleted (O(state=absent)).
    type: bool
    default: true
  wait_timeout:
    description:
      - How long to wait, in seconds.
    type: int
    default: 1800
  final_snapshot_identifier:
    description:
      - With O(state=absent), the name of a snapshot to take before the group is deleted.
    type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
  - kstore.platform.attributes
  - kstore.platform.attributes.actiongroup_aws
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
notes:
  - The IAM actions used are C(elasticache:DescribeReplicationGroups), C(elasticache:DescribeCacheClusters),
    C(elasticache:ListTagsForResource), C(elasticache:CreateReplicationGroup),
    C(elasticache:ModifyReplicationGroup), C(elasticache:DeleteReplicationGroup),
    C(elasticache:AddTagsToResource) and C(elasticache:RemoveTagsFromResource); with a final snapshot also
    C(elasticache:CreateSnapshot); with a customer managed KMS key the KMS grants ElastiCache needs.
"""

EXAMPLES = r"""
- name: A Multi-AZ Redis group, one primary and one replica, encrypted, with an AUTH token
  kstore.platform.elasticache_replication_group:
    state: present
    replication_group_id: shop-prod-redis
    description: PrestaShop sessions and cache
    engine: redis
    engine_version: "7.1"
    cache_node_type: cache.t4g.small
    num_node_groups: 1
    replicas_per_node_group: 1
    automatic_failover: true
    multi_az: true
    at_rest_encryption: true
    kms_key_id: alias/shop-prod
    transit_encryption: true
    auth_token: "{{ redis_auth_token }}"
    cache_subnet_group: shop-prod-redis
    security_group_ids: [sg-0123456789abcdef0]
    tags:
      Platform: shop
      Environment: prod

- name: Rotate the AUTH token
  kstore.platform.elasticache_replication_group:
    replication_group_id: shop-prod-redis
    auth_token: "{{ new_redis_auth_token }}"
    update_auth_token: true

- name: Delete the group after a final snapshot
  kstore.platform.elasticache_replication_group:
    state: absent
    replication_group_id: shop-prod-redis
    final_snapshot_identifier: shop-prod-redis-final
"""

RETURN = r"""
replication_group:
  description:
    - The replication group.
    - In check mode, when the group would be created, the settings it would have, without what only AWS sets.
  returned: when O(state=present)
  type: dict
  contains:
    replication_group_id:
      description: The identifier.
      returned: always
      type: str
      sample: shop-prod-redis
    arn:
      description: The ARN.
      returned: when the group exists
      type: str
      sample: arn:aws:elasticache:eu-west-1:123456789012:replicationgroup:shop-prod-redis
    description:
      description: The description.
      returned: always
      type: str
      sample: PrestaShop sessions and cache
    status:
      description: The status (V(creating), V(available), V(modifying), V(deleting), ...).
      returned: when the group exists
      type: str
      sample: available
    engine:
      description: The engine.
      returned: always
      type: str
      sample: redis
    engine_version:
      description: The engine version of the nodes.
      returned: when known
      type: str
      sample: 7.1.0
    cache_node_type:
      description: The node type.
      returned: always
      type: str
      sample: cache.t4g.small
    cluster_mode:
      description: V(enabled) with several shards, else V(disabled).
      returned: always
      type: str
      sample: disabled
    num_node_groups:
      description: The number of shards.
      returned: always
      type: int
      sample: 1
    replicas_per_node_group:
      description: The number of replicas in each shard.
      returned: always
      type: int
      sample: 1
    member_clusters:
      description: The cache clusters (nodes) of the group.
      returned: when the group exists
      type: list
      elements: str
      sample: [shop-prod-redis-001, shop-prod-redis-002]
    automatic_failover:
      description: Whether automatic failover is on.
      returned: always
      type: bool
      sample: true
    multi_az:
      description: Whether Multi-AZ is on.
      returned: always
      type: bool
      sample: true
    at_rest_encryption:
      description: Whether data at rest is encrypted.
      returned: always
      type: bool
      sample: true
    kms_key_id:
      description: The KMS key of the encryption at rest.
      returned: when a customer managed key is used
      type: str
      sample: arn:aws:kms:eu-west-1:123456789012:key/0d3c9e5a-1111-2222-3333-444455556666
    transit_encryption:
      description: Whether connections use TLS.
      returned: always
      type: bool
      sample: true
    auth_token_enabled:
      description: Whether an AUTH token is required. The token itself is never returned.
      returned: always
      type: bool
      sample: true
    cache_subnet_group:
      description: The cache subnet group.
      returned: when known
      type: str
      sample: shop-prod-redis
    security_group_ids:
      description: The VPC security groups, sorted.
      returned: when known
      type: list
      elements: str
      sample: [sg-0123456789abcdef0]
    cache_parameter_group:
      description: The cache parameter group.
      returned: when known
      type: str
      sample: default.redis7
    preferred_maintenance_window:
      description: The weekly maintenance window.
      returned: when known
      type: str
      sample: sun:03:00-sun:04:00
    snapshot_retention_limit:
      description: Days automatic snapshots are kept.
      returned: always
      type: int
      sample: 7
    port:
      description: The port.
      returned: when known
      type: int
      sample: 6379
    primary_endpoint:
      description: The address of the primary (cluster mode disabled).
      returned: when the group exists with cluster mode disabled
      type: str
      sample: master.shop-prod-redis.abc123.euw1.cache.amazonaws.com
    reader_endpoint:
      description: The address that spreads reads over the replicas (cluster mode disabled).
      returned: when the group exists with cluster mode disabled
      type: str
      sample: replica.shop-prod-redis.abc123.euw1.cache.amazonaws.com
    configuration_endpoint:
      description: The configuration endpoint (cluster mode enabled).
      returned: when the group exists with cluster mode enabled
      type: str
      sample: clustercfg.shop-prod-redis.abc123.euw1.cache.amazonaws.com
    tags:
      description: The tags.
      returned: always
      type: dict
      sample: {"Platform": "shop", "Environment": "prod"}
"""

from typing import Any

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
)
from ansible_collections.kstore.platform.plugins.module_utils.tagging import plan_tags

# Settings shown by --diff (not status, ARN, endpoints).
DIFF_KEYS = (
    "replication_group_id",
    "description",
    "engine",
    "engine_version",
    "cache_node_type",
    "num_node_groups",
    "replicas_per_node_group",
    "automatic_failover",
    "multi_az",
    "at_rest_encryption",
    "kms_key_id",
    "transit_encryption",
    "auth_token_enabled",
    "cache_subnet_group",
    "security_group_ids",
    "cache_parameter_group",
    "port",
    "snapshot_retention_limit",
    "preferred_maintenance_window",
    "tags",
)
# Options AWS (or this module) cannot change on an existing group.
FIXED = (
    "at_rest_encryption",
    "kms_key_id",
    "transit_encryption",
    "cache_subnet_group",
    "port",
    "num_node_groups",
    "replicas_per_node_group",
)
# Option -> ModifyReplicationGroup parameter, for the settings changed in place (engine_version handled apart).
MODIFIABLE = {
    "description": "ReplicationGroupDescription",
    "engine": "Engine",
    "cache_node_type": "CacheNodeType",
    "automatic_failover": "AutomaticFailoverEnabled",
    "multi_az": "MultiAZEnabled",
    "security_group_ids": "SecurityGroupIds",
    "cache_parameter_group": "CacheParameterGroupName",
    "snapshot_retention_limit": "SnapshotRetentionLimit",
    "preferred_maintenance_window": "PreferredMaintenanceWindow",
}
UNAVAILABLE = ("creating", "modifying", "snapshotting")


def _version(text: str) -> list[str]:
    return text.strip().split(".")


def version_matches(wanted: str, have: str | None) -> bool:
    """Whether a requested version (7.1, 6.x) names the version a group runs (7.1.0, 6.2.6)."""
    if not have:
        return False
    have_parts = _version(have)
    for index, part in enumerate(_version(wanted)):
        if part.lower() == "x":
            continue
        if index >= len(have_parts) or part != have_parts[index]:
            return False
    return True


def version_lower(wanted: str, have: str) -> bool:
    """Whether the requested version is older than the running one (a downgrade AWS refuses)."""

    def key(text: str) -> list[int]:
        return [int(part) if part.isdigit() else 10**6 for part in _version(text)]

    wanted_key, have_key = key(wanted), key(have)
    return wanted_key < have_key[: len(wanted_key)]


def validate_params(module: AnsibleAWSModule) -> None:
    params = module.params
    if params["state"] != "present":
        return
    if params["cache_node_type"] is not None and not params["cache_node_type"].startswith("cache."):
        module.fail_json(msg=f"cache_node_type {params['cache_node_type']!r} is not an ElastiCache node type (cache.*)")
    if not 0 <= params["replicas_per_node_group"] <= 5:
        module.fail_json(msg=f"replicas_per_node_group must be 0 to 5, got {params['replicas_per_node_group']}")
    if not 1 <= params["num_node_groups"] <= 500:
        module.fail_json(msg=f"num_node_groups must be 1 to 500, got {params['num_node_groups']}")
    if params["multi_az"] and params["automatic_failover"] is False:
        module.fail_json(msg="multi_az=true needs automatic_failover=true")
    failover = params["automatic_failover"] or params["multi_az"]
    if failover and params["num_node_groups"] == 1 and params["replicas_per_node_group"] < 1:
        module.fail_json(msg="automatic_failover and multi_az need at least one replica (replicas_per_node_group)")
    if params["num_node_groups"] > 1 and params["automatic_failover"] is False:
        module.fail_json(msg="a group with several shards (num_node_groups > 1) always has automatic_failover")
    if params["kms_key_id"] and params["at_rest_encryption"] is False:
        module.fail_json(msg="kms_key_id needs at_rest_encryption=true")
    if params["auth_token"] is not None:
        token = params["auth_token"]
        if not 16 <= len(token) <= 128 or any(c in token for c in '@"/') or not token.isprintable():
            module.fail_json(msg='auth_token must be 16-128 printable characters without @, " or /')
        if params["transit_encryption"] is False:
            module.fail_json(msg="auth_token needs transit_encryption=true")
    if params["update_auth_token"] and params["auth_token"] is None:
        module.fail_json(msg="update_auth_token=true needs auth_token")


def describe_group(module: AnsibleAWSModule, client: Any, group_id: str) -> dict[str, Any] | None:
    try:
        groups = client.describe_replication_groups(aws_retry=True, ReplicationGroupId=group_id)["ReplicationGroups"]
    except is_boto3_error_code("ReplicationGroupNotFoundFault"):
        return None
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Failed to describe replication group {group_id}")
    return groups[0] if groups else None


def describe_member(module: AnsibleAWSModule, client: Any, group: dict[str, Any]) -> dict[str, Any]:
    """The first member cluster: where AWS reports engine version, security/subnet/parameter groups, window."""
    members = group.get("MemberClusters") or []
    if not members:
        return {}
    try:
        clusters = client.describe_cache_clusters(aws_retry=True, CacheClusterId=members[0])["CacheClusters"]
    except is_boto3_error_code("CacheClusterNotFound"):
        return {}
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Failed to describe cache cluster {members[0]}")
    return clusters[0] if clusters else {}


def list_tags(module: AnsibleAWSModule, client: Any, arn: str) -> dict[str, str]:
    try:
        return boto3_tag_list_to_ansible_dict(
            client.list_tags_for_resource(aws_retry=True, ResourceName=arn).get("TagList", [])
        )
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to list the tags of {arn}")


def to_view(group: dict[str, Any], member: dict[str, Any], tags: dict[str, str]) -> dict[str, Any]:
    """A described group (boto3 shapes) in the shape of RV(replication_group)."""
    node_groups = group.get("NodeGroups") or []
    members = group.get("MemberClusters") or []
    shards = max(len(node_groups), 1)
    view = {
        "replication_group_id": group["ReplicationGroupId"],
        "arn": group.get("ARN"),
        "description": group.get("Description"),
        "status": group.get("Status"),
        "engine": group.get("Engine") or member.get("Engine") or "redis",
        "engine_version": member.get("EngineVersion"),
        "cache_node_type": group.get("CacheNodeType"),
        "cluster_mode": "enabled" if group.get("ClusterEnabled") else "disabled",
        "num_node_groups": shards,
        "replicas_per_node_group": max(len(members) // shards - 1, 0),
        "member_clusters": members,
        "automatic_failover": group.get("AutomaticFailover") in ("enabled", "enabling"),
        "multi_az": group.get("MultiAZ") == "enabled",
        "at_rest_encryption": bool(group.get("AtRestEncryptionEnabled")),
        "kms_key_id": group.get("KmsKeyId"),
        "transit_encryption": bool(group.get("TransitEncryptionEnabled")),
        "auth_token_enabled": bool(group.get("AuthTokenEnabled")),
        "cache_subnet_group": member.get("CacheSubnetGroupName"),
        "security_group_ids": sorted(sg["SecurityGroupId"] for sg in member.get("SecurityGroups", [])) or None,
        "cache_parameter_group": (member.get("CacheParameterGroup") or {}).get("CacheParameterGroupName"),
        "preferred_maintenance_window": member.get("PreferredMaintenanceWindow"),
        "snapshot_retention_limit": group.get("SnapshotRetentionLimit", 0),
        "port": None,
        "tags": tags,
    }
    if group.get("ConfigurationEndpoint"):
        view["configuration_endpoint"] = group["ConfigurationEndpoint"].get("Address")
        view["port"] = group["ConfigurationEndpoint"].get("Port")
    elif node_groups:
        primary = node_groups[0].get("PrimaryEndpoint") or {}
        view["primary_endpoint"] = primary.get("Address")
        view["reader_endpoint"] = (node_groups[0].get("ReaderEndpoint") or {}).get("Address")
        view["port"] = primary.get("Port")
    return {key: value for key, value in view.items() if value is not None}


def read_group(module: AnsibleAWSModule, client: Any, group_id: str) -> dict[str, Any] | None:
    group = describe_group(module, client, group_id)
    if group is None or group.get("Status") == "deleting":
        return group and {"replication_group_id": group_id, "status": "deleting"}
    return to_view(group, describe_member(module, client, group), list_tags(module, client, group["ARN"]))


def _kms_differs(wanted: str, have: str | None) -> bool:
    if wanted.startswith("alias/") or ":alias/" in wanted:
        return False  # An alias cannot be compared with the key ARN AWS reports without a KMS call.
    return not have or not (have == wanted or have.endswith("/" + wanted))


def fixed_differences(existing: dict[str, Any], params: dict[str, Any]) -> list[str]:
    differing = []
    for option in FIXED:
        wanted = params[option]
        if wanted is None:
            continue
        have = existing.get(option)
        if option == "kms_key_id":
            if _kms_differs(wanted, have):
                differing.append(f"kms_key_id ({have or 'the service key'} -> {wanted})")
        elif option == "port":
            if have is not None and have != wanted:
                differing.append(f"port ({have} -> {wanted})")
        elif have != wanted:
            differing.append(f"{option} ({have} -> {wanted})")
    return differing


def modifications(existing: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """The ModifyReplicationGroup parameters that bring the group to the task's settings."""
    changes: dict[str, Any] = {}
    for option, key in MODIFIABLE.items():
        wanted = params[option]
        if wanted is None:
            continue
        have = existing.get(option)
        if option == "security_group_ids":
            wanted = sorted(set(wanted))
        if have != wanted:
            changes[key] = wanted
    if params["engine_version"] and not version_matches(params["engine_version"], existing.get("engine_version")):
        changes["EngineVersion"] = params["engine_version"]
    return changes


def apply_changes(view: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The view of a group after ``changes`` (ModifyReplicationGroup parameters), for check mode and --diff."""
    after = dict(view)
    for option, key in MODIFIABLE.items():
        if key in changes:
            after[option] = changes[key]
    if "EngineVersion" in changes:
        after["engine_version"] = changes["EngineVersion"]
    return after


def desired_view(params: dict[str, Any], tags: dict[str, str]) -> dict[str, Any]:
    view = {
        "replication_group_id": params["replication_group_id"],
        "description": params["description"],
        "engine": params["engine"],
        "engine_version": params["engine_version"],
        "cache_node_type": params["cache_node_type"],
        "cluster_mode": "enabled" if params["num_node_groups"] > 1 else "disabled",
        "num_node_groups": params["num_node_groups"],
        "replicas_per_node_group": params["replicas_per_node_group"],
        "automatic_failover": bool(params["automatic_failover"] or params["num_node_groups"] > 1),
        "multi_az": bool(params["multi_az"]),
        "at_rest_encryption": bool(params["at_rest_encryption"]),
        "kms_key_id": params["kms_key_id"],
        "transit_encryption": bool(params["transit_encryption"]),
        "auth_token_enabled": params["auth_token"] is not None,
        "cache_subnet_group": params["cache_subnet_group"],
        "security_group_ids": sorted(set(params["security_group_ids"])) if params["security_group_ids"] else None,
        "cache_parameter_group": params["cache_parameter_group"],
        "preferred_maintenance_window": params["preferred_maintenance_window"],
        "snapshot_retention_limit": params["snapshot_retention_limit"] or 0,
        "port": params["port"],
        "tags": tags,
    }
    return {key: value for key, value in view.items() if value is not None}


def wait_for(module: AnsibleAWSModule, client: Any, waiter_name: str, group_id: str) -> None:
    delay = 15
    try:
        client.get_waiter(waiter_name).wait(
            ReplicationGroupId=group_id,
            WaiterConfig={"Delay": delay, "MaxAttempts": max(module.params["wait_timeout"] // delay, 1)},
        )
    except botocore.exceptions.WaiterError as e:
        module.fail_json_aws(e, msg=f"Timed out waiting for replication group {group_id} ({waiter_name})")
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed waiting for replication group {group_id}")


def create_group(module: AnsibleAWSModule, client: Any, tags: dict[str, str]) -> None:
    params = module.params
    for required in ("description", "cache_node_type"):
        if not params[required]:
            module.fail_json(msg=f"{required} is required to create replication group {params['replication_group_id']}")
    request: dict[str, Any] = {
        "ReplicationGroupId": params["replication_group_id"],
        "ReplicationGroupDescription": params["description"],
        "Engine": params["engine"],
        "CacheNodeType": params["cache_node_type"],
    }
    if params["num_node_groups"] == 1:
        request["NumCacheClusters"] = params["replicas_per_node_group"] + 1
    else:
        request.update(
            NumNodeGroups=params["num_node_groups"],
            ReplicasPerNodeGroup=params["replicas_per_node_group"],
            ClusterMode="enabled",
        )
    optional = {
        "engine_version": "EngineVersion",
        "automatic_failover": "AutomaticFailoverEnabled",
        "multi_az": "MultiAZEnabled",
        "at_rest_encryption": "AtRestEncryptionEnabled",
        "kms_key_id": "KmsKeyId",
        "transit_encryption": "TransitEncryptionEnabled",
        "auth_token": "AuthToken",
        "cache_subnet_group": "CacheSubnetGroupName",
        "security_group_ids": "SecurityGroupIds",
        "cache_parameter_group": "CacheParameterGroupName",
        "port": "Port",
        "snapshot_retention_limit": "SnapshotRetentionLimit",
        "preferred_maintenance_window": "PreferredMaintenanceWindow",
    }
    for option, key in optional.items():
        if params[option] is not None:
            request[key] = params[option]
    if params["num_node_groups"] > 1:
        request["AutomaticFailoverEnabled"] = True
    if tags:
        request["Tags"] = ansible_dict_to_boto3_tag_list(tags)
    try:
        client.create_replication_group(aws_retry=True, **request)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to create replication group {params['replication_group_id']}")


def modify_group(module: AnsibleAWSModule, client: Any, changes: dict[str, Any]) -> None:
    group_id = module.params["replication_group_id"]
    try:
        client.modify_replication_group(
            aws_retry=True,
            ReplicationGroupId=group_id,
            ApplyImmediately=module.params["apply_immediately"],
            **changes,
        )
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to modify replication group {group_id}")


def update_tags(module: AnsibleAWSModule, client: Any, arn: str, to_set: dict[str, str], to_unset: list[str]) -> None:
    try:
        if to_unset:
            client.remove_tags_from_resource(aws_retry=True, ResourceName=arn, TagKeys=to_unset)
        if to_set:
            client.add_tags_to_resource(aws_retry=True, ResourceName=arn, Tags=ansible_dict_to_boto3_tag_list(to_set))
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to update the tags of {arn}")


def ensure_present(module: AnsibleAWSModule, client: Any, existing: dict[str, Any] | None) -> dict[str, Any]:
    params = module.params
    group_id = params["replication_group_id"]
    if existing is not None and existing.get("status") == "deleting":
        module.fail_json(msg=f"replication group {group_id} is being deleted; run again once it is gone")

    if existing is None:
        tags = plan_tags({}, params["tags"], params["purge_tags"])[2]
        if module.check_mode:
            return {"changed": True, "replication_group": desired_view(params, tags)}
        create_group(module, client, tags)
        if params["wait"]:
            wait_for(module, client, "replication_group_available", group_id)
        return {"changed": True, "replication_group": read_group(module, client, group_id)}

    fixed = fixed_differences(existing, params)
    if fixed:
        module.fail_json(
            msg=f"replication group {group_id}: {', '.join(fixed)} cannot be changed in place; "
            "it needs a new replication group (create one, move the clients, delete this one)",
            replication_group=existing,
        )
    have_version = existing.get("engine_version")
    if params["engine_version"] and have_version and version_lower(params["engine_version"], have_version):
        module.fail_json(
            msg=f"replication group {group_id} runs {have_version}: "
            f"engine_version {params['engine_version']} would be a downgrade, which AWS does not do"
        )
    changes = modifications(existing, params)
    if params["update_auth_token"]:
        changes["AuthToken"] = params["auth_token"]
        changes["AuthTokenUpdateStrategy"] = params["auth_token_update_strategy"]
    to_set, to_unset, tags = plan_tags(existing.get("tags", {}), params["tags"], params["purge_tags"])

    if not (changes or to_set or to_unset):
        return {"changed": False, "replication_group": existing}
    after = dict(apply_changes(existing, changes), tags=tags)
    if "AuthToken" in changes:
        after["auth_token_enabled"] = True
    if module.check_mode:
        return {"changed": True, "replication_group": after}
    if changes:
        if params["wait"] and existing.get("status") in UNAVAILABLE:
            wait_for(module, client, "replication_group_available", group_id)
        modify_group(module, client, changes)
    update_tags(module, client, existing["arn"], to_set, to_unset)
    if params["wait"] and changes:
        wait_for(module, client, "replication_group_available", group_id)
    return {"changed": True, "replication_group": read_group(module, client, group_id) or after}


def ensure_absent(module: AnsibleAWSModule, client: Any, existing: dict[str, Any] | None) -> dict[str, Any]:
    params = module.params
    group_id = params["replication_group_id"]
    if existing is None:
        return {"changed": False}
    if existing.get("status") != "deleting":
        if module.check_mode:
            return {"changed": True}
        request = {"ReplicationGroupId": group_id}
        if params["final_snapshot_identifier"]:
            request["FinalSnapshotIdentifier"] = params["final_snapshot_identifier"]
        try:
            client.delete_replication_group(aws_retry=True, **request)
        except is_boto3_error_code("ReplicationGroupNotFoundFault"):
            return {"changed": False}
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:  # pylint: disable=duplicate-except
            module.fail_json_aws(e, msg=f"Failed to delete replication group {group_id}")
        changed = True
    else:
        changed = False  # Someone else is deleting it already.
    if params["wait"] and not module.check_mode:
        wait_for(module, client, "replication_group_deleted", group_id)
    return {"changed": changed}


def _diff_view(view: dict[str, Any] | None) -> dict[str, Any]:
    return {key: value for key, value in (view or {}).items() if key in DIFF_KEYS and value is not None}


def main() -> None:
    argument_spec = {
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "replication_group_id": {"type": "str", "required": True},
        "description": {"type": "str"},
        "engine": {"type": "str", "default": "redis", "choices": ["redis", "valkey"]},
        "engine_version": {"type": "str"},
        "cache_node_type": {"type": "str"},
        "num_node_groups": {"type": "int", "default": 1},
        "replicas_per_node_group": {"type": "int", "default": 1},
        "automatic_failover": {"type": "bool"},
        "multi_az": {"type": "bool"},
        "at_rest_encryption": {"type": "bool"},
        "kms_key_id": {"type": "str"},
        "transit_encryption": {"type": "bool"},
        "auth_token": {"type": "str", "no_log": True},
        "update_auth_token": {"type": "bool", "default": False},
        "auth_token_update_strategy": {"type": "str", "default": "ROTATE", "choices": ["ROTATE", "SET"]},
        "cache_subnet_group": {"type": "str"},
        "security_group_ids": {"type": "list", "elements": "str"},
        "cache_parameter_group": {"type": "str"},
        "port": {"type": "int"},
        "snapshot_retention_limit": {"type": "int"},
        "preferred_maintenance_window": {"type": "str"},
        "apply_immediately": {"type": "bool", "default": True},
        "wait": {"type": "bool", "default": True},
        "wait_timeout": {"type": "int", "default": 1800},
        "final_snapshot_identifier": {"type": "str"},
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate_params(module)
    client = module.client(
        "elasticache",
        retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=["ThrottlingException"]),
    )

    existing = read_group(module, client, module.params["replication_group_id"])
    if module.params["state"] == "present":
        result = ensure_present(module, client, existing)
    else:
        result = ensure_absent(module, client, existing)
    if module._diff:  # pylint: disable=protected-access
        result["diff"] = {"before": _diff_view(existing), "after": _diff_view(result.get("replication_group"))}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
