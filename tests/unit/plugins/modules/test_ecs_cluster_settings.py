"""kstore.platform.ecs_cluster_settings: the real module code against the real emulator over HTTP.

UpdateClusterSettings is the emulator's fidelity patch ecs_update_cluster_settings (moto lacks it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest
from ansible_collections.kstore.platform.plugins.modules import ecs_cluster_settings

MUTATING = ("ecs:UpdateClusterSettings", "ecs:TagResource", "ecs:UntagResource")
CLUSTER = "shop-dev-cluster"


@pytest.fixture()
def ecs(clean_emulator: Any) -> Any:
    client = boto3.client("ecs", region_name="eu-west-1", endpoint_url=clean_emulator.url)
    client.create_cluster(clusterName=CLUSTER)
    clean_emulator.reset_requests()
    return client


@pytest.fixture()
def settings(run_module: Callable[..., dict], ecs: Any) -> Callable[..., dict]:
    def run(check_mode: bool = False, diff: bool = False, **args: Any) -> dict:
        return run_module(ecs_cluster_settings.main, {"cluster": CLUSTER, **args}, check_mode=check_mode, diff=diff)

    return run


def state(ecs: Any) -> tuple[dict[str, str], dict[str, str]]:
    (cluster,) = ecs.describe_clusters(clusters=[CLUSTER], include=["SETTINGS", "TAGS"])["clusters"]
    return (
        {s["name"]: s["value"] for s in cluster.get("settings", [])},
        {t["key"]: t["value"] for t in cluster.get("tags", [])},
    )


def mutating_calls(emulator: Any) -> dict[str, int]:
    return {action: count for action, count in emulator.requests()["by_action"].items() if action in MUTATING}


def test_enable_and_tag(settings: Callable[..., dict], ecs: Any) -> None:
    result = settings(container_insights="enabled", tags={"Component": "cluster"}, diff=True)

    assert result["changed"] is True, result
    assert state(ecs) == ({"containerInsights": "enabled"}, {"Component": "cluster"})
    assert result["cluster"]["container_insights"] == "enabled"
    assert result["cluster"]["tags"] == {"Component": "cluster"}
    assert result["diff"]["before"]["container_insights"] == "disabled"
    assert result["diff"]["after"]["container_insights"] == "enabled"


def test_second_run_is_not_changed(settings: Callable[..., dict], clean_emulator: Any) -> None:
    settings(container_insights="enhanced", tags={"A": "1"})
    clean_emulator.reset_requests()
    second = settings(container_insights="enhanced", tags={"A": "1"})
    assert second["changed"] is False, second
    assert mutating_calls(clean_emulator) == {}


def test_check_mode(settings: Callable[..., dict], ecs: Any, clean_emulator: Any) -> None:
    result = settings(container_insights="enabled", tags={"A": "1"}, check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["cluster"]["container_insights"] == "enabled"
    assert state(ecs) == ({"containerInsights": "disabled"}, {})
    assert mutating_calls(clean_emulator) == {}


def test_unset_options_are_left_alone(settings: Callable[..., dict], ecs: Any) -> None:
    settings(container_insights="enabled", tags={"A": "1", "B": "2"})
    assert settings()["changed"] is False
    assert settings(tags={"C": "3"}, purge_tags=False)["changed"] is True
    assert state(ecs) == ({"containerInsights": "enabled"}, {"A": "1", "B": "2", "C": "3"})
    assert settings(container_insights="disabled")["changed"] is True
    assert state(ecs) == ({"containerInsights": "disabled"}, {"A": "1", "B": "2", "C": "3"})
    assert settings(tags={"C": "3"})["changed"] is True
    assert state(ecs)[1] == {"C": "3"}


def test_missing_cluster(run_module: Callable[..., dict], clean_emulator: Any) -> None:
    result = run_module(ecs_cluster_settings.main, {"cluster": "nope", "container_insights": "enabled"})
    assert result["failed"] is True
    assert "not found" in result["msg"]
    assert mutating_calls(clean_emulator) == {}
