"""ECS awsvpc tasks reserve no host ports on the container instance.

AWS behaviour restored: a task in ``awsvpc`` network mode gets its own elastic network interface; its
``portMappings`` (``hostPort`` equal to ``containerPort``) are ports of that interface, not of the container
instance, so any number of such tasks with the same port can run on one instance (within CPU, memory and ENI
limits). moto 5.2.5 reserves the ``hostPort`` on the container instance as in bridge mode and never releases it
for a task that stops on its own, so a second ``RunTask`` of the same task definition is silently not placed.

Needed by: ``kstore.platform.ecs_run_task`` running the service role's install task (awsvpc, port 8080) again on a
later deployment.
"""

from __future__ import annotations

from typing import Any

from ._patching import MARK, patch


def apply() -> None:
    from moto.ecs.models import EC2ContainerServiceBackend

    def make(original: Any) -> Any:
        def calculate(self: EC2ContainerServiceBackend, task_definition: Any) -> dict[str, Any]:
            # moto's own is a staticmethod (a plain function here); another patch's replacement is a method.
            requirements = original(self, task_definition) if hasattr(original, MARK) else original(task_definition)
            if getattr(task_definition, "network_mode", None) == "awsvpc":
                requirements["PORTS"] = []
            return requirements

        return calculate

    patch(EC2ContainerServiceBackend, "_calculate_task_resource_requirements", __name__, make)
