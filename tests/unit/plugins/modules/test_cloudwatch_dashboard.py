"""kstore.platform.cloudwatch_dashboard: the real module code against the real emulator over HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from ansible_collections.kstore.platform.plugins.modules import cloudwatch_dashboard

BODY = {
    "widgets": [
        {
            "type": "metric",
            "x": 0,
            "y": 0,
            "width": 12,
            "height": 6,
            "properties": {"region": "eu-west-1", "metrics": [["AWS/ECS", "CPUUtilization", "ClusterName", "c"]]},
        }
    ]
}


@pytest.fixture()
def cloudwatch(clean_emulator: Any) -> Any:
    return boto3.client("cloudwatch", region_name="eu-west-1", endpoint_url=clean_emulator.url)


@pytest.fixture()
def dashboard(run_module: Callable[..., dict], clean_emulator: Any) -> Callable[..., dict]:
    def run(check_mode: bool = False, diff: bool = False, **args: Any) -> dict:
        return run_module(cloudwatch_dashboard.main, {"name": "shop-dev", **args}, check_mode=check_mode, diff=diff)

    return run


def test_put_idempotent_update_delete(dashboard: Callable[..., dict], cloudwatch: Any, clean_emulator: Any) -> None:
    assert dashboard(body=BODY, check_mode=True)["changed"] is True
    assert cloudwatch.list_dashboards()["DashboardEntries"] == []

    created = dashboard(body=BODY, diff=True)
    assert created["changed"] is True, created
    assert created["dashboard_arn"].endswith(":dashboard/shop-dev")
    assert json.loads(cloudwatch.get_dashboard(DashboardName="shop-dev")["DashboardBody"]) == BODY

    # The same body as a JSON string with other key order: no change.
    assert dashboard(body=json.dumps(BODY, sort_keys=True, indent=2))["changed"] is False

    changed = dashboard(body={"widgets": []}, diff=True)
    assert changed["changed"] is True
    assert changed["diff"]["before"] == BODY

    assert dashboard(state="absent", check_mode=True)["changed"] is True
    assert dashboard(state="absent")["changed"] is True
    assert cloudwatch.list_dashboards()["DashboardEntries"] == []
    assert dashboard(state="absent")["changed"] is False


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"body": "{not json"}, "not valid JSON"),
        ({"body": {"widgets": "x"}}, "'widgets' list"),
        ({"name": "shop dev", "body": BODY}, "name must be"),
    ],
)
def test_bad_input_makes_no_request(
    dashboard: Callable[..., dict], clean_emulator: Any, args: dict, message: str
) -> None:
    clean_emulator.reset_requests()
    result = dashboard(**args)
    assert result["failed"] is True
    assert message in result["msg"]
    assert clean_emulator.requests()["total"] == 0
