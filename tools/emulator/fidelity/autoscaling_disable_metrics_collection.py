"""Auto Scaling DisableMetricsCollection.

AWS behaviour restored: ``DisableMetricsCollection(AutoScalingGroupName, Metrics=[...])`` stops collecting the named
group metrics (all of them when ``Metrics`` is empty or absent) and answers an empty result; disabling metrics that
are not collected is not an error. moto 5.2.5 implements ``EnableMetricsCollection`` only (HTTP 500 here).

Needed by: ``amazon.aws.autoscaling_group``, which calls DisableMetricsCollection on every run that finds the group
(``metrics_collection: false``, the default), so its second run fails on plain moto.
"""

from __future__ import annotations

from typing import Any

from ._patching import patch


def disable_metrics_collection(self: Any) -> Any:
    from moto.core.responses import EmptyResult

    group = self.autoscaling_backend.describe_auto_scaling_groups([self._get_param("AutoScalingGroupName")])[0]
    metrics = self._get_param("Metrics") or []
    group.metrics = [metric for metric in group.metrics if metrics and metric not in metrics]
    return EmptyResult()


def apply() -> None:
    from moto.autoscaling.responses import AutoScalingResponse

    patch(AutoScalingResponse, "disable_metrics_collection", __name__, lambda _original: disable_metrics_collection)
