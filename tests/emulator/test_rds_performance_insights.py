"""RDS instances keep and report Performance Insights settings (fidelity/rds_performance_insights)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _create(rds: Any, name: str, **extra: Any) -> dict[str, Any]:
    return rds.create_db_instance(
        DBInstanceIdentifier=name,
        Engine="mariadb",
        EngineVersion="10.11.13",
        DBInstanceClass="db.t4g.medium",
        AllocatedStorage=20,
        MasterUsername="admin",
        MasterUserPassword="not-a-secret-1",
        **extra,
    )["DBInstance"]


def _insights(rds: Any, name: str) -> tuple[Any, Any, Any]:
    (instance,) = rds.describe_db_instances(DBInstanceIdentifier=name)["DBInstances"]
    return (
        instance.get("PerformanceInsightsEnabled"),
        instance.get("PerformanceInsightsKMSKeyId"),
        instance.get("PerformanceInsightsRetentionPeriod"),
    )


def test_create_with_key_and_retention(aws: Callable[[str], Any]) -> None:
    rds = aws("rds")
    key = aws("kms").create_key()["KeyMetadata"]["Arn"]
    created = _create(
        rds,
        "pi",
        EnablePerformanceInsights=True,
        PerformanceInsightsKMSKeyId=key,
        PerformanceInsightsRetentionPeriod=31,
    )
    assert created["PerformanceInsightsEnabled"] is True
    assert _insights(rds, "pi") == (True, key, 31)


def test_defaults_off_and_on(aws: Callable[[str], Any]) -> None:
    rds = aws("rds")
    _create(rds, "plain")
    assert _insights(rds, "plain") == (False, None, None)
    _create(rds, "default-key", EnablePerformanceInsights=True)
    enabled, key, retention = _insights(rds, "default-key")
    assert (enabled, retention) == (True, 7)
    assert key.startswith("arn:aws:kms:eu-west-1:")


def test_modify_turns_it_on_and_off(aws: Callable[[str], Any]) -> None:
    rds = aws("rds")
    _create(rds, "later")
    rds.modify_db_instance(DBInstanceIdentifier="later", EnablePerformanceInsights=True, ApplyImmediately=True)
    assert _insights(rds, "later")[0] is True
    rds.modify_db_instance(DBInstanceIdentifier="later", EnablePerformanceInsights=False, ApplyImmediately=True)
    assert _insights(rds, "later") == (False, None, None)
