"""ECS places a task by its task-level cpu and memory when its containers set none.

AWS behaviour restored: a task definition may give ``cpu`` / ``memory`` at task level only (``awsvpc`` tasks
usually do); its containers then need no ``memory`` / ``memoryReservation``, and ``RunTask`` / the service scheduler
reserve the task-level values on the container instance (``registeredResources`` minus the tasks' reservations).
moto 5.2.5 sums the containers' ``memory`` only and answers ``RunTask`` with an internal error (``int + None``)
when a container has neither.

Needed by: ``kstore.platform.ecs_run_task`` running the service role's task definition (task-level cpu/memory, one
container without its own limits).
"""

from __future__ import annotations

from typing import Any

from ._patching import MARK, patch


def apply() -> None:
    from moto.ecs.models import EC2ContainerServiceBackend

    def make(original: Any) -> Any:
        # moto's is a staticmethod called as self._calculate...(task_definition): the replacement is a method.
        def calculate(self: EC2ContainerServiceBackend, task_definition: Any) -> dict[str, Any]:
            containers = task_definition.container_definitions
            limits = ("memory", "memoryReservation", "Memory", "MemoryReservation")
            missing = [c for c in containers if not any(c.get(key) is not None for key in limits)]
            for container in missing:
                container["memoryReservation"] = 0
            try:
                # moto's own is a staticmethod (a plain function here); another patch's replacement is a method.
                requirements = original(self, task_definition) if hasattr(original, MARK) else original(task_definition)
            finally:
                for container in missing:
                    container.pop("memoryReservation", None)
            for resource, value in (("CPU", task_definition.cpu), ("MEMORY", task_definition.memory)):
                if value not in (None, ""):
                    requirements[resource] = max(int(requirements[resource] or 0), int(value))
            return requirements

        return calculate

    patch(EC2ContainerServiceBackend, "_calculate_task_resource_requirements", __name__, make)
