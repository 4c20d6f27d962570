"""ElastiCache replication groups have member cache clusters, apply ModifyReplicationGroup, and go away on delete.

AWS behaviour restored: (ElastiCache API reference: CreateReplicationGroup, ModifyReplicationGroup,
DeleteReplicationGroup, DescribeCacheClusters):
- A replication group with cluster mode disabled has ``NumCacheClusters`` nodes (primary + replicas) when the
  request gives ``NumCacheClusters`` and not ``ReplicasPerNodeGroup``; moto 5.2.5 ignores ``NumCacheClusters``.
- A group with cluster mode disabled reports ``NodeGroups[].ReaderEndpoint`` {``Address``, ``Port``} (the
  address spreading reads over the replicas) next to ``PrimaryEndpoint``; moto 5.2.5 keeps the address but does
  not return it.
- Every member of ``MemberClusters`` is a cache cluster that ``DescribeCacheClusters`` lists, with its
  ``ReplicationGroupId``, ``EngineVersion``, ``CacheSubnetGroupName``, ``SecurityGroups``,
  ``CacheParameterGroup`` {``CacheParameterGroupName``, ``ParameterApplyStatus``}, ``PreferredMaintenanceWindow``
  — the settings ``DescribeReplicationGroups`` does not return. moto 5.2.5 creates no member cache clusters.
- ``ModifyReplicationGroup`` applies ``EngineVersion``, ``SecurityGroupIds``, ``CacheParameterGroupName``,
  ``PreferredMaintenanceWindow``, ``SnapshotWindow`` and ``AuthToken`` (``AuthTokenUpdateStrategy`` ROTATE/SET
  keep the token enabled, DELETE disables it) to the group and its members; moto 5.2.5 only applies description,
  node type, failover, Multi-AZ and snapshot retention.
- ``DeleteReplicationGroup`` answers with the group in status ``deleting``; once deletion completes (here: at
  once) ``DescribeReplicationGroups`` raises ``ReplicationGroupNotFoundFault`` and the member clusters are gone.
  ``FinalSnapshotIdentifier`` creates that snapshot first. moto 5.2.5 keeps the group in ``deleting`` for ever.

Needed by: kstore.platform.elasticache_replication_group (reads engine version, security groups, subnet and
parameter groups from the member clusters; waits for ``deleted``) and the cache role.
"""

from __future__ import annotations

from typing import Any

from ._patching import patch


def _cache_parameter_group(self: Any) -> dict[str, str] | None:
    name = getattr(self, "cache_parameter_group_name", None)
    return {"CacheParameterGroupName": name, "ParameterApplyStatus": "in-sync"} if name else None


def _create_members(backend: Any, group: Any, request: dict[str, Any]) -> None:
    from moto.elasticache.models import CacheCluster

    for cluster_id in group.member_clusters:
        cluster = CacheCluster(
            account_id=backend.account_id,
            region_name=backend.region_name,
            cache_cluster_id=cluster_id,
            cache_node_type=group.cache_node_type,
            replication_group_id=group.replication_group_id,
            az_mode=None,
            preferred_availability_zone=None,
            num_cache_nodes=1,
            engine=group.engine,
            engine_version=request.get("engine_version"),
            cache_parameter_group_name=request.get("cache_parameter_group_name"),
            cache_subnet_group_name=request.get("cache_subnet_group_name"),
            transit_encryption_enabled=group.transit_encryption_enabled,
            network_type=group.network_type,
            ip_discovery=group.ip_discovery,
            snapshot_name=None,
            preferred_maintenance_window=request.get("preferred_maintenance_window"),
            port=group.port,
            notification_topic_arn=None,
            auto_minor_version_upgrade=request.get("auto_minor_version_upgrade"),
            snapshot_retention_limit=group.snapshot_retention_limit,
            snapshot_window=group.snapshot_window,
            auth_token=request.get("auth_token"),
            outpost_mode=None,
            preferred_outpost_arn=None,
            preferred_availability_zones=None,
            cache_security_group_names=request.get("cache_security_group_names"),
            security_group_ids=request.get("security_group_ids"),
            tags=None,
            snapshot_arns=None,
            preferred_outpost_arns=None,
            log_delivery_configurations=[],
            cache_node_ids_to_remove=None,
            cache_node_ids_to_reboot=None,
        )
        # moto sets these for engine "redis" only; valkey groups have them too.
        cluster.replication_group_id = group.replication_group_id
        cluster.snapshot_window = group.snapshot_window
        cluster.at_rest_encryption_enabled = group.at_rest_encryption_enabled
        backend.cache_clusters[cluster_id] = cluster


def apply() -> None:
    from moto.elasticache.models import CacheCluster, ElastiCacheBackend
    from moto.elasticache.responses import ElastiCacheResponse

    if "cache_parameter_group" not in CacheCluster.__dict__:
        CacheCluster.cache_parameter_group = property(_cache_parameter_group)

    def make_create(original: Any) -> Any:
        def create_replication_group(self: ElastiCacheBackend, **kwargs: Any) -> Any:
            disabled = kwargs.get("cluster_mode") != "enabled" and not kwargs.get("replicas_per_node_group")
            if disabled and (kwargs.get("num_cache_clusters") or 1) > 1:
                kwargs["replicas_per_node_group"] = kwargs["num_cache_clusters"] - 1
            group = original(self, **kwargs)
            for node_group in group.node_groups:
                if node_group.get("reader_endpoint_address") and "reader_endpoint" not in node_group:
                    node_group["reader_endpoint"] = {
                        "address": node_group["reader_endpoint_address"],
                        "port": group.port,
                    }
            _create_members(self, group, kwargs)
            # kept (AWS never returns it) for the local data plane, whose Redis must demand this very token
            group.auth_token = kwargs.get("auth_token") or None
            return group

        return create_replication_group

    def make_modify(original: Any) -> Any:
        def modify_replication_group(self: ElastiCacheResponse) -> Any:
            answer = original(self)
            group = self.elasticache_backend.replication_groups[self._get_param("ReplicationGroupId")]
            members = [self.elasticache_backend.cache_clusters.get(cid) for cid in group.member_clusters]
            members = [member for member in members if member is not None]
            for param, attribute in (
                ("EngineVersion", "engine_version"),
                ("CacheParameterGroupName", "cache_parameter_group_name"),
                ("PreferredMaintenanceWindow", "preferred_maintenance_window"),
                ("SnapshotWindow", "snapshot_window"),
                ("CacheNodeType", "cache_node_type"),
            ):
                value = self._get_param(param)
                if value is not None:
                    for target in (group, *members):
                        setattr(target, attribute, value)
            security_group_ids = self._get_param("SecurityGroupIds")
            if security_group_ids:
                for target in (group, *members):
                    target.security_group_ids = list(security_group_ids)
            strategy = self._get_param("AuthTokenUpdateStrategy")
            if self._get_param("AuthToken") is not None or strategy == "DELETE":
                group.auth_token_enabled = strategy != "DELETE"
                group.auth_token = None if strategy == "DELETE" else self._get_param("AuthToken")
                group.auth_token_last_modified_date = group.replication_group_create_time
            return answer

        return modify_replication_group

    def make_delete(original: Any) -> Any:
        def delete_replication_group(self: ElastiCacheResponse) -> Any:
            group_id = self._get_param("ReplicationGroupId")
            backend = self.elasticache_backend
            final_snapshot = self._get_param("FinalSnapshotIdentifier")
            if final_snapshot and group_id in backend.replication_groups:
                backend.create_snapshot(
                    snapshot_name=final_snapshot,
                    replication_group_id=group_id,
                    cache_cluster_id=None,
                    kms_key_id=None,
                    tags=None,
                )
            answer = original(self)
            group = backend.replication_groups.pop(group_id, None)
            if group is not None:
                for cluster_id in [*group.member_clusters, f"{group_id}-001"]:
                    backend.cache_clusters.pop(cluster_id, None)
            return answer

        return delete_replication_group

    patch(ElastiCacheBackend, "create_replication_group", __name__, make_create)
    patch(ElastiCacheResponse, "modify_replication_group", __name__, make_modify)
    patch(ElastiCacheResponse, "delete_replication_group", __name__, make_delete)
