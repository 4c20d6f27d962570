"""The emulator's side of the local data plane (tools/dataplane): what to run, and what really happened.

The data plane polls ``GET /_kstore/dataplane/state`` (one request, not counted as an AWS request) for what the
emulator records that must run: ECS tasks with their task definitions resolved (secrets included, resolved the way
the ECS agent resolves them), ECS services with their deployments, RDS DB instances, ElastiCache replication
groups and EFS access points. It answers with ``POST /_kstore/dataplane/report``: task states, exit codes, health,
stop reasons, container log lines (written to the CloudWatch Logs stream the task definition names), and the
service tasks it needs (created here, as the ECS service scheduler would, so ``ListTasks`` shows them).

While a data plane reports (a report in the last ``ATTACH_SECONDS``), the emulator stops deciding outcomes itself:

- a task started by ``RunTask`` stays ``PROVISIONING`` until the data plane says otherwise (moto would stop it at
  once with exit code 0, whatever the container would have done);
- a service deployment is ``COMPLETED`` only when its tasks run and are healthy, and the deployment circuit breaker
  fails it (and rolls back when asked) once enough of its tasks failed (see ``schedule``).

Without a data plane (molecule, unit tests) nothing changes. Local environment only: nothing here is AWS behaviour
the platform's roles may rely on beyond what the ECS, RDS and ElastiCache documentation describes.
"""

from __future__ import annotations

import copy
import json
import math
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any

ATTACH_SECONDS = 30.0
_lock = threading.Lock()
_attached = {"at": 0.0, "instance": ""}


def attached() -> bool:
    return time.monotonic() - _attached["at"] < ATTACH_SECONDS


def _aware(moment: Any) -> datetime:
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _now() -> datetime:
    return datetime.now(UTC)


def _backends(name: str) -> list[tuple[str, str, Any]]:
    """(account, region, backend) for every backend of one service that exists (none is created here)."""
    import importlib

    module = importlib.import_module(f"moto.{name}.models")
    backend_dict = getattr(module, f"{name}_backends")
    found = []
    for account_id in list(backend_dict.keys()):
        regions = dict.__getitem__(backend_dict, account_id)
        for region in list(dict.keys(regions)):
            found.append((account_id, region, dict.__getitem__(regions, region)))
    return found


def _backend(name: str, account: str, region: str) -> Any:
    import importlib

    module = importlib.import_module(f"moto.{name}.models")
    return getattr(module, f"{name}_backends")[account][region]


def _vpc_of_subnet(account: str, region: str, subnet_id: str) -> str:
    try:
        return _backend("ec2", account, region).get_subnet(subnet_id).vpc_id
    except Exception:
        return ""


# --- secrets, as the ECS agent resolves them --------------------------------------------------------------------
_ASM_PREFIX = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval "
_ASM_PREFIX += "failed: unable to retrieve secret from asm: service call has been retried 1 time(s): "


def resolve_secret(account: str, region: str, value_from: str) -> str:
    """The value ECS puts in the container's environment for one ``secrets[].valueFrom``; raises ValueError with
    the task's stop reason when ECS could not resolve it."""
    if (value_from.startswith("arn:") and ":ssm:" in value_from) or not value_from.startswith("arn:"):
        name = value_from.split(":parameter", 1)[-1] if value_from.startswith("arn:") else value_from
        try:
            return _backend("ssm", account, region).get_parameter(name).value
        except Exception as e:
            raise ValueError(
                "ResourceInitializationError: unable to pull secrets or registry auth: execution resource "
                f"retrieval failed: unable to retrieve secrets from ssm: invalid parameters: {name}"
            ) from e
    parts = value_from.split(":")
    # arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-XXXXXX[:json-key:version-stage:version-id]
    secret_arn = ":".join(parts[:7])
    json_key, stage, version = [*parts[7:10], "", "", ""][:3]
    try:
        answer = _backend("secretsmanager", parts[4] or account, parts[3] or region).get_secret_value(
            secret_arn, version or None, stage or None
        )
    except Exception as e:
        raise ValueError(
            f"{_ASM_PREFIX}failed to fetch secret {secret_arn} from secrets manager: ResourceNotFoundException: "
            "Secrets Manager can't find the specified secret."
        ) from e
    text = answer.get("SecretString") or ""
    if not json_key:
        return text
    try:
        value = json.loads(text)[json_key]
    except (ValueError, KeyError, TypeError) as e:
        raise ValueError(
            f"{_ASM_PREFIX}retrieved secret from Secrets Manager did not contain json key {json_key}"
        ) from e
    return value if isinstance(value, str) else json.dumps(value)


# --- the snapshot ---------------------------------------------------------------------------------------------
def _task_definition(backend: Any, arn: str) -> Any:
    family_revision = arn.split("/")[-1]
    family, revision = family_revision.rsplit(":", 1)
    return backend.task_definitions[family][int(revision)]


def _containers(account: str, region: str, task: Any, definition: Any) -> list[dict[str, Any]]:
    overrides = {o.get("name"): o for o in (task.overrides or {}).get("containerOverrides", []) or []}
    containers = []
    for container in definition.container_definitions:
        override = overrides.get(container.get("name"), {})
        environment = {e["name"]: e.get("value", "") for e in container.get("environment") or []}
        environment.update({e["name"]: e.get("value", "") for e in override.get("environment") or []})
        secrets: dict[str, str] = {}
        error = ""
        for secret in container.get("secrets") or []:
            try:
                secrets[secret["name"]] = resolve_secret(account, region, secret["valueFrom"])
            except ValueError as e:
                error = str(e)
                break
        containers.append(
            {
                "name": container.get("name"),
                "image": container.get("image"),
                "essential": container.get("essential", True),
                "command": override.get("command") or container.get("command") or [],
                "entry_point": container.get("entryPoint") or [],
                "environment": environment,
                "secrets": {} if error else secrets,
                "secrets_error": error,
                "mount_points": container.get("mountPoints") or [],
                "port_mappings": container.get("portMappings") or [],
                "health_check": container.get("healthCheck") or {},
                "readonly_root_filesystem": bool(container.get("readonlyRootFilesystem")),
                "ulimits": container.get("ulimits") or [],
                "linux_parameters": container.get("linuxParameters") or {},
                "user": container.get("user") or "",
                "working_directory": container.get("workingDirectory") or "",
                "log_configuration": container.get("logConfiguration") or {},
                "memory": container.get("memory"),
                "stop_timeout": container.get("stopTimeout"),
            }
        )
    return containers


def _stopped_containers(definition: Any) -> list[dict[str, Any]]:
    return [
        {
            "name": c.get("name"),
            "essential": c.get("essential", True),
            "log_configuration": c.get("logConfiguration") or {},
        }
        for c in definition.container_definitions
    ]


def _task_view(account: str, region: str, backend: Any, task: Any) -> dict[str, Any] | None:
    try:
        definition = _task_definition(backend, task.task_definition_arn)
    except (KeyError, ValueError, IndexError):
        return None
    private_ip, subnet = "", ""
    for attachment in task.attachments or []:
        details = {d["name"]: d["value"] for d in attachment.get("details", [])}
        private_ip = details.get("privateIPv4Address", private_ip)
        subnet = details.get("subnetId", subnet)
    return {
        "arn": task.task_arn,
        "id": task.id,
        "account": account,
        "region": region,
        "cluster": task.cluster_name,
        "group": task.group or "",
        "started_by": task.started_by or "",
        "last_status": task.last_status,
        "desired_status": task.desired_status,
        "health_status": getattr(task, "health_status", "UNKNOWN"),
        "stopped_reason": task.stopped_reason or "",
        "private_ip": private_ip,
        "vpc_id": _vpc_of_subnet(account, region, subnet) if subnet else "",
        "task_definition": {
            "arn": definition.arn,
            "family": definition.family,
            "revision": definition.revision,
            "cpu": definition.cpu,
            "memory": definition.memory,
            "volumes": definition.volumes or [],
            # a stopped task needs no secrets resolved (its containers, if any, are only stopped and read)
            "containers": _stopped_containers(definition)
            if task.last_status == "STOPPED"
            else _containers(account, region, task, definition),
        },
    }


def _services(account: str, region: str, backend: Any) -> list[dict[str, Any]]:
    services = []
    for service in list(backend.services.values()):
        if service.status != "ACTIVE":
            continue
        services.append(
            {
                "arn": service.arn,
                "name": service.name,
                "cluster": service.cluster_name,
                "account": account,
                "region": region,
                "desired_count": service.desired_count,
                "task_definition": service.task_definition,
                "deployments": [
                    {k: d.get(k) for k in ("id", "status", "taskDefinition", "desiredCount", "rolloutState")}
                    for d in service.deployments
                ],
                "deployment_configuration": getattr(service, "deployment_configuration", None) or {},
                "load_balancers": list(getattr(service, "load_balancers", None) or []),
            }
        )
    return services


def _rds(account: str, region: str, backend: Any) -> list[dict[str, Any]]:
    found = []
    for db in list(backend.databases.values()):
        parameters: dict[str, str] = {}
        group = backend.db_parameter_groups.get(db.db_parameter_group_name or "")
        if group is not None:
            for name, parameter in group.parameters.items():
                value = parameter.get("ParameterValue") if isinstance(parameter, dict) else None
                if value is not None:
                    parameters[name] = str(value)
        subnet_group = getattr(db, "db_subnet_group", None)
        if subnet_group is None and getattr(db, "db_subnet_group_name", None):
            subnet_group = backend.subnet_groups.get(db.db_subnet_group_name)
        vpc_id = getattr(subnet_group, "vpc_id", "") or ""
        found.append(
            {
                "id": db.db_instance_identifier,
                "account": account,
                "region": region,
                "address": db.address,
                "port": int(db.port),
                "engine": db.engine,
                "engine_version": db.engine_version,
                "master_username": db.master_username,
                "master_password": getattr(db, "_master_user_password", "") or "",
                "db_name": db.db_name or "",
                "status": db.status,
                "vpc_id": vpc_id,
                "parameters": parameters,
            }
        )
    return found


def _cache_groups(account: str, region: str, backend: Any) -> list[dict[str, Any]]:
    found = []
    for group in list(getattr(backend, "replication_groups", {}).values()):
        if group.status == "deleting":
            continue
        vpc_id = ""
        members = [backend.cache_clusters.get(m) for m in getattr(group, "member_clusters", []) or []]
        subnet_group_name = next((getattr(m, "cache_subnet_group_name", "") for m in members if m), "")
        subnet_group = getattr(backend, "cache_subnet_groups", {}).get(subnet_group_name)
        subnet_ids = list(getattr(subnet_group, "subnet_ids", []) or []) if subnet_group else []
        if subnet_ids:
            vpc_id = _vpc_of_subnet(account, region, subnet_ids[0])
        # the primary endpoint as DescribeReplicationGroups gives it (moto 5.2's model keeps it in snake_case)
        primaries = [
            (node_group.get("primary_endpoint") or {}).get("address", "")
            for node_group in getattr(group, "node_groups", None) or []
            if isinstance(node_group, dict)
        ]
        configuration = getattr(group, "configuration_endpoint", None) or {}
        address = next((a for a in primaries if a), "") or configuration.get("address", "")
        found.append(
            {
                "id": group.replication_group_id,
                "account": account,
                "region": region,
                "address": address or f"master.{group.replication_group_id}.cache.amazonaws.com",
                "port": int(group.port or 6379),
                "engine_version": getattr(group, "engine_version", "") or "",
                "transit_encryption": bool(getattr(group, "transit_encryption_enabled", False)),
                "auth_token": getattr(group, "auth_token", None) or None,
                "status": group.status,
                "vpc_id": vpc_id,
            }
        )
    return found


def _access_points(account: str, region: str, backend: Any) -> list[dict[str, Any]]:
    return [
        {
            "id": point.access_point_id,
            "file_system_id": point.file_system_id,
            "posix_user": point.posix_user or {},
            "root_directory": point.root_directory or {},
        }
        for point in list(backend.access_points.values())
    ]


def _action(action: Any) -> dict[str, Any]:
    return dict(getattr(action, "data", None) or action)


def _rate_limit(account: str, region: str, lb_arn: str) -> dict[str, Any] | None:
    """The rate-based rule of the web ACL associated with a load balancer (the only WAF rule checked locally)."""
    try:
        acl = _backend("wafv2", account, region).get_web_acl_for_resource(lb_arn)
    except Exception:  # no WAF backend, or no association
        return None
    for rule in getattr(acl, "rules", None) or []:
        # moto keeps FakeRule objects (a dict for a rule it stored as sent)
        whole = rule.get("Statement") if isinstance(rule, dict) else getattr(rule, "statement", None)
        statement = (whole or {}).get("RateBasedStatement")
        if statement:
            return {"rate_limit": int(statement["Limit"]), "window": int(statement.get("EvaluationWindowSec", 300))}
    return None


def _certificate_domains(account: str, region: str, arn: str) -> list[str]:
    """The names an ACM certificate covers (the local edge gets a certificate from the local CA for the same)."""
    if not arn:
        return []
    try:
        bundle = _backend("acm", account, region).get_certificate(arn)
    except Exception:  # a deleted certificate: the listener serves the load balancer's own name only
        return []
    return sorted({*(bundle.sans or []), *([bundle.common_name] if bundle.common_name else [])})


def _load_balancers(account: str, region: str, backend: Any) -> list[dict[str, Any]]:
    found = []
    for lb in list(backend.load_balancers.values()):
        groups = {}
        listeners = []
        for listener in list(lb.listeners.values()):
            rules = [
                {
                    "priority": int(rule.priority),
                    "conditions": rule.conditions or [],
                    "actions": [_action(a) for a in rule.actions or []],
                }
                for rule in list(listener._non_default_rules.values())
            ]
            actions = [_action(a) for a in listener.default_actions or []]
            for action in actions + [a for r in rules for a in r["actions"]]:
                arns = [action.get("TargetGroupArn")] + [
                    g.get("TargetGroupArn") for g in (action.get("ForwardConfig") or {}).get("TargetGroups", [])
                ]
                for arn in filter(None, arns):
                    group = backend.target_groups.get(arn)
                    if group is not None:
                        groups[arn] = {
                            "name": group.name,
                            "port": int(group.port or 80),
                            "protocol": group.protocol,
                            "health_check": {
                                "path": group.health_check_path or "/",
                                "interval": int(group.health_check_interval_seconds),
                                "timeout": int(group.health_check_timeout_seconds),
                                "healthy": int(group.healthy_threshold_count),
                                "unhealthy": int(group.unhealthy_threshold_count),
                                "matcher": (getattr(group, "matcher", None) or {}).get("HttpCode", "200"),
                            },
                            "deregistration_delay": int(
                                group.attributes.get("deregistration_delay.timeout_seconds", 300)
                            ),
                            "targets": [{"id": t["Id"], "port": int(t["Port"])} for t in group.targets.values()],
                        }
            listeners.append(
                {
                    "port": int(listener.port),
                    "protocol": listener.protocol,
                    "certificate_arn": (listener.certificate or ""),
                    "certificate_domains": _certificate_domains(account, region, listener.certificate or ""),
                    "default_actions": actions,
                    "rules": rules,
                }
            )
        found.append(
            {
                "arn": lb.arn,
                "name": lb.name,
                "dns_name": lb.dns_name,
                "vpc_id": lb.vpc_id,
                "account": account,
                "region": region,
                "listeners": listeners,
                "target_groups": groups,
                "waf": _rate_limit(account, region, lb.arn),
            }
        )
    return found


def snapshot() -> dict[str, Any]:
    state: dict[str, Any] = {
        "attached": attached(),
        "tasks": [],
        "services": [],
        "rds_instances": [],
        "rds_snapshots": [],
        "cache_groups": [],
        "access_points": [],
        "load_balancers": [],
    }
    with _lock:
        for account, region, backend in _backends("ecs"):
            for cluster_tasks in list(backend.tasks.values()):
                for task in list(cluster_tasks.values()):
                    view = _task_view(account, region, backend, task)
                    if view is not None:
                        state["tasks"].append(view)
            state["services"] += _services(account, region, backend)
        for account, region, backend in _backends("rds"):
            state["rds_instances"] += _rds(account, region, backend)
            state["rds_snapshots"] += [
                {
                    "id": key,
                    "instance": snap.database.db_instance_identifier,
                    "age_seconds": max(0.0, (datetime.now(UTC) - _aware(snap.created)).total_seconds()),
                }
                for key, snap in list(backend.database_snapshots.items())
            ]
        for account, region, backend in _backends("elasticache"):
            state["cache_groups"] += _cache_groups(account, region, backend)
        for account, region, backend in _backends("efs"):
            state["access_points"] += _access_points(account, region, backend)
        for account, region, backend in _backends("elbv2"):
            state["load_balancers"] += _load_balancers(account, region, backend)
    return state


# --- reports ----------------------------------------------------------------------------------------------------
def _find_task(arn: str) -> tuple[Any, Any] | tuple[None, None]:
    for _account, _region, backend in _backends("ecs"):
        for cluster_tasks in backend.tasks.values():
            if arn in cluster_tasks:
                return backend, cluster_tasks[arn]
    return None, None


def _apply_task(report: dict[str, Any]) -> None:
    backend, task = _find_task(report["arn"])
    if task is None:
        return
    before = task.last_status
    status = report.get("last_status", before)
    task.last_status = status
    if report.get("health_status"):
        task.health_status = report["health_status"]
    if status == "RUNNING" and not getattr(task, "started_at", None):
        task.started_at = _now()
    if status == "STOPPED":
        task.desired_status = "STOPPED"
        if before != "STOPPED":
            task.stopped_at = _now()
            task.stopping_at = task.stopped_at
        if report.get("stopped_reason") and not task.stopped_reason:
            task.stopped_reason = report["stopped_reason"]
        if report.get("stop_code"):
            task.stop_code = report["stop_code"]
        if before != "STOPPED" and report.get("failed") and (task.group or "").startswith("service:"):
            _count_failure(backend, task)
    by_name = {c.get("name"): c for c in report.get("containers", [])}
    for container in task.containers:
        seen = by_name.get(container.name)
        if not seen:
            continue
        container.last_status = seen.get("last_status", container.last_status)
        container.exitCode = seen.get("exit_code")
        container.exit_code = seen.get("exit_code")
        container.health_status = seen.get("health_status", "UNKNOWN")
        if seen.get("reason"):
            container.reason = seen["reason"]


def _count_failure(backend: Any, task: Any) -> None:
    for service in backend.services.values():
        if service.cluster_name != task.cluster_name or f"service:{service.name}" != task.group:
            continue
        for deployment in service.deployments:
            if deployment.get("id") == task.started_by:
                deployment["failedTasks"] = int(deployment.get("failedTasks") or 0) + 1


def _write_logs(items: list[dict[str, Any]]) -> None:
    for item in items:
        try:
            backend = _backend("logs", item["account"], item["region"])
            group = backend.groups.get(item["group"])
            if group is None:
                continue
            if item["stream"] not in group.streams:
                group.create_log_stream(item["stream"])
            events = sorted(item["events"], key=lambda e: e["timestamp"])
            if events:
                backend.put_log_events(item["group"], item["stream"], events)
        except Exception:
            continue


def _start_service_tasks(items: list[dict[str, Any]]) -> list[str]:
    started = []
    for item in items:
        backend = _backend("ecs", item["account"], item["region"])
        service = backend._get_service(item["cluster"], item["service"])
        deployment = next((d for d in service.deployments if d.get("id") == item["deployment_id"]), None)
        if deployment is None:
            continue
        tasks = backend.run_task(
            item["cluster"],
            deployment["taskDefinition"],
            int(item.get("count", 1)),
            None,
            deployment["id"],
            None,
            None if service.capacity_provider_strategy else (service.launch_type or None),
            {"awsvpcConfiguration": service.network_configuration.get("awsvpcConfiguration", {})}
            if getattr(service, "network_configuration", None)
            else None,
            f"service:{service.name}",
            None,
            service.capacity_provider_strategy or None,
        )
        started += [task.task_arn for task in tasks]
    return started


def _set_targets(items: list[dict[str, Any]]) -> None:
    """What ECS does for a service with load balancers: its running tasks are the target group's targets."""
    for item in items:
        backend = _backend("elbv2", item["account"], item["region"])
        group = backend.target_groups.get(item["target_group_arn"])
        if group is None:
            continue
        wanted = {t["Id"]: {"Id": t["Id"], "Port": int(t["Port"])} for t in item["targets"]}
        for target_id in list(group.targets):
            if target_id not in wanted:
                group.targets.pop(target_id)
        group.targets.update(wanted)


def report(payload: dict[str, Any]) -> dict[str, Any]:
    with _lock:
        _attached.update(at=time.monotonic(), instance=str(payload.get("instance", "")))
        for item in payload.get("tasks", []):
            _apply_task(item)
        _write_logs(payload.get("logs", []))
        _set_targets(payload.get("targets", []))
        started = _start_service_tasks(payload.get("start_service_tasks", []))
    return {"attached": True, "started": started}


def detach() -> dict[str, Any]:
    _attached.update(at=0.0)
    return {"attached": False}


# --- ECS: tasks wait for the data plane; deployments follow its tasks -------------------------------------------
def _freeze(task: Any) -> None:
    """A task the data plane runs: no more automatic transitions (moto would stop it on the next describe)."""
    task._transitions = []
    task.last_status = "PROVISIONING"
    task.health_status = "UNKNOWN"
    for container in task.containers:
        container.last_status = "PENDING"
        container.exitCode = None
        container.exit_code = None
        container.health_status = "UNKNOWN"


def _circuit_breaker_threshold(desired: int) -> int:
    # ECS: failed-task threshold = min(max(ceil(0.5 * desired), 3), 200)
    return min(max(math.ceil(0.5 * desired), 3), 200)


def _event(service: Any, message: str) -> None:
    """A service event, as the deployment lifecycle patch writes them (one implementation)."""
    from fidelity.ecs_service_deployment_lifecycle import _event as lifecycle_event

    lifecycle_event(service, message)


def _service_tasks(backend: Any, service: Any) -> list[Any]:
    return [
        task for task in backend.tasks.get(service.cluster_name, {}).values() if task.group == f"service:{service.name}"
    ]


def schedule(backend: Any, service: Any) -> None:
    """The service scheduler as seen from the tasks the data plane runs (called on DescribeServices)."""
    deployments = service.deployments
    primary = next((d for d in deployments if d.get("status") == "PRIMARY"), None)
    if primary is None or service.status != "ACTIVE":
        return
    primary["desiredCount"] = service.desired_count
    tasks = _service_tasks(backend, service)

    def running(deployment: dict[str, Any]) -> list[Any]:
        return [t for t in tasks if t.started_by == deployment["id"] and t.last_status == "RUNNING"]

    for deployment in deployments:
        deployment["runningCount"] = len(running(deployment))
    service.running_count = sum(d["runningCount"] for d in deployments)
    healthy = [t for t in running(primary) if getattr(t, "health_status", "UNKNOWN") in ("HEALTHY", "UNKNOWN")]
    healthy = [t for t in healthy if all(c.health_status != "UNHEALTHY" for c in t.containers)]
    checked = all(getattr(t, "health_status", "") == "HEALTHY" for t in healthy)
    if primary.get("rolloutState") == "FAILED":
        return
    breaker = (getattr(service, "deployment_configuration", None) or {}).get("deploymentCircuitBreaker") or {}
    failed = int(primary.get("failedTasks") or 0)
    if breaker.get("enable") and failed >= _circuit_breaker_threshold(service.desired_count):
        reason = f"ECS deployment circuit breaker: tasks failed to start. {failed} task(s) failed."
        primary.update(rolloutState="FAILED", rolloutStateReason=reason, updatedAt=_now())
        _event(
            service, f"(service {service.name}) (deployment {primary['id']}) deployment failed: tasks failed to start."
        )
        if breaker.get("rollback"):
            previous = next((d for d in deployments[1:] if d.get("rolloutState") == "COMPLETED"), None)
            last = getattr(service, "kstore_last_completed", "")
            if previous is None and last and last != primary.get("taskDefinition"):
                # the last completed deployment is no longer listed (drained): ECS rolls back to its task definition
                previous = {**copy.deepcopy(primary), "id": "the last completed deployment", "taskDefinition": last}
            if previous is not None:
                new = copy.deepcopy(previous)
                new_id = f"ecs-svc/{uuid.uuid4().int % 10**19}"
                new.update(
                    id=new_id,
                    status="PRIMARY",
                    desiredCount=service.desired_count,
                    runningCount=0,
                    failedTasks=0,
                    rolloutState="IN_PROGRESS",
                    rolloutStateReason=f"ECS deployment circuit breaker: rolling back to {previous['id']}.",
                    createdAt=_now(),
                    updatedAt=_now(),
                )
                primary["status"] = "ACTIVE"
                service.task_definition = previous["taskDefinition"]
                deployments.insert(0, new)
                _event(service, f"(service {service.name}) rolling back to deployment {previous['id']}.")
        return
    if len(healthy) >= service.desired_count and checked:
        primary.update(
            runningCount=len(running(primary)),
            rolloutState="COMPLETED",
            rolloutStateReason=f"ECS deployment {primary['id']} completed.",
            updatedAt=_now(),
        )
        # older deployments are drained: the data plane stops their tasks once they are no longer listed
        service.deployments = [primary]
        service.kstore_last_completed = primary.get("taskDefinition")
        service.running_count = primary["runningCount"]
        _event(service, f"(service {service.name}) has reached a steady state.")
    else:
        primary["rolloutState"] = "IN_PROGRESS"


def install() -> None:
    """Wrap RunTask and the deployment scheduler; both act as before unless a data plane is attached."""
    import fidelity.ecs_service_deployment_lifecycle as lifecycle
    from moto.ecs.models import EC2ContainerServiceBackend

    original_run_task = EC2ContainerServiceBackend.run_task
    original_schedule = lifecycle.schedule

    def run_task(self: Any, *args: Any, **kwargs: Any) -> Any:
        tasks = original_run_task(self, *args, **kwargs)
        if attached():
            for task in tasks:
                _freeze(task)
        return tasks

    def scheduler(backend: Any, service: Any) -> None:
        if attached():
            schedule(backend, service)
        else:
            original_schedule(backend, service)

    EC2ContainerServiceBackend.run_task = run_task
    lifecycle.schedule = scheduler
