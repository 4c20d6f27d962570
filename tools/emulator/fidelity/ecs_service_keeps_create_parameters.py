"""ECS CreateService keeps capacity provider strategy, deployment and placement settings, grace period, ECS Exec.

AWS behaviour restored: the ``Service`` that ``CreateService`` creates (and ``DescribeServices`` answers) keeps
the request's ``capacityProviderStrategy``, ``deploymentConfiguration``, ``placementConstraints``,
``placementStrategy``, ``healthCheckGracePeriodSeconds`` and ``enableExecuteCommand``. Without them AWS answers
its defaults: ``deploymentConfiguration`` {``maximumPercent`` 200, ``minimumHealthyPercent`` 100,
``deploymentCircuitBreaker`` {``enable``: false, ``rollback``: false}}, empty placement lists,
``enableExecuteCommand`` false; with neither ``launchType`` nor ``capacityProviderStrategy`` the cluster's
``defaultCapacityProviderStrategy`` applies. A service on a capacity provider strategy has no ``launchType``
(also after ``UpdateService`` switches it to one). moto 5.2.5 drops all of these on CreateService and reports
``launchType`` EC2. (UpdateService already stores them in moto.)

Needed by: ``community.aws.ecs_service``, which compares ``healthCheckGracePeriodSeconds`` and
``enableExecuteCommand`` with the task's values (on plain moto, an update on every run) and returns the
service as described.
"""

from __future__ import annotations

import copy
from typing import Any

from ._patching import patch

DEFAULT_DEPLOYMENT_CONFIGURATION = {
    "deploymentCircuitBreaker": {"enable": False, "rollback": False},
    "maximumPercent": 200,
    "minimumHealthyPercent": 100,
}


def keep_create_parameters(response: Any, service: Any) -> None:
    strategy = response._get_param("capacityProviderStrategy")
    if not strategy and not response._get_param("launchType"):
        cluster = response.ecs_backend._get_cluster(response._get_param("cluster", "default"))
        strategy = copy.deepcopy(cluster.default_capacity_provider_strategy or [])
    if strategy:
        service.capacity_provider_strategy = strategy
        service.launch_type = None
        for deployment in service.deployments:
            deployment.pop("launchType", None)
            deployment["capacityProviderStrategy"] = copy.deepcopy(strategy)
    service.deployment_configuration = {
        **copy.deepcopy(DEFAULT_DEPLOYMENT_CONFIGURATION),
        **(response._get_param("deploymentConfiguration") or {}),
    }
    service.placement_constraints = response._get_param("placementConstraints") or []
    service.placement_strategy = response._get_param("placementStrategy") or []
    grace_period = response._get_param("healthCheckGracePeriodSeconds")
    if grace_period is not None:
        service.health_check_grace_period_seconds = grace_period
    service.enable_execute_command = bool(response._get_param("enableExecuteCommand", False))


def apply() -> None:
    from moto.ecs.responses import EC2ContainerServiceResponse

    def make_create(original: Any) -> Any:
        def create_service(self: EC2ContainerServiceResponse) -> Any:
            answer = original(self)
            keep_create_parameters(self, answer.result["service"])
            return answer

        return create_service

    def make_update(original: Any) -> Any:
        def update_service(self: EC2ContainerServiceResponse) -> Any:
            answer = original(self)
            if self._get_param("capacityProviderStrategy"):
                answer.result["service"].launch_type = None
            return answer

        return update_service

    patch(EC2ContainerServiceResponse, "create_service", __name__, make_create)
    patch(EC2ContainerServiceResponse, "update_service", __name__, make_update)
