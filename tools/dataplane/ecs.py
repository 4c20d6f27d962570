"""ECS tasks as Docker containers: what the ECS agent and the service scheduler would do with the emulator's tasks.

Each task the emulator records (RunTask, or a service's task that this module asks the bridge to create) runs as
one container per container definition, named ``kstore-dp-<instance>-task-<task id>-<container>``, on the Docker
network standing for the task's VPC:

- the image is pulled from the local registry as the task definition names it (by digest);
- ``environment`` as given (container overrides applied), ``secrets`` as the bridge resolved them — a secret that
  cannot be resolved stops the task before it starts with ECS's ``ResourceInitializationError`` reason;
- EFS volumes through their access points: one directory per access point root under the state directory, created
  with the access point's creation info (owner uid/gid, permissions);
- ``healthCheck`` as Docker's health check; ``readonlyRootFilesystem``, ``linuxParameters`` (``tmpfs``,
  ``initProcessEnabled`` as ``--init``, ``capabilities`` as ``--cap-drop``/``--cap-add``), ``ulimits``, ``user``,
  ``workingDirectory``, ``entryPoint``/``command`` as given;
- ``awslogs`` lines go to the CloudWatch Logs stream ``<prefix>/<container>/<task id>`` of the named group.

What happened is reported back (RUNNING/STOPPED, exit codes, health, ECS's stop codes and reasons). Services: the
PRIMARY deployment gets its desired count of tasks; tasks of deployments the service no longer lists (drained
after a completed rollout) or of a failed deployment are stopped; an unhealthy service task is stopped ("Task
failed container health checks") and counts towards the deployment circuit breaker.
"""

from __future__ import annotations

import json
import shlex
import time
from pathlib import Path
from typing import Any

from .docker import DockerError, docker, inspect, labelled, labels, vpc_network

# How long a task waits for the data stores of its VPC to be healthy before it starts anyway (RDS says "available"
# in the emulator at once; a real instance is reachable when it is available).
STORES_GRACE_SECONDS = 120.0


def _seconds(value: Any, default: int) -> str:
    return f"{int(value or default)}s"


def health_args(check: dict[str, Any]) -> list[str]:
    """ECS's container healthCheck as ``docker run`` arguments."""
    command = list(check.get("command") or [])
    if not command:
        return []
    kind, rest = command[0], command[1:]
    shell = rest[0] if kind == "CMD-SHELL" and rest else shlex.join(rest) if kind == "CMD" else shlex.join(command)
    return [
        "--health-cmd",
        shell,
        "--health-interval",
        _seconds(check.get("interval"), 30),
        "--health-timeout",
        _seconds(check.get("timeout"), 5),
        "--health-retries",
        str(int(check.get("retries") or 3)),
        "--health-start-period",
        _seconds(check.get("startPeriod"), 0),
    ]


class Ecs:
    def __init__(self, instance: str, state_dir: Path) -> None:
        self.instance = instance
        self.state_dir = state_dir
        self.efs_root = state_dir / "dataplane" / "efs"
        self.cursor_file = state_dir / "dataplane" / "log-cursors.json"
        self.cursors: dict[str, str] = {}
        if self.cursor_file.exists():
            self.cursors = json.loads(self.cursor_file.read_text() or "{}")
        self.waiting_since: dict[str, float] = {}
        self.first_cycle = True
        # service tasks being deregistered before they stop: task ARN -> monotonic time they may stop
        self.draining: dict[str, float] = {}

    # --- names ------------------------------------------------------------------------------------------------
    def container_name(self, task: dict[str, Any], container: str) -> str:
        return f"kstore-dp-{self.instance}-task-{task['id']}-{container}"[:250]

    # --- reconcile --------------------------------------------------------------------------------------------
    def reconcile(self, state: dict[str, Any], report: dict[str, Any], stores_ready: dict[str, bool]) -> None:
        existing = set(labelled("container", self.instance, "task"))
        access_points = {p["id"]: p for p in state.get("access_points", [])}
        live_ids = set()
        for task in state.get("tasks", []):
            names = [self.container_name(task, c["name"]) for c in task["task_definition"]["containers"]]
            mine = [n for n in names if n in existing]
            if task["last_status"] == "STOPPED":
                if mine:
                    self._stop(task, mine, report, reason="")
                continue
            live_ids.add(task["id"])
            if mine and self.first_cycle and not any(_running(n) for n in mine):
                # stopped while the data plane was down (tools/localenv down): as when an instance goes away, the
                # task stops, and it is not a failure of its deployment (the circuit breaker does not count it)
                self._stop(task, mine, report, reason="Task stopped: the local data plane was stopped")
                continue
            if not mine:
                self._start(task, access_points, report, stores_ready)
            else:
                self._observe(task, mine, report)
        self._services(state, report)
        self.first_cycle = False
        # containers of tasks the emulator no longer knows (reset, deleted cluster): removed
        for name in existing:
            if not any(name.startswith(f"kstore-dp-{self.instance}-task-{task_id}-") for task_id in live_ids):
                known = any(
                    name.startswith(f"kstore-dp-{self.instance}-task-{t['id']}-") for t in state.get("tasks", [])
                )
                if not known:
                    docker(["rm", "-f", name], check=False)
        self.cursor_file.parent.mkdir(parents=True, exist_ok=True)
        self.cursor_file.write_text(json.dumps(self.cursors))

    # --- start ------------------------------------------------------------------------------------------------
    def _start(
        self,
        task: dict[str, Any],
        access_points: dict[str, Any],
        report: dict[str, Any],
        stores_ready: dict[str, bool],
    ) -> None:
        definition = task["task_definition"]
        containers = definition["containers"]
        failure = next((c["secrets_error"] for c in containers if c.get("secrets_error")), "")
        if failure:
            self._failed_to_start(task, report, failure)
            return
        vpc = task.get("vpc_id") or "novpc"
        if not stores_ready.get(vpc, True):
            since = self.waiting_since.setdefault(task["id"], time.monotonic())
            if time.monotonic() - since < STORES_GRACE_SECONDS:
                report["tasks"].append({"arn": task["arn"], "last_status": "PENDING"})
                return
        self.waiting_since.pop(task["id"], None)
        network = vpc_network(self.instance, vpc)
        volumes = {v["name"]: v for v in definition.get("volumes") or []}
        started = []
        for container in containers:
            try:
                self._pull(container["image"])
            except DockerError as e:
                self._remove(started)
                self._failed_to_start(
                    task,
                    report,
                    f"CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve "
                    f"ref {container['image']}: {e}",
                    container=container["name"],
                )
                return
            try:
                mounts = self._mounts(container, volumes, access_points)
            except ValueError as e:
                self._remove(started)
                self._failed_to_start(task, report, str(e))
                return
            name = self.container_name(task, container["name"])
            args, env = self._run_args(task, definition, container, network, mounts, name)
            result = docker(args, env=env, check=False)
            if result.returncode != 0:
                self._remove([*started, name])
                self._failed_to_start(
                    task,
                    report,
                    f"CannotStartContainerError: {result.stderr.strip()[-400:]}",
                    container=container["name"],
                )
                return
            started.append(name)
            self.cursors[f"{task['id']}|{container['name']}"] = ""
        report["tasks"].append(
            {
                "arn": task["arn"],
                "last_status": "RUNNING",
                "health_status": "UNKNOWN",
                "containers": [
                    {"name": c["name"], "last_status": "RUNNING", "health_status": "UNKNOWN"} for c in containers
                ],
            }
        )

    def _pull(self, image: str) -> None:
        if inspect("image", image) is None:
            docker(["pull", "-q", image], timeout=600)

    def _mounts(self, container: dict[str, Any], volumes: dict[str, Any], points: dict[str, Any]) -> list[str]:
        mounts = []
        for mount in container.get("mount_points") or []:
            volume = volumes.get(mount.get("sourceVolume"), {})
            efs = volume.get("efsVolumeConfiguration")
            if efs:
                point_id = (efs.get("authorizationConfig") or {}).get("accessPointId", "")
                directory = self._efs_directory(efs.get("fileSystemId", ""), point_id, points, efs)
            elif volume.get("host", {}).get("sourcePath"):
                directory = Path(volume["host"]["sourcePath"])
            else:
                directory = self.state_dir / "dataplane" / "volumes" / str(mount.get("sourceVolume"))
                directory.mkdir(parents=True, exist_ok=True)
            suffix = ":ro" if mount.get("readOnly") else ""
            mounts += ["-v", f"{directory}:{mount['containerPath']}{suffix}"]
        return mounts

    def _efs_directory(self, fs_id: str, point_id: str, points: dict[str, Any], efs: dict[str, Any]) -> Path:
        base = self.efs_root / fs_id
        if not point_id:
            return self._ensure(base / str(efs.get("rootDirectory", "/")).lstrip("/"), {})
        point = points.get(point_id)
        if point is None or point.get("file_system_id") != fs_id:
            raise ValueError(
                "ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: "
                f"Access point {point_id} of {fs_id} does not exist (AccessPointNotFound)"
            )
        root = point.get("root_directory") or {}
        return self._ensure(base / str(root.get("Path", "/")).lstrip("/"), root.get("CreationInfo") or {})

    @staticmethod
    def _ensure(directory: Path, creation: dict[str, Any]) -> Path:
        if not directory.exists():
            directory.mkdir(parents=True)
            if creation:
                import os

                os.chown(directory, int(creation.get("OwnerUid", 0)), int(creation.get("OwnerGid", 0)))
                directory.chmod(int(str(creation.get("Permissions", "755")), 8))
        return directory

    def _run_args(
        self,
        task: dict[str, Any],
        definition: dict[str, Any],
        container: dict[str, Any],
        network: str,
        mounts: list[str],
        name: str,
    ) -> tuple[list[str], dict[str, str]]:
        env = {**container["environment"], **container["secrets"]}
        args = ["run", "-d", "--name", name, "--network", network, "--hostname", f"ip-{task['id'][:8]}"]
        args += labels(self.instance, "task", task=task["arn"], container=container["name"])
        for key in sorted(env):
            args += ["-e", key]
        memory = container.get("memory") or definition.get("memory")
        if memory:
            args += ["--memory", f"{int(memory)}m"]
        args += health_args(container.get("health_check") or {})
        if container.get("readonly_root_filesystem"):
            args.append("--read-only")
        linux = container.get("linux_parameters") or {}
        if linux.get("initProcessEnabled"):
            args.append("--init")
        for capability in (linux.get("capabilities") or {}).get("drop") or []:
            args += ["--cap-drop", capability]
        for capability in (linux.get("capabilities") or {}).get("add") or []:
            args += ["--cap-add", capability]
        for tmpfs in linux.get("tmpfs") or []:
            options = ",".join([f"size={int(tmpfs.get('size', 64))}m", *(tmpfs.get("mountOptions") or [])])
            args += ["--tmpfs", f"{tmpfs['containerPath']}:{options}"]
        for limit in container.get("ulimits") or []:
            args += ["--ulimit", f"{limit['name']}={limit['softLimit']}:{limit['hardLimit']}"]
        if container.get("user"):
            args += ["--user", container["user"]]
        if container.get("working_directory"):
            args += ["--workdir", container["working_directory"]]
        entry = list(container.get("entry_point") or [])
        if entry:
            args += ["--entrypoint", entry[0]]
        args += mounts
        args.append(container["image"])
        args += entry[1:] + list(container.get("command") or [])
        return args, env

    def _failed_to_start(self, task: dict[str, Any], report: dict[str, Any], reason: str, container: str = "") -> None:
        containers = [
            {
                "name": c["name"],
                "last_status": "STOPPED",
                "exit_code": None,
                "reason": reason if c["name"] == container or not container else "",
            }
            for c in task["task_definition"]["containers"]
        ]
        report["tasks"].append(
            {
                "arn": task["arn"],
                "last_status": "STOPPED",
                "stop_code": "TaskFailedToStart",
                "stopped_reason": reason,
                "containers": containers,
                "failed": True,
            }
        )

    # --- observe ----------------------------------------------------------------------------------------------
    def _observe(self, task: dict[str, Any], names: list[str], report: dict[str, Any]) -> None:
        containers = []
        stopped_reason, failed, exited, unhealthy = "", False, False, False
        health = "HEALTHY"
        essentials = {c["name"]: c.get("essential", True) for c in task["task_definition"]["containers"]}
        for name in names:
            container = name.rsplit("-", 1)[-1]
            container = next((c for c in essentials if name.endswith(f"-{c}")), container)
            self._ship_logs(task, container, name, report)
            info = inspect("container", name) or {}
            state = info.get("State", {})
            status = state.get("Status", "exited")
            item_health = {"healthy": "HEALTHY", "unhealthy": "UNHEALTHY"}.get(
                (state.get("Health") or {}).get("Status", ""), "UNKNOWN"
            )
            if item_health == "UNHEALTHY":
                unhealthy = True
            if item_health != "HEALTHY":
                health = "UNHEALTHY" if item_health == "UNHEALTHY" else ("UNKNOWN" if health == "HEALTHY" else health)
            if status in ("exited", "dead") and essentials.get(container, True):
                exited = True
                failed = failed or state.get("ExitCode", 1) != 0 or task["group"].startswith("service:")
            containers.append(
                {
                    "name": container,
                    "last_status": "RUNNING" if status == "running" else "STOPPED",
                    "exit_code": None if status == "running" else state.get("ExitCode"),
                    "health_status": item_health,
                    "reason": "OutOfMemoryError: Container killed due to memory usage"
                    if state.get("OOMKilled")
                    else "",
                }
            )
        # an exited container's last health status may read "unhealthy": the exit is what happened
        if exited:
            stopped_reason = "Essential container in task exited"
            self._stop(task, names, report, reason=stopped_reason, failed=failed)
            return
        if unhealthy and task["group"].startswith("service:"):
            stopped_reason, failed = "Task failed container health checks", True
            self._stop(task, names, report, reason=stopped_reason, failed=True)
            return
        report["tasks"].append(
            {"arn": task["arn"], "last_status": "RUNNING", "health_status": health, "containers": containers}
        )

    def _stop(
        self, task: dict[str, Any], names: list[str], report: dict[str, Any], reason: str, failed: bool = False
    ) -> None:
        containers = []
        for name in names:
            container = next(
                (c["name"] for c in task["task_definition"]["containers"] if name.endswith(f"-{c['name']}")), name
            )
            info = inspect("container", name) or {}
            if info.get("State", {}).get("Status") == "running":
                docker(["stop", "-t", "30", name], check=False, timeout=60)
                info = inspect("container", name) or {}
            self._ship_logs(task, container, name, report)
            state = info.get("State", {})
            containers.append(
                {
                    "name": container,
                    "last_status": "STOPPED",
                    "exit_code": state.get("ExitCode"),
                    "health_status": "UNKNOWN",
                }
            )
            docker(["rm", "-f", name], check=False)
            self.cursors.pop(f"{task['id']}|{container}", None)
        item: dict[str, Any] = {
            "arn": task["arn"],
            "last_status": "STOPPED",
            "containers": containers,
            "failed": failed,
        }
        if reason:
            item.update(
                stopped_reason=reason,
                stop_code="EssentialContainerExited"
                if reason == "Essential container in task exited"
                else "ServiceSchedulerInitiated",
            )
        report["tasks"].append(item)

    def _remove(self, names: list[str]) -> None:
        for name in names:
            docker(["rm", "-f", name], check=False)

    def _ship_logs(self, task: dict[str, Any], container: str, name: str, report: dict[str, Any]) -> None:
        definition = next((c for c in task["task_definition"]["containers"] if c["name"] == container), None)
        if not definition:
            return
        config = definition.get("log_configuration") or {}
        if config.get("logDriver") != "awslogs":
            return
        options = config.get("options") or {}
        group, prefix = options.get("awslogs-group"), options.get("awslogs-stream-prefix", "")
        if not group:
            return
        key = f"{task['id']}|{container}"
        since = self.cursors.get(key, "")
        args = ["logs", "--timestamps"] + (["--since", since] if since else []) + [name]
        result = docker(args, check=False)
        events, last = [], since
        for line in (result.stdout + result.stderr).splitlines():
            stamp, message = [*line.split(" ", 1), ""][:2]
            if not message or (since and stamp <= since):
                continue
            events.append({"timestamp": _millis(stamp), "message": message})
            last = max(last, stamp)
        if events:
            stream = "/".join(p for p in (prefix, container, task["id"]) if p)
            report["logs"].append(
                {
                    "account": task["account"],
                    "region": task["region"],
                    "group": group,
                    "stream": stream,
                    "events": events,
                }
            )
            self.cursors[key] = last

    # --- services ---------------------------------------------------------------------------------------------
    def _register_targets(self, service: dict[str, Any], tasks: list[dict[str, Any]], report: dict[str, Any]) -> None:
        """What ECS does for a service behind a load balancer: its running tasks are the target groups' targets, at
        their address on the VPC network, from the moment they pass their container health check (an ALB sends a new
        target traffic once it passes its first health check) until they start draining."""
        seen = {t["arn"]: t for t in report["tasks"]}
        for binding in service.get("load_balancers") or []:
            targets = []
            for task in tasks:
                now = seen.get(task["arn"])
                if now is None or now["last_status"] != "RUNNING" or task["arn"] in self.draining:
                    continue
                container = next(
                    (c for c in task["task_definition"]["containers"] if c["name"] == binding["containerName"]), {}
                )
                item = next((c for c in now["containers"] if c["name"] == binding["containerName"]), {})
                if container.get("health_check") and item.get("health_status") != "HEALTHY":
                    continue
                address = container_ip(self.container_name(task, binding["containerName"]))
                if address:
                    targets.append({"Id": address, "Port": int(binding["containerPort"])})
            report.setdefault("targets", []).append(
                {
                    "account": service["account"],
                    "region": service["region"],
                    "target_group_arn": binding["targetGroupArn"],
                    "targets": targets,
                }
            )

    def _retire(
        self, task: dict[str, Any], service: dict[str, Any], state: dict[str, Any], report: dict[str, Any], reason: str
    ) -> bool:
        """ECS's order for a service task behind a load balancer: deregister it from its target groups, wait for
        their deregistration delay (connection draining: the edge stops sending it new requests, those in flight
        finish), then stop it. True once stopped."""
        arns = {b["targetGroupArn"] for b in service.get("load_balancers") or []}
        delay = max(
            [
                int(group.get("deregistration_delay", 300))
                for lb in state.get("load_balancers", [])
                for arn, group in (lb.get("target_groups") or {}).items()
                if arn in arns
            ]
            or [0]
        )
        if delay > 0:
            until = self.draining.setdefault(task["arn"], time.monotonic() + delay)
            if time.monotonic() < until:
                return False
        self.draining.pop(task["arn"], None)
        names = [self.container_name(task, c["name"]) for c in task["task_definition"]["containers"]]
        self._stop(task, [n for n in names if inspect("container", n)], report, reason=reason)
        return True

    def _services(self, state: dict[str, Any], report: dict[str, Any]) -> None:
        tasks = [t for t in state.get("tasks", []) if t["last_status"] != "STOPPED"]
        just_stopped = {t["arn"] for t in report["tasks"] if t["last_status"] == "STOPPED"}
        active = {(s["cluster"], f"service:{s['name']}") for s in state.get("services", [])}
        for task in tasks:
            # the tasks of a deleted service stop with it (DeleteService on AWS needs desired count 0 or force)
            if task["group"].startswith("service:") and (task["cluster"], task["group"]) not in active:
                if task["arn"] in just_stopped:
                    continue
                names = [self.container_name(task, c["name"]) for c in task["task_definition"]["containers"]]
                self._stop(
                    task,
                    [n for n in names if inspect("container", n)],
                    report,
                    reason=f"Service {task['group'][8:]} was deleted",
                )
                just_stopped.add(task["arn"])
        for service in state.get("services", []):
            group = f"service:{service['name']}"
            mine = [
                t
                for t in tasks
                if t["group"] == group and t["cluster"] == service["cluster"] and t["arn"] not in just_stopped
            ]
            listed = {d["id"]: d for d in service["deployments"]}
            for task in mine:
                deployment = listed.get(task["started_by"])
                if deployment is None or deployment.get("rolloutState") == "FAILED":
                    primary = next((d["id"] for d in service["deployments"] if d["status"] == "PRIMARY"), "")
                    self._retire(task, service, state, report, f"Scaling activity initiated by (deployment {primary})")
            primary = next((d for d in service["deployments"] if d["status"] == "PRIMARY"), None)
            if primary is None or primary.get("rolloutState") == "FAILED":
                continue
            stopped_now = {t["arn"] for t in report["tasks"] if t["last_status"] == "STOPPED"}
            current = [t for t in mine if t["started_by"] == primary["id"] and t["arn"] not in stopped_now]
            old = [t for t in mine if t["started_by"] != primary["id"] and t["arn"] not in stopped_now]
            config = service.get("deployment_configuration") or {}
            # a draining task still takes room but no longer serves: not healthy, and already on its way out
            healthy = sum(
                1 for t in current + old if t.get("health_status") == "HEALTHY" and t["arn"] not in self.draining
            )
            start, stop_old = rolling_plan(
                int(service["desired_count"]),
                int(config.get("minimumHealthyPercent", 100)),
                int(config.get("maximumPercent", 200)),
                len(current),
                len(old),
                healthy,
            )
            if start > 0:
                report["start_service_tasks"].append(
                    {
                        "account": service["account"],
                        "region": service["region"],
                        "cluster": service["cluster"],
                        "service": service["name"],
                        "deployment_id": primary["id"],
                        "count": start,
                    }
                )
            extra = current[int(service["desired_count"]) :] if len(current) > int(service["desired_count"]) else []
            leaving = [t for t in extra + old if t["arn"] in self.draining]
            fresh = [t for t in old if t["arn"] not in self.draining][: max(0, stop_old - len(leaving))]
            for task in [t for t in extra if t["arn"] not in self.draining] + leaving + fresh:
                self._retire(task, service, state, report, f"Scaling activity initiated by (service {service['name']})")
            self._register_targets(service, current + old, report)
        # forget the draining of tasks that are no longer running (stopped this cycle or before)
        live = {t["arn"] for t in tasks} - {t["arn"] for t in report["tasks"] if t["last_status"] == "STOPPED"}
        self.draining = {arn: until for arn, until in self.draining.items() if arn in live}


def container_ip(name: str) -> str:
    """The container's address on its (VPC) network: what the target group registers."""
    networks = ((inspect("container", name) or {}).get("NetworkSettings") or {}).get("Networks") or {}
    return next((n.get("IPAddress") for n in networks.values() if n.get("IPAddress")), "")


def rolling_plan(
    desired: int, minimum_percent: int, maximum_percent: int, new: int, old: int, healthy: int
) -> tuple[int, int]:
    """ECS's rolling update for one scheduler pass: (tasks of the new deployment to start, old tasks to stop).

    At most floor(desired * maximumPercent / 100) tasks run or start at once; at least
    ceil(desired * minimumHealthyPercent / 100) healthy tasks stay while old ones are stopped to make room. The old
    deployment's remaining tasks are drained once the new one is healthy (the emulator's scheduler).
    """
    upper = desired * maximum_percent // 100
    lower = -(-desired * minimum_percent // 100)
    wanted = max(0, desired - new)
    start = max(0, min(wanted, upper - new - old))
    stop_old = 0
    if start < wanted and old > 0:
        room_needed = new + wanted + old - upper
        stop_old = max(0, min(old, healthy - lower, room_needed))
    return start, stop_old


def _running(name: str) -> bool:
    return bool(((inspect("container", name) or {}).get("State") or {}).get("Running"))


def _millis(stamp: str) -> int:
    from datetime import datetime

    head = stamp.rstrip("Z")
    if "." in head:
        base, fraction = head.split(".", 1)
        head = f"{base}.{fraction[:6]}"
    try:
        return int(datetime.fromisoformat(head + "+00:00").timestamp() * 1000)
    except ValueError:
        return int(time.time() * 1000)
