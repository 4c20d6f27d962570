"""RDS DB instances keep and report their Performance Insights settings.

AWS behaviour restored: ``CreateDBInstance`` and ``ModifyDBInstance`` accept ``EnablePerformanceInsights``,
``PerformanceInsightsKMSKeyId`` and ``PerformanceInsightsRetentionPeriod``, and ``DescribeDBInstances`` reports
them as ``PerformanceInsightsEnabled`` (always), ``PerformanceInsightsKMSKeyId`` and
``PerformanceInsightsRetentionPeriod`` (while enabled; the key defaults to the account's ``aws/rds`` key, the
retention to 7 days). moto 5.2.5 drops the create parameters and stores the modify ones under names it never
reports as enabled.

Needed by: ``amazon.aws.rds_instance``, which on an existing instance with Performance Insights compares the
reported key with ``performance_insights_kms_key_id``: on plain moto the key is missing and its second run fails
("'NoneType' object has no attribute 'split'").
"""

from __future__ import annotations

from typing import Any

from ._patching import patch

DEFAULT_RETENTION = 7


def _settle(instance: Any) -> None:
    """Derive what DescribeDBInstances reports from what was asked for."""
    if instance.__dict__.get("performance_insights_enabled"):
        if not instance.__dict__.get("performance_insights_kms_key_id"):
            instance.performance_insights_kms_key_id = (
                f"arn:aws:kms:{instance.region}:{instance.account_id}:key/aws-rds-performance-insights"
            )
        if not instance.__dict__.get("performance_insights_retention_period"):
            instance.performance_insights_retention_period = DEFAULT_RETENTION
    else:
        instance.performance_insights_enabled = False
        instance.performance_insights_kms_key_id = None
        instance.performance_insights_retention_period = None


def apply() -> None:
    from moto.rds.models import DBInstance

    def make_init(original: Any) -> Any:
        def __init__(self: DBInstance, *args: Any, **kwargs: Any) -> None:
            original(self, *args, **kwargs)
            self.performance_insights_enabled = bool(kwargs.get("enable_performance_insights"))
            self.performance_insights_kms_key_id = kwargs.get("performance_insights_kms_key_id")
            self.performance_insights_retention_period = kwargs.get("performance_insights_retention_period")
            _settle(self)

        return __init__

    def make_update(original: Any) -> Any:
        def update(self: DBInstance, *args: Any, **db_kwargs: Any) -> None:
            enable = db_kwargs.pop("enable_performance_insights", None)
            original(self, *args, **db_kwargs)
            if enable is not None:
                self.performance_insights_enabled = bool(enable)
                if not enable:
                    self.performance_insights_kms_key_id = None
                    self.performance_insights_retention_period = None
            _settle(self)

        return update

    patch(DBInstance, "__init__", __name__, make_init)
    patch(DBInstance, "update", __name__, make_update)
