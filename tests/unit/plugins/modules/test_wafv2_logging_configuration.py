"""kstore.platform.wafv2_logging_configuration: the real module code against the real emulator over HTTP.

moto implements Put/Get/DeleteLoggingConfiguration with AWS's shapes (GetLoggingConfiguration and
DeleteLoggingConfiguration raise WAFNonexistentItemException when there is none), so no Stubber is needed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest
from ansible_collections.kstore.platform.plugins.modules import wafv2_logging_configuration

LOG_GROUP_ARN = "arn:aws:logs:eu-west-1:123456789012:log-group:aws-waf-logs-shop-dev"
BUCKET_ARN = "arn:aws:s3:::aws-waf-logs-shop-dev"
REDACTED = [{"SingleHeader": {"Name": "authorization"}}, {"SingleHeader": {"Name": "cookie"}}]
MUTATING = ("wafv2:PutLoggingConfiguration", "wafv2:DeleteLoggingConfiguration")


@pytest.fixture()
def wafv2(clean_emulator: Any) -> Any:
    return boto3.client("wafv2", region_name="eu-west-1", endpoint_url=clean_emulator.url)


@pytest.fixture()
def acl_arn(wafv2: Any, clean_emulator: Any) -> str:
    acl = wafv2.create_web_acl(
        Name="shop-dev-web",
        Scope="REGIONAL",
        DefaultAction={"Allow": {}},
        VisibilityConfig={"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "web"},
    )["Summary"]["ARN"]
    clean_emulator.reset_requests()
    return acl


@pytest.fixture()
def logging(run_module: Callable[..., dict], acl_arn: str) -> Callable[..., dict]:
    def run(check_mode: bool = False, diff: bool = False, **args: Any) -> dict:
        module_args = {"web_acl_arn": acl_arn, **args}
        return run_module(wafv2_logging_configuration.main, module_args, check_mode=check_mode, diff=diff)

    return run


def configuration(wafv2: Any, arn: str) -> dict | None:
    try:
        return wafv2.get_logging_configuration(ResourceArn=arn)["LoggingConfiguration"]
    except wafv2.exceptions.WAFNonexistentItemException:
        return None


def mutations(emulator: Any) -> int:
    by_action = emulator.requests()["by_action"]
    return sum(by_action.get(action, 0) for action in MUTATING)


def test_put_then_idempotent(logging: Callable[..., dict], wafv2: Any, acl_arn: str, clean_emulator: Any) -> None:
    result = logging(log_destination_configs=[LOG_GROUP_ARN], redacted_fields=REDACTED, diff=True)
    assert result["changed"] is True, result
    assert result["diff"]["before"] == {}
    assert result["logging_configuration"]["log_destination_configs"] == [LOG_GROUP_ARN]
    stored = configuration(wafv2, acl_arn)
    assert stored["LogDestinationConfigs"] == [LOG_GROUP_ARN]
    assert stored["RedactedFields"] == REDACTED

    # Same fields in another order, another header case: no change.
    again = logging(
        log_destination_configs=[LOG_GROUP_ARN],
        redacted_fields=[{"SingleHeader": {"Name": "Cookie"}}, {"SingleHeader": {"Name": "authorization"}}],
    )
    assert again["changed"] is False, again
    assert mutations(clean_emulator) == 1


def test_check_mode_changes_nothing(
    logging: Callable[..., dict], wafv2: Any, acl_arn: str, clean_emulator: Any
) -> None:
    result = logging(log_destination_configs=[LOG_GROUP_ARN], check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["diff"]["after"]["log_destination_configs"] == [LOG_GROUP_ARN]
    assert configuration(wafv2, acl_arn) is None
    assert mutations(clean_emulator) == 0


def test_update_destination_and_filter(logging: Callable[..., dict], wafv2: Any, acl_arn: str) -> None:
    logging(log_destination_configs=[LOG_GROUP_ARN], redacted_fields=REDACTED)
    log_filter = {
        "DefaultBehavior": "DROP",
        "Filters": [
            {
                "Behavior": "KEEP",
                "Requirement": "MEETS_ANY",
                "Conditions": [{"ActionCondition": {"Action": "BLOCK"}}],
            }
        ],
    }
    result = logging(log_destination_configs=[BUCKET_ARN], logging_filter=log_filter, diff=True)
    assert result["changed"] is True
    assert result["diff"]["before"]["redacted_fields"] == REDACTED
    stored = configuration(wafv2, acl_arn)
    assert stored["LogDestinationConfigs"] == [BUCKET_ARN]
    assert stored["LoggingFilter"] == log_filter
    assert not stored.get("RedactedFields")
    assert logging(log_destination_configs=[BUCKET_ARN], logging_filter=log_filter)["changed"] is False


def test_absent(logging: Callable[..., dict], wafv2: Any, acl_arn: str) -> None:
    logging(log_destination_configs=[LOG_GROUP_ARN])
    assert logging(state="absent", check_mode=True)["changed"] is True
    assert configuration(wafv2, acl_arn) is not None
    assert logging(state="absent")["changed"] is True
    assert configuration(wafv2, acl_arn) is None
    assert logging(state="absent")["changed"] is False


@pytest.mark.parametrize(
    ("destinations", "message"),
    [
        (["arn:aws:logs:eu-west-1:123456789012:log-group:shop-dev-waf"], "must start with 'aws-waf-logs-'"),
        (["arn:aws:s3:::aws-waf-logs-a", "arn:aws:s3:::aws-waf-logs-b"], "exactly one"),
        (["arn:aws:sqs:eu-west-1:123456789012:aws-waf-logs-q"], "is not the ARN"),
    ],
)
def test_bad_destination_makes_no_request(
    logging: Callable[..., dict], clean_emulator: Any, destinations: list[str], message: str
) -> None:
    result = logging(log_destination_configs=destinations)
    assert result["failed"] is True
    assert message in result["msg"]
    assert clean_emulator.requests()["total"] == 0


def test_bad_acl_arn(run_module: Callable[..., dict], clean_emulator: Any) -> None:
    result = run_module(wafv2_logging_configuration.main, {"web_acl_arn": "shop-dev-web", "state": "absent"})
    assert result["failed"] is True
    assert "web ACL ARN" in result["msg"]
    assert clean_emulator.requests()["total"] == 0
