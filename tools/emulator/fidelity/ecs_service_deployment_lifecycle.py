"""ECS UpdateService starts a new deployment, which the service scheduler completes once it can place the tasks.

AWS behaviour restored: (deployment controller ``ECS``, rolling update)

- ``UpdateService`` with a task definition other than the service's, or with ``forceNewDeployment``, creates a new
  deployment: ``status`` ``PRIMARY``, ``rolloutState`` ``IN_PROGRESS``, the new ``taskDefinition`` (as an ARN, as
  is the service's own ``taskDefinition``), ``runningCount`` 0; the previous ``PRIMARY`` becomes ``ACTIVE``. A new
  ``desiredCount`` is the ``PRIMARY`` deployment's too.
- The service scheduler places the deployment's tasks on the cluster's ``ACTIVE`` container instances (or on
  Fargate). Once they run, the deployment is ``COMPLETED`` (``runningCount`` = ``desiredCount``), the older
  deployments are drained away, and the service logs ``(service NAME) has reached a steady state.``. Without
  capacity the deployment stays ``IN_PROGRESS`` with nothing running and the service logs ``(service NAME) was
  unable to place a task because no container instance met all of its requirements.``

moto 5.2.5 keeps one deployment forever: ``UpdateService`` only renames it (``forceNewDeployment``) and stores the
task definition as given (``family:revision``); its ``rolloutState`` stays ``IN_PROGRESS`` with ``runningCount`` 0
unless the server was started with ``MOTO_ECS_SERVICE_RUNNING``, and services log no events. This emulator runs no
containers: "the tasks run" is decided here, on the next ``DescribeServices``, by the cluster having an ACTIVE
container instance (what tools/container_agent.py registers), not by any container's health. Deployment failures
and circuit-breaker rollbacks are therefore never produced (the modules' unit tests cover those with AWS's shapes).

Needed by: ``kstore.platform.ecs_service_rollout`` (waits for the PRIMARY deployment to complete and compares its
task definition with the one just registered) and the service role's rolling update.
"""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime
from typing import Any

from ._patching import patch


def _now() -> datetime:
    return datetime.now(UTC)


def _event(service: Any, message: str) -> None:
    events = service.events
    if events and events[0]["message"] == message:
        return
    events.insert(0, {"id": str(uuid.uuid4()), "createdAt": _now(), "message": message})
    del events[100:]


def _has_capacity(backend: Any, service: Any) -> bool:
    strategy = getattr(service, "capacity_provider_strategy", None) or []
    if service.launch_type == "FARGATE" or any(s.get("capacityProvider", "").startswith("FARGATE") for s in strategy):
        return True
    instances = backend.container_instances.get(service.cluster_name, {}).values()
    return any(instance.status == "ACTIVE" for instance in instances)


def schedule(backend: Any, service: Any) -> None:
    """What the service scheduler has done by the time the service is described."""
    deployments = service.deployments
    primary = next((d for d in deployments if d.get("status") == "PRIMARY"), None)
    if primary is None or service.status != "ACTIVE":
        return
    primary["desiredCount"] = service.desired_count
    if primary.get("rolloutState") == "COMPLETED" and primary.get("runningCount") == service.desired_count:
        return
    if service.desired_count > 0 and not _has_capacity(backend, service):
        _event(
            service,
            f"(service {service.name}) was unable to place a task because no container instance met all of its "
            "requirements. Reason: No Container Instances were found in your cluster.",
        )
        return
    primary.update(
        runningCount=service.desired_count,
        pendingCount=0,
        rolloutState="COMPLETED",
        rolloutStateReason=f"ECS deployment {primary['id']} completed.",
        updatedAt=_now(),
    )
    service.deployments = [primary]
    service.running_count = service.desired_count
    service.pending_count = 0
    _event(service, f"(service {service.name}) has reached a steady state.")


def apply() -> None:
    from moto.ecs.models import EC2ContainerServiceBackend

    def make_update(original: Any) -> Any:
        def update_service(self: EC2ContainerServiceBackend, service_properties: dict[str, Any]) -> Any:
            service = self._get_service(
                service_properties.get("cluster", "default"), service_properties["service"].split("/")[-1]
            )
            before = service.task_definition
            running_before = service.running_count
            force = bool(service_properties.pop("force_new_deployment", False))
            requested = service_properties.get("task_definition")
            answer = original(self, service_properties)
            if requested:
                answer.task_definition = self.describe_task_definition(requested).arn
            # moto counts every desired task as running at once; the scheduler below decides that.
            answer.running_count = running_before
            answer.pending_count = max(answer.desired_count - running_before, 0)
            primary = next((d for d in answer.deployments if d.get("status") == "PRIMARY"), None)
            if primary is not None and (force or answer.task_definition != before):
                new = copy.deepcopy(primary)
                new_id = f"ecs-svc/{uuid.uuid4().int % 10**19}"
                now = _now()
                new.update(
                    id=new_id,
                    status="PRIMARY",
                    taskDefinition=answer.task_definition,
                    desiredCount=answer.desired_count,
                    runningCount=0,
                    pendingCount=answer.desired_count,
                    failedTasks=0,
                    rolloutState="IN_PROGRESS",
                    rolloutStateReason=f"ECS deployment {new_id} in progress.",
                    createdAt=now,
                    updatedAt=now,
                )
                primary["status"] = "ACTIVE"
                answer.deployments.insert(0, new)
            elif primary is not None:
                primary["desiredCount"] = answer.desired_count
                if primary.get("runningCount", 0) != answer.desired_count:
                    primary["rolloutState"] = "IN_PROGRESS"
            return answer

        return update_service

    def make_describe(original: Any) -> Any:
        def describe_services(self: EC2ContainerServiceBackend, cluster_str: str, names: list[str]) -> Any:
            services, failures = original(self, cluster_str, names)
            for service in services:
                schedule(self, service)
            return services, failures

        return describe_services

    patch(EC2ContainerServiceBackend, "update_service", __name__, make_update)
    patch(EC2ContainerServiceBackend, "describe_services", __name__, make_describe)
